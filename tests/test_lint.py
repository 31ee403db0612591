"""The tree stays clean under the project's ruff rules (ruff.toml), so a finding fails the tests, not a review."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "fulfilment", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"
