# SPDX-License-Identifier: MIT
"""`make docs` must stay free of Doxygen warnings (they are errors)."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_doxygen_has_no_warnings():
    r = subprocess.run(["make", "-s", "docs"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, f"make docs failed:\n{r.stdout}\n{r.stderr}"
    assert (ROOT / "build" / "docs" / "html" / "index.html").exists()
