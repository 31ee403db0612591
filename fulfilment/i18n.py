"""Dutch and English: which language a request speaks, and the translation functions.

Every text a person reads is written in English in the code and marked for translation:
``_("Orders")`` (translated now, inside a request), ``_l("Orders")`` (translated when shown:
form labels, column labels, menu names, anything defined at import time) and
``ngettext("%(num)s order", "%(num)s orders", count)``; a word with two meanings takes its
context: ``pgettext("money", "Amount")`` (a sum, "Bedrag") beside ``_("Amount")`` (units, "Aantal").
Templates use ``{{ _("…") }}`` and ``{% trans %}``. The catalogues are
``fulfilment/translations/<language>/LC_MESSAGES/messages.po``; ``flask --app fulfilment
translations update`` brings them up to date with the code (see fulfilment/catalogues.py) and
tests/test_translations.py fails on anything untranslated.

The .po files are the only copy: they are compiled in memory the first time a language is used
in a process, so a compiled catalogue can never be older than its source.

Who reads which language:
- a portal user: its own choice, else its client's language;
- staff: their own choice, else the browser's;
- anyone not logged in (login pages, error pages): the language picked on a login page, else the
  browser's ``Accept-Language``;
- the REST API: always English, because integrators match on its messages and codes.
E-mails are written per language (templates/mail/<language>/) and rendered with
``force_locale(language)`` so that their numbers and dates match their words.
"""

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, LazyString, force_locale, get_locale
from flask_login import current_user

__all__ = ["LANGUAGES", "LANGUAGE_CODES", "_", "_l", "current_locale", "force_locale", "gettext", "init_app",
           "language_name", "lazy_ngettext", "ngettext", "pgettext", "lazy_pgettext", "current_language",
           "language_of"]

_NO_TRANSLATIONS = Translations()


def current_locale():
    """The Babel locale spoken now (None outside an app context).

    Read straight off Flask-Babel's state for this context (the locale it chose, or the one
    force_locale set): its own get_locale() goes through Flask's ``g`` proxy three times a call,
    and a page asks a few hundred times (each text, number and date): a fifth of a back-office
    list's time had gone there."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    locale = getattr(app_context.g.__dict__.get("_flask_babel"), "babel_locale", None)
    return locale if locale is not None else get_locale()  # get_locale() chooses it and keeps it


def _translations():
    """The catalogue of the language spoken now."""
    locale = current_locale()
    return _compiled(locale.language) if locale is not None else _NO_TRANSLATIONS


def gettext(string, **variables):
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def pgettext(context, string, **variables):
    text = _translations().upgettext(context, string)
    return text % variables if variables else text


def npgettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _translations().unpgettext(context, singular, plural, num) % variables


def lazy_gettext(string, **variables):
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular, plural, num, **variables):
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context, string, **variables):
    return LazyString(pgettext, context, string, **variables)


_ = gettext
_l = lazy_gettext

# The languages we speak, with their names as their own speakers write them (a language menu
# shows each name in its own language, whatever the page's language is).
LANGUAGES = (("en", "English"), ("nl", "Nederlands"))
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)
DEFAULT_LANGUAGE = "en"

TRANSLATIONS_DIRECTORY = Path(__file__).parent / "translations"
DOMAIN = "messages"


def language_name(code):
    return dict(LANGUAGES).get(code, code)


def catalogue_path(language):
    return TRANSLATIONS_DIRECTORY / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _compiled(language):
    """The catalogue of language compiled from its .po file (once per process)."""
    path = catalogue_path(language)
    if not path.exists():
        return Translations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class PoCatalogues(Domain):
    """Flask-Babel's domain, reading our .po files instead of compiled .mo files."""

    def __init__(self):
        super().__init__(domain=DOMAIN)

    def get_translations(self):
        return _translations()


class _Babel(Babel):
    @property
    def domain_instance(self):
        return _CATALOGUES


_CATALOGUES = PoCatalogues()


def language_of(user):
    """The language user reads, or None when it has no say (staff who never chose)."""
    chosen = getattr(user, "language", None)
    if chosen:
        return chosen
    client = getattr(user, "client", None) if getattr(user, "identity_prefix", None) == "portal" else None
    return client.language if client is not None else None


def select_language():
    """The language of this request (see the module's docstring)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if request.path.startswith("/api/"):
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated:
        chosen = language_of(current_user)
        if chosen in LANGUAGE_CODES:
            return chosen
    if session.get("language") in LANGUAGE_CODES:  # picked on a login page (auth.choose_language)
        return session["language"]
    return request.accept_languages.best_match(LANGUAGE_CODES) or DEFAULT_LANGUAGE


def current_language():
    """The code of the language being spoken now ("en" outside a request)."""
    locale = current_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def init_app(app):
    _Babel(app, locale_selector=select_language, default_locale=DEFAULT_LANGUAGE,
           default_timezone=app.config["TIMEZONE"], default_domain=DOMAIN,
           default_translation_directories=str(TRANSLATIONS_DIRECTORY))
    # The templates' _, gettext, ngettext and pgettext (new style: autoescaped, %(name)s) are ours,
    # in place of the ones Flask-Babel installs: the same catalogues, found faster (_translations).
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, num: _translations().ungettext(singular, plural, num),
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _translations().unpgettext(context, singular, plural, num),
        newstyle=True)
    app.jinja_env.globals.update(current_language=current_language, language_name=language_name,
                                 languages=LANGUAGES)
    # {% trans %} blocks are read with their whitespace trimmed, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
