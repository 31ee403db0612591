"""The words of the trade many pages share, in the reader's language: statuses, sources, who did it."""

from fulfilment.i18n import force_locale
from fulfilment.vocabulary import actor_label, change_type_label, source_label, status_label


def test_codes_read_as_words_in_each_language(app):
    with app.test_request_context():
        with force_locale("nl"):
            assert [status_label("processing"), source_label("import"), change_type_label("receipt")] == [
                "in behandeling", "Excel-import", "Ontvangst"]
        with force_locale("en"):
            assert [status_label("processing"), source_label("import"), change_type_label("receipt")] == [
                "processing", "Excel import", "Receipt"]


def test_who_did_it_reads_in_the_readers_language_and_keeps_the_name(app):
    with app.test_request_context(), force_locale("nl"):
        assert actor_label("system") == "systeem"
        assert actor_label("staff alice") == "medewerker alice"
        assert actor_label("portal jan") == "portalgebruiker jan"
        assert actor_label("api key Shop sync") == "API-sleutel Shop sync"
        assert actor_label("cli") == "cli"  # an actor stored some other way is shown as it is
    with app.test_request_context(), force_locale("en"):
        assert actor_label("staff alice") == "warehouse staff alice"


def test_an_unknown_code_is_shown_as_it_is(app):
    with app.test_request_context(), force_locale("nl"):
        assert status_label("on_hold") == "on_hold" and source_label("edi") == "edi"
