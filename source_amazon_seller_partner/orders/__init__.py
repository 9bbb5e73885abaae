"""Orders, OrderItems, OrderBuyerInfo and OrderAddress from Orders API 2026-01-01 (config `orders_api`,
the default; `v0` keeps the declarative v0 streams of manifest.yaml).

    search.py      searchOrders: the query of a window, one page per call, a refused paginationToken
    pages.py       WindowPages: one read per window shared by the four streams, spooled to disk, one
                   window at a time, a window read again when Amazon refuses its token
    order.py       an Orders record in v0's columns (+ the new datasets)
    items.py       OrderItems records from the order's orderItems
    proceeds.py    v0's money columns from proceeds.breakdowns
    personal.py    addresses, OrderBuyerInfo / OrderAddress records, include_pii, missing-role warnings
    vocabulary.py  2026 values in v0's spelling (data)
    retriever.py   SearchOrdersRetriever: the CDK adapter
"""
