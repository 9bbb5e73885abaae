"""The connector's data: report_streams.yaml (report catalog), financial_event_types.json, and the
code that turns them into declarative streams of the manifest (manifest.py)."""
