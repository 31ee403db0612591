"""Keeping the translation catalogues in step with the code (issue 16).

``extract()`` reads every marked text from the Python modules and templates, the way
``pybabel extract -F babel.cfg`` does (the same mapping file and keywords, see setup.cfg);
``update()`` brings both .po files up to date with it (new texts in, gone texts out, English
filled in as its own translation); ``problems()`` lists what keeps a catalogue from being
complete: a text without translation, a fuzzy one, a placeholder that differs. The CLI runs them as
``flask --app fulfilment translations update`` and ``… translations check``.
"""

import copy
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from fulfilment.i18n import DEFAULT_LANGUAGE, LANGUAGE_CODES, catalogue_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAPPING_FILE = Path(__file__).resolve().parent / "babel.cfg"
# Our own names for gettext (fulfilment/i18n.py) besides Babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
PROJECT = "Fulfilment Portal"
HEADER = """\
# The texts of Fulfilment Portal in one language (fulfilment/i18n.py). Write msgstr only: run
# `flask --app fulfilment translations update` to add the code's new texts and drop gone ones."""


def extract():
    """A catalogue of every marked text in the code and templates."""
    with MAPPING_FILE.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(MAPPING_FILE))
    template = Catalog(project=PROJECT, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(language):
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=language, project=PROJECT, fuzzy=False, header_comment=HEADER,
                       copyright_holder="the Fulfilment Portal authors")
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


def write(language, catalog):
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po_file:
        # Sorted and without source lines: parallel changes to the catalogue merge cleanly.
        write_po(po_file, catalog, width=100, no_location=True, omit_header=False, sort_output=True,
                 include_previous=False)


def update(template=None):
    """Bring every catalogue up to date with the code; returns {language: texts still untranslated}."""
    template = template or extract()
    untranslated = {}
    for language in LANGUAGE_CODES:
        catalog = read(language)
        # Catalog.update adopts the template's message objects: give each language its own.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False,
                       update_creation_date=False)
        catalog.obsolete.clear()
        if language == DEFAULT_LANGUAGE:  # the code is written in English: each text is its own translation
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id
        catalog.fuzzy = False
        write(language, catalog)
        untranslated[language] = [message.id for message in catalog if message.id and not _translated(message)]
    return untranslated


def _translated(message):
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def _key(message):
    """A message's identity in a catalogue: its text (the singular of a plural) and its context."""
    return (message.id if isinstance(message.id, str) else message.id[0]), message.context


def problems(template=None):
    """What keeps the catalogues from matching the code, one sentence each (empty: all is well)."""
    template = template or extract()
    found = []
    for language in LANGUAGE_CODES:
        catalog = read(language)
        known = {_key(message): message for message in catalog if message.id}
        for message in template:
            if not message.id:
                continue
            key = _key(message)
            entry = known.get(key)
            where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
            if entry is None:
                found.append(f"{language}: not in the catalogue: {key[0]!r} ({where})")
            elif entry.fuzzy:
                found.append(f"{language}: fuzzy: {key[0]!r}")
            elif not _translated(entry):
                found.append(f"{language}: not translated: {key[0]!r} ({where})")
        in_code = {_key(message) for message in template if message.id}
        found.extend(f"{language}: no longer in the code: {key[0]!r}" for key in known if key not in in_code)
        for message, errors in catalog.check():
            found.extend(f"{language}: {message.id!r}: {error}" for error in errors)
    return found
