"""The connection test's one-line outcome counts what failed, what could not run and what passed."""

import pytest

from fulfilment.services.webshop_checks import FAILED, PASSED, SKIPPED, Check, connection_test_summary


def checks(*statuses):
    return [Check(key=f"c{n}", label=f"Check {n}", status=status, message="") for n, status in enumerate(statuses)]


@pytest.mark.parametrize("statuses, sentence", [
    ([PASSED] * 7, "All 7 checks passed."),
    ([FAILED] + [SKIPPED] * 6, "1 check failed, 6 could not be run after it; 0 of 7 passed."),
    ([PASSED] * 6 + [FAILED], "1 check failed; 6 of 7 passed."),
    ([PASSED] * 5 + [FAILED] * 2, "2 checks failed; 5 of 7 passed."),
    ([FAILED] * 7, "7 checks failed; 0 of 7 passed."),
])
def test_summary_counts_each_outcome_in_words(statuses, sentence):
    assert connection_test_summary(checks(*statuses)) == sentence


def test_seven_of_seven_only_when_all_seven_failed():
    assert "7 of 7" not in connection_test_summary(checks(FAILED, *[SKIPPED] * 6))
    assert connection_test_summary(checks(*[FAILED] * 7)).startswith("7 checks failed")
