"""docs/architecture.md describes the code as it is: every module its layout names exists, every
connector module is named, and every file the prose names in backquotes exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "source_amazon_seller_partner"
EMULATOR = REPO / "sp_api_emulator"
ARCHITECTURE = REPO / "docs" / "architecture.md"
FILE_SUFFIXES = (".py", ".yaml", ".json", ".md")


def layout_entries() -> List[str]:
    """Repository-relative paths of the layout block (directories end with '/')."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    entries: List[str] = []
    parents: List[tuple] = []  # (indent, directory path)
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        names = [token for token in line.split() if token.endswith("/") or token.endswith(FILE_SUFFIXES)]
        first = line.split()[0]
        if first not in names:
            continue  # a continuation line of a description
        while parents and parents[-1][0] >= indent:
            parents.pop()
        prefix = parents[-1][1] if parents else ""
        if len(names) > 1 and all(n.endswith("/") for n in names):
            entries.extend(prefix + name for name in names)  # several top-level folders on one line
            continue
        path = prefix + first
        entries.append(path)
        if first.endswith("/"):
            parents.append((indent, path))
    return entries


def package_modules() -> Set[str]:
    return {
        str(path.relative_to(REPO))
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix in (".py", ".yaml", ".json") and "schemas" not in path.relative_to(PACKAGE).parts
        and "__pycache__" not in path.parts
    }


def test_every_path_the_layout_names_exists():
    entries = layout_entries()
    assert len(entries) > 40
    missing = [entry for entry in entries if not (REPO / entry).exists()]
    assert missing == []


def test_the_layout_names_every_connector_module():
    named = {entry for entry in layout_entries() if not entry.endswith("/")}
    assert package_modules() - named == set()


def test_every_file_the_prose_names_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8").split("## Layout", 1)[1].split("```", 2)[2]
    quoted = set(re.findall(r"`([\w./<>-]+\.(?:py|yaml|json))`", text))
    assert quoted
    for name in quoted:
        if "<" in name:
            continue  # a pattern such as schemas/<stream>.json
        candidates = [REPO / name, PACKAGE / name, EMULATOR / name] + list(PACKAGE.glob(f"*/{name}")) + list(EMULATOR.glob(f"*/{name}"))
        assert any(path.exists() for path in candidates), f"docs/architecture.md names {name}, which does not exist"
