"""`make demo` (python -m demo.run_demo): emulator -> connector -> PyAirbyte -> DuckDB, then a summary.

Steps: start the SP-API emulator in this process; point a seller config (US + CA, 90 days) at it;
let PyAirbyte run the installed connector (`.venv/bin/source-amazon-seller-partner`, offline mode)
for the demo streams into demo/.work/demo.duckdb; print rows per stream and two example queries.
Exit status 1 when the sync fails or any demo stream has no rows.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = REPO_ROOT / "demo" / ".work"
DB_PATH = WORK_DIR / "demo.duckdb"
CONNECTOR_EXECUTABLE = REPO_ROOT / ".venv" / "bin" / "source-amazon-seller-partner"
CONNECTOR_NAME = "source-amazon-seller-partner"


def _prepare_pyairbyte_environment() -> None:
    # Must be set before `import airbyte`: no connector registry, no telemetry (no network here),
    # PyAirbyte's own logs (including the connector's log lines) next to the DuckDB file.
    os.environ["AIRBYTE_OFFLINE_MODE"] = "1"
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ.setdefault("AIRBYTE_LOGGING_ROOT", str(WORK_DIR / "logs"))
    # PyAirbyte imports cloud SDKs that warn about Python versions; not relevant to a local run.
    warnings.filterwarnings("ignore", category=FutureWarning)


def _attach_progress(source, printer) -> bool:
    """Let `printer` see every message the connector sends. PyAirbyte 0.71 passes each one through
    `_peek_airbyte_message`; if a later version renames it, PyAirbyte's own progress still shows."""
    peek = getattr(source, "_peek_airbyte_message", None)
    if peek is None:
        return False

    def peek_and_observe(message, *args, **kwargs):
        printer.observe(message)
        return peek(message, *args, **kwargs)

    source._peek_airbyte_message = peek_and_observe
    return True


def _print_rows_per_stream(counts: Dict[str, int], streams: List[str]) -> None:
    print("\nRows per stream in DuckDB:")
    width = max(len(name) for name in streams)
    for name in streams:
        marker = "" if counts.get(name, 0) > 0 else "   <-- no rows"
        print(f"  {name:<{width}}  {counts.get(name, 0):>7,}{marker}")
    print(f"  {'total':<{width}}  {sum(counts.get(name, 0) for name in streams):>7,}")


def _sync(api_url: str, lwa_url: str, selected: List[str], printer, time_scale: float) -> Optional[Exception]:
    """Read `selected` through PyAirbyte into DB_PATH; the exception if the sync failed, else None."""
    from demo.streams import demo_config

    printer.note("PyAirbyte starts the connector: spec, config validation, discover")
    import airbyte as ab
    from airbyte.caches import DuckDBCache

    source = ab.get_source(CONNECTOR_NAME, local_executable=str(CONNECTOR_EXECUTABLE), config=dict(demo_config(api_url, lwa_url, time_scale)))
    source.select_streams(selected)
    cache = DuckDBCache(db_path=DB_PATH, cache_dir=WORK_DIR / "cache")  # PyAirbyte's temporary files
    if not _attach_progress(source, printer):
        print("(PyAirbyte changed: only its own progress view is shown)")
    printer.start_heartbeat()
    try:
        source.read(cache=cache)
        return None
    except Exception as error:  # reported after the rows that did arrive
        return error
    finally:
        printer.stop_heartbeat()
        cache.close()  # DuckDB allows one configuration per file and process: free it for the queries


def _print_how_to_query() -> None:
    print(f"\nThe DuckDB file: {DB_PATH}")
    print("Query it from Python (the duckdb package is in .venv; the duckdb CLI is not needed):")
    print(f"  .venv/bin/python -c \"import duckdb; db = duckdb.connect('{DB_PATH.relative_to(REPO_ROOT)}', read_only=True); "
          "print(db.sql('SELECT AmazonOrderId, OrderStatus, OrderTotal FROM orders LIMIT 5'))\"")
    print("Tables are named after the streams in lower case (orders, orderitems, shipmentevents, ...).")
    print(f"Connector and PyAirbyte logs: {WORK_DIR / 'logs'}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.run_demo", description=__doc__.splitlines()[0])
    parser.add_argument("--time-scale", type=float, default=None, help="emulator time scale (default: demo.streams.DEMO_TIME_SCALE)")
    args = parser.parse_args(argv)

    _prepare_pyairbyte_environment()
    from demo import streams as demo_streams
    from demo.progress import ProgressPrinter
    from demo.queries import print_queries, rows_per_stream
    from sp_api_emulator import start_emulator

    if not CONNECTOR_EXECUTABLE.exists() or importlib.util.find_spec("airbyte") is None:
        print("The connector or PyAirbyte is not installed in .venv: run `make demo` (it installs both).", file=sys.stderr)
        return 1
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    for stale in (DB_PATH, DB_PATH.with_name(DB_PATH.name + ".wal")):
        # a fresh file each run: the demo shows a first full sync, not an incremental one
        stale.unlink(missing_ok=True)

    began = time.monotonic()
    time_scale = args.time_scale or demo_streams.DEMO_TIME_SCALE
    selected = demo_streams.demo_stream_names(demo_streams.emulator_served_report_types())
    emulator = start_emulator(seed=demo_streams.DEMO_SEED, profile=demo_streams.DEMO_PROFILE, time_scale=time_scale)
    try:
        print(f"SP-API emulator at {emulator.api_url} (seed {demo_streams.DEMO_SEED}, profile {demo_streams.DEMO_PROFILE}, "
              f"time x{time_scale:g}); seller account, marketplaces {', '.join(demo_streams.DEMO_MARKETPLACES)}, "
              f"last {demo_streams.DEMO_HISTORY_DAYS} days.")
        print(f"Syncing {len(selected)} streams: {', '.join(selected)}")
        for name, reason in demo_streams.EXCLUDED_REPORT_STREAMS.items():
            print(f"  (left out {name}: {reason})")
        sync_error = _sync(emulator.api_url, emulator.lwa_url, selected, ProgressPrinter(), time_scale)
    finally:
        emulator.stop()

    counts = rows_per_stream(DB_PATH, selected)
    _print_rows_per_stream(counts, selected)
    if sum(counts.values()):
        print_queries(DB_PATH)
    _print_how_to_query()
    print(f"\nDemo finished in {time.monotonic() - began:.0f} s.")

    if sync_error is not None:
        print(f"\nThe sync failed: {sync_error}", file=sys.stderr)
        return 1
    empty = [name for name in selected if counts.get(name, 0) == 0]
    if empty:
        print(f"\nThese demo streams have no rows: {', '.join(empty)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
