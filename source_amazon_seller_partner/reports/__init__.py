"""Report streams: one Amazon report per (stream, marketplace, window), from request to typed records.

retriever.py  the CDK adapter (ReportRetriever) and the cursor's per-window progress
job.py        one report: reuse/resume, create (create.py), poll, FATAL/CANCELLED, records
listing.py    the reports Amazon already has (one getReports listing per sync and ten types)
documents.py  getReportDocument, download, completeness check, decoding (../decoding)
settlement.py reports Amazon makes on its own schedule: listed and read, never requested
options.py    report options (catalog defaults + the user's report_options_list)
settings.py, window.py, redaction.py   wait/poll settings, the report window, presigned URLs in logs
"""
