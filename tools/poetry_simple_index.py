"""Run Poetry with PyPI read through its simple index only.

Why: the package mirror reachable from our machines and CI serves PyPI's simple index
(PEP 503/691) but not the per-version JSON API that Poetry's PyPI repository asks for,
so a stock ``poetry lock``/``poetry install`` reports every package as "not found".
The simple index carries the same files and hashes, so we let Poetry's PyPI repository
use the code path it already has for simple-index sources. The lock file stays a plain
PyPI lock file; nothing here changes what gets installed.

Usage: python tools/poetry_simple_index.py <poetry arguments>
"""

from poetry.repositories.legacy_repository import LegacyRepository
from poetry.repositories.pypi_repository import PyPiRepository

PyPiRepository._get_release_info = LegacyRepository._get_release_info
PyPiRepository.find_links_for_package = LegacyRepository.find_links_for_package

if __name__ == "__main__":
    from poetry.console.application import main

    raise SystemExit(main())
