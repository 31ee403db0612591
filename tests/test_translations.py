"""Dutch and English (issue 16): every text a person reads is marked for translation, and both
catalogues translate all of it.

Three checks, each failing with the file and line to fix:
- the catalogues match the code: extracted as `pybabel extract` does, every text has a Dutch
  translation that is not fuzzy and keeps its placeholders, and nothing gone from the code lingers;
- templates: text between tags, text attributes (title, placeholder, alt, aria-label, button
  values) and prose strings inside Jinja expressions are marked with _() / {% trans %};
- Python: messages flashed, domain errors and form validation raised, form labels, help texts,
  placeholders and choices, and the back office's names and column labels are marked.
The REST API is left out on purpose: its messages stay English (integrators match on them).
E-mails are written per language (templates/mail/<language>/) and are checked for having both.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

from fulfilment import catalogues
from fulfilment.i18n import LANGUAGE_CODES

PACKAGE = Path(catalogues.__file__).parent
TEMPLATES = PACKAGE / "templates"
# Words that read the same in Dutch and English: names of products, platforms and standards.
SAME_IN_EVERY_LANGUAGE = {
    "API", "CSV", "EAN", "Excel", "GTIN", "HS", "ID", "IBAN", "JSON", "OK", "PDF", "Picqer", "PostNL", "DHL", "DPD",
    "UPS", "GLS", "FedEx", "bpost", "SKU", "Shopify", "SMTP", "TOTP", "URL", "VAT", "WooCommerce", "XLSX", "HTTPS",
    "HTTP", "QR", "Fulfilment", "E-mail", "e-mail", "Webhook", "webhook", "Webshop", "webshop", "Webshops",
    "Dashboard", "Status", "status", "Product", "product", "Producten", "Portal", "Stock", "ISO",
}
_LETTERS = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = "\x00"


def _words_left(text):
    """The words of text a reader would need translated (placeholders and shared words removed)."""
    return [word for word in _LETTERS.findall(text.replace(PLACEHOLDER, " "))
            if word not in SAME_IN_EVERY_LANGUAGE]


# --- the catalogues -------------------------------------------------------------------------


def test_catalogues_translate_every_marked_text():
    problems = catalogues.problems()
    assert not problems, "run `flask --app fulfilment translations update`, then translate:\n" + "\n".join(problems)


def test_every_e_mail_is_written_in_every_language():
    kinds = {language: {path.name for path in (TEMPLATES / "mail" / language).iterdir()}
             for language in LANGUAGE_CODES}
    english = kinds["en"]
    for language, names in kinds.items():
        assert names == english, f"mail/{language} differs from mail/en: {sorted(names ^ english)}"


# --- templates ------------------------------------------------------------------------------

TEXT_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "data-confirm", "label"}
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# A string inside a Jinja expression that reads as prose: a capital, then a lower-case word.
PROSE = re.compile(r"[A-Z][a-z]+(\W|$)")


def _template_names():
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                  if path.relative_to(TEMPLATES).parts[0] != "mail")


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and _words_left(value) and (
                    name in TEXT_ATTRIBUTES or (name == "value" and tag in ("input", "button")
                                                and attributes.get("type") in ("submit", "button", "reset"))):
                self.texts.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def unmarked_template_texts(source):
    """(line, text) of every text in a Jinja template that is shown without being marked."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    found = []
    page = []  # the template's HTML with every Jinja construct and marked text as a placeholder
    lines = []
    in_trans = False
    gettext_depth = 0  # how many gettext calls the current token is inside
    paren_depth = 0
    gettext_at = []
    previous_name = None
    block_words = []
    for lineno, kind, value in environment.lex(source):
        if kind == "data":
            if in_trans:
                page.append(PLACEHOLDER)
            else:
                page.append(value)
                lines.append((len("".join(page)), lineno))
            continue
        if kind == "block_begin":
            block_words = []
        elif kind == "name" and not block_words:
            block_words.append(value)
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
        if kind == "operator" and value == "(":
            paren_depth += 1
            if previous_name in GETTEXT_NAMES:
                gettext_at.append(paren_depth)
                gettext_depth += 1
        elif kind == "operator" and value == ")":
            if gettext_at and gettext_at[-1] == paren_depth:
                gettext_at.pop()
                gettext_depth -= 1
            paren_depth -= 1
        elif kind == "string" and not gettext_depth and not in_trans:
            text = value[1:-1]  # lex() gives the string with its quotes
            if PROSE.match(text) and _words_left(text):
                found.append((lineno, text))
        previous_name = value if kind == "name" else None
        if kind in ("variable_end", "block_end", "comment_end"):
            page.append(PLACEHOLDER)
    collector = _TextCollector()
    collector.feed("".join(page))
    collector.close()
    html = "".join(page)
    for text in collector.texts:
        words = _words_left(text.split('="', 1)[1] if text.endswith('"') and '="' in text else text)
        if words:
            position = html.find(text.split('="', 1)[-1][:40]) if '="' in text else html.find(text)
            line = next((lineno for end, lineno in lines if end >= position), 0) if position >= 0 else 0
            found.append((line, " ".join(text.replace(PLACEHOLDER, "…").split())))
    return sorted(found)


