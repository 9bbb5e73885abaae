"""Run Poetry, reading PyPI through its simple index where its JSON API is not whole.

Why: the package mirror reachable from some machines (ours and CI) serves PyPI's simple index
(PEP 503/691) but not the per-version JSON API (`/pypi/<name>/<version>/json`) that Poetry's PyPI
repository asks for, so a stock `poetry lock`/`poetry install` reports every package as "not found".
The simple index carries the same files and hashes, so there Poetry's PyPI repository is given the
code path it already has for simple-index sources. Where PyPI answers the per-version API (one probe,
below), Poetry runs unchanged. Either way the lock file stays a plain PyPI lock file and nothing here
changes what gets installed.

Usage: python tools/poetry_simple_index.py <poetry arguments>
"""

import urllib.error
import urllib.request

PROBE = "https://pypi.org/pypi/pip/24.0/json"


def per_version_json_api_is_served() -> bool:
    try:
        with urllib.request.urlopen(PROBE, timeout=15) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def read_pypi_through_its_simple_index() -> None:
    from poetry.repositories.legacy_repository import LegacyRepository
    from poetry.repositories.pypi_repository import PyPiRepository

    PyPiRepository._get_release_info = LegacyRepository._get_release_info
    PyPiRepository.find_links_for_package = LegacyRepository.find_links_for_package


if __name__ == "__main__":
    if not per_version_json_api_is_served():
        read_pypi_through_its_simple_index()
    from poetry.console.application import main

    raise SystemExit(main())
