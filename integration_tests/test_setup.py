"""The set-up a new machine runs: `make install` with a Python that refuses pip installs into itself.

Debian's /usr/bin/python3 is marked externally managed (PEP 668): pip will not install Poetry into it,
so the Makefile must bootstrap Poetry in a virtual environment of its own. The test runs `make install`
on a clone of this repository's HEAD (what CI starts from), with that Python.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DEBIAN_PYTHON = Path("/usr/bin/python3")


@pytest.mark.slow
def test_make_install_works_with_an_externally_managed_python(tmp_path):
    marker = subprocess.run(
        [str(DEBIAN_PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert (Path(marker) / "EXTERNALLY-MANAGED").is_file(), f"{DEBIAN_PYTHON} is not externally managed: this test proves nothing here"
    refused = subprocess.run([str(DEBIAN_PYTHON), "-m", "pip", "install", "--dry-run", "six"], capture_output=True, text=True)
    assert refused.returncode != 0 and "externally-managed" in (refused.stdout + refused.stderr)

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
    result = subprocess.run(["make", "install", f"PYTHON={DEBIAN_PYTHON}"], cwd=clone, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    installed = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c", "import source_amazon_seller_partner, airbyte_cdk"])
    assert installed.returncode == 0
