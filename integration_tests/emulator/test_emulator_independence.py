"""The emulator is an independent witness of Amazon's behaviour: it never imports the connector, never
names it, never reads its catalog (report_streams.yaml) or its schemas/, and works from its own files."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EMULATOR = REPO / "sp_api_emulator"
CONNECTOR = "source_amazon_seller_partner"
TEXT_SUFFIXES = {".py", ".md", ".txt", ".yaml", ".yml", ".toml", ".cfg", ".ini"}
# The connector's package (either spelling), its catalog file, or a `schemas/` folder that is not
# the emulator's own amazon_schemas/.
FORBIDDEN = [re.compile(r"source[_-]amazon[_-]seller[_-]partner", re.I), re.compile(r"report_streams"),
             re.compile(r"(?<![\w-])schemas/"), re.compile(r"""["']schemas["']""")]


def _text_files():
    for path in sorted(EMULATOR.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
            yield path


def test_no_emulator_file_names_the_connector_or_its_files():
    problems = []
    checked = 0
    for path in _text_files():
        checked += 1
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for pattern in FORBIDDEN:
                if pattern.search(line):
                    problems.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:120]}")
    assert checked > 40
    assert not problems, "\n".join(problems)


def test_no_emulator_module_imports_the_connector_or_reaches_outside_its_package():
    problems = []
    for path in EMULATOR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                    "__import__", "import_module"):
                names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            problems += [f"{path.relative_to(REPO)}:{node.lineno} imports {n}" for n in names
                         if n.split(".")[0] in (CONNECTOR, "integration_tests", "unit_tests")]
            # Path(__file__).parents[N] with N >= 2 leaves the package (that is how the old emulator
            # found the connector's files).
            if isinstance(node, ast.Subscript) and getattr(node.value, "attr", "") == "parents" \
                    and isinstance(node.slice, ast.Constant) and node.slice.value >= 2:
                problems.append(f"{path.relative_to(REPO)}:{node.lineno} reaches outside the package")
    assert not problems, "\n".join(problems)


RUN = r"""
import json, os, sys, time
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)) else None)
sys.path.insert(0, sys.argv[1])
from emulator_client import Client
from report_helpers import run
from sp_api_emulator import start_emulator
from sp_api_emulator.reports.catalog import REPORT_TYPES
from sp_api_emulator.timeutil import iso, utcnow
from datetime import timedelta
emu = start_emulator(seed=2, time_scale=600)
done = 0
for account in ("seller", "vendor"):
    client = Client(emu, account)
    market = emu.emulator.dataset.account(account).markets[0].id
    for (report_type, kind), definition in sorted(REPORT_TYPES.items()):
        if kind != account or not definition.requestable:
            continue
        report, text = run(client, report_type, [market], iso(utcnow() - timedelta(days=20)),
                           iso(utcnow() - timedelta(days=2)), dict(definition.default_options) or None)
        done += report["processingStatus"] == "DONE"
emu.stop()
print(json.dumps({"modules": sorted(m for m in sys.modules if m.split(".")[0] == "source_amazon_seller_partner"),
                  "opened": sorted({p for p in opened if "source_amazon_seller_partner" in p}), "done": done}))
"""


def test_a_run_over_every_report_type_never_touches_the_connector(tmp_path):
    """Audit hook on `open`: no file of the connector is read, no connector module loaded."""
    result = subprocess.run([sys.executable, "-c", RUN, str(Path(__file__).parent)], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["modules"] == [] and outcome["opened"] == []
    assert outcome["done"] >= 40