@pytest.mark.parametrize("name", _template_names())
def test_template_text_is_marked_for_translation(name):
    unmarked = unmarked_template_texts((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not unmarked, f"templates/{name}: mark with _() or {{% trans %}}:\n" + "\n".join(
        f"  line {line}: {text!r}" for line, text in unmarked)


def test_the_template_check_finds_unmarked_text():
    """The check above must not pass by seeing nothing."""
    source = """<p>Orders</p><p>{{ _("Orders") }}</p><input placeholder="Search orders">
    {% trans %}Shipped today{% endtrans %}{{ macro('Nothing matches') }}{{ _("Fine %(x)s", x='Skip') }}
    <span>{{ order.number }}</span><td>€</td>"""
    texts = sorted(text for _line, text in unmarked_template_texts(source))
    assert texts == sorted(["Orders", 'placeholder="Search orders"', "Nothing matches"])


# --- Python ---------------------------------------------------------------------------------

# Where texts are operator-facing or English by contract.
LEFT_OUT = ("api/", "migrations/", "cli.py", "demo.py", "catalogues.py")
MARKERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}
ERROR_CLASSES = {"ValidationError", "StopValidation"}
FORM_TEXT_KEYWORDS = {"label", "description", "message"}
ADMIN_TEXT_KEYWORDS = {"name", "category", "menu_class_name"}


def _domain_error_names():
    from fulfilment.services import errors

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub.__name__
            yield from subclasses(sub)

    return {errors.DomainError.__name__, *subclasses(errors.DomainError)}


def _python_modules():
    return sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                  if not str(path.relative_to(PACKAGE)).startswith(LEFT_OUT))


def _is_text(node):
    """A literal text (or f-string, or literal text glued with + or %), unmarked by construction."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_words_left(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and _words_left(part.value) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_text(node.func.value)
    return False


def _name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def unmarked_python_texts(source, error_names):
    tree = ast.parse(source)
    found = []

    def report(node, why):
        text = ast.get_source_segment(source, node) or ""
        found.append((node.lineno, f"{why}: {text[:70]}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = _name(node.func)
            if called in MARKERS:
                continue
            first = node.args[0] if node.args else None
            why = ("flashed" if called == "flash" else called if called in error_names | ERROR_CLASSES
                   else "form label" if called and called.endswith("Field") else None)
            if why and first is not None and _is_text(first):
                report(first, why)
            for keyword in node.keywords:
                if keyword.arg in FORM_TEXT_KEYWORDS | ADMIN_TEXT_KEYWORDS and _is_text(keyword.value):
                    report(keyword.value, keyword.arg)
                elif keyword.arg == "render_kw" and isinstance(keyword.value, ast.Dict):
                    for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value in TEXT_ATTRIBUTES and _is_text(value):
                            report(value, key.value)
                elif keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and len(choice.elts) == 2 and _is_text(choice.elts[1]) \
                                and PROSE.match(getattr(choice.elts[1], "value", "") or ""):
                            report(choice.elts[1], "choice")
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if target in ("default_message", "name", "category") and _is_text(node.value):
                report(node.value, target)
            elif target in ("column_labels", "column_descriptions", "form_args_labels") \
                    and isinstance(node.value, ast.Dict):
                for value in node.value.values:
                    if _is_text(value):
                        report(value, target)
    return sorted(found)


@pytest.mark.parametrize("module", _python_modules())
def test_python_text_is_marked_for_translation(module):
    unmarked = unmarked_python_texts((PACKAGE / module).read_text(encoding="utf-8"), _domain_error_names())
    assert not unmarked, f"fulfilment/{module}: mark with _() (in a request) or _l() (defined at import):\n" + \
        "\n".join(f"  line {line}: {text}" for line, text in unmarked)


def test_the_python_check_finds_unmarked_text():
    source = '''
flash("Order saved.", "success")
flash(_("Order saved."), "success")
raise ValidationFailed(f"Unknown language {code}")
raise ValidationFailed(_("Unknown language %(code)s", code=code))
name = StringField("Name", validators=[DataRequired(message="Fill in a name.")])
quantity = IntegerField(_l("Quantity"))
class Missing(DomainError):
    default_message = "Not here."
'''
    texts = [text for _line, text in unmarked_python_texts(source, {"ValidationFailed", "DomainError"})]
    assert texts == ['flashed: "Order saved."', 'ValidationFailed: f"Unknown language {code}"', 'form label: "Name"',
                     'message: "Fill in a name."', 'default_message: "Not here."']
