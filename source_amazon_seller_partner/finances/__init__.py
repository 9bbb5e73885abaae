"""Finance streams: the Finances v0 event streams and the 2024-06-19 transaction streams.

Every selected finance stream reads the same `listFinancialEvents` (or `listTransactions`) pages:
one fetch per window and page per sync, shared through a page cache in the SyncContext (pages.py).
windows.py turns the CDK cursor's slices into Amazon's [PostedAfter, PostedBefore) windows; fetch.py
reads one window's pages (smaller pages when Amazon finds one too large, a restart when a NextToken
expired); records.py and components.py make each stream's records from a page; retriever.py is the
CDK adapter.
"""
