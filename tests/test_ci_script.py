""".ci/run fails when the tests fail on either database, and passes only when both pass."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CI_SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "run"
# A stand-in test command that fails on the database named in FAIL_ON.
FAKE_TESTS = (
    f"{sys.executable} -c \"import os, sys; url = os.environ.get('FULFILMENT_TEST_DATABASE_URL', ''); "
    "on = 'postgresql' if url.startswith('postgresql') else 'sqlite'; "
    "print('tests on', on); sys.exit(1 if os.environ.get('FAIL_ON') == on else 0)\""
)


def run_ci(fail_on):
    env = {**os.environ, "FULFILMENT_CI_SKIP_APT": "1", "FULFILMENT_CI_TEST_COMMAND": FAKE_TESTS, "FAIL_ON": fail_on}
    return subprocess.run(["bash", str(CI_SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("fail_on", ["sqlite", "postgresql"])
def test_ci_fails_when_tests_fail_on_one_database(fail_on):
    result = run_ci(fail_on)
    assert result.returncode != 0
    assert "tests on sqlite" in result.stdout and "tests on postgresql" in result.stdout


def test_ci_passes_when_tests_pass_on_both_databases():
    result = run_ci("")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command():
    readme = (CI_SCRIPT.parent.parent / "README.md").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test,postgres]' && .venv/bin/python -m pytest"
    assert command in readme
    assert "## Test it" in readme
