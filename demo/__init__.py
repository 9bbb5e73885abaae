"""`make demo`: a credential-free sync from the bundled SP-API emulator into DuckDB with PyAirbyte.

run_demo.py is the entry point; streams.py says what is synced, progress.py what is shown while it
runs, queries.py what is shown afterwards. PyAirbyte is only needed by run_demo.py (the optional
Poetry group `demo`), so the other modules import without it.
"""
