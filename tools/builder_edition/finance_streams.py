"""The finance streams as plain SimpleRetrievers, one read per stream.

The full connector reads each listFinancialEvents / listTransactions page once for every finance stream
of the sync (finances/). A manifest cannot share a page between streams, so here each stream reads its
windows itself: the same requests, once per selected stream. Records are the full connector's:
- `ListFinancialEvents`: one record per page, Amazon's FinancialEvents plus the window read.
- one stream per event list (financial_event_types.json): the event plus `event_id` (sha256 of
  `<type>|<the event's JSON, keys sorted>`, the text Jinja's `tojson` writes, as finances/fetch.py
  computes it), `event_type`, `PostedDate` (the event's own date, else the window's last second) and
  `marketplace_id` (from MarketplaceName or MarketplaceId, finances/records.py).
- `FinancialTransactions`: Amazon's transaction plus `marketplace_id`, kept when it belongs to a configured
  marketplace or to none.
Windows are [start, end + 1 s) capped at the sync's end (finances/windows.py); Amazon's InvalidInput for
a page over 10 MB halves the page size (page_size_reduction), an expired NextToken reads the window again
from its first page (pagination_reset).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from source_amazon_seller_partner.catalog.finance_streams import financial_event_types
from source_amazon_seller_partner.marketplaces import BY_SITE_NAME

from .config_rules import DATETIME_FORMAT, literal
from .rest_streams import inline_schema

EVENTS_PATH = "/finances/v0/financialEvents"
TRANSACTIONS_PATH = "/finances/2024-06-19/transactions"

_WINDOW_END = (
    "{{ format_datetime([str_to_datetime(stream_interval.end_time) + duration('PT1S'), "
    f"str_to_datetime(config['_rest_end_date'])] | min, '{DATETIME_FORMAT}') }}}}"
)
_WINDOW_LAST_SECOND = (
    "{{ format_datetime([str_to_datetime(stream_interval.end_time) + duration('PT1S'), "
    f"str_to_datetime(config['_rest_end_date'])] | min - duration('PT1S'), '{DATETIME_FORMAT}') }}}}"
)
_EVENT_MARKETPLACE = (
    f"{{% set by_name = {literal(dict(sorted(BY_SITE_NAME.items())))} %}}"
    "{{ by_name[record['MarketplaceName']] if record.get('MarketplaceName') in by_name "
    "else (record.get('MarketplaceId') or None) }}"
)
_TRANSACTION_MARKETPLACE = (
    "(record.get('marketplaceDetails') or {}).get('marketplaceId') or (record.get('sellingPartnerMetadata') or {}).get('marketplaceId')"
)


def definitions() -> Dict[str, Any]:
    """Shared parts of the finance streams."""
    invalid_input = "(response.get('errors') or [{}])[0].get('code') == 'InvalidInput'"
    message = "((response.get('errors') or [{}])[0].get('message') or '') | lower"
    return {
        "financial_events_window_cursor": {
            "$ref": "#/definitions/rest_window_cursor",
            # Amazon returns nothing for a window over 180 days; the step comes from financial_events_step.
            "step": "P{{ config['_financial_events_step_days'] }}D",
            # Amazon: events of the last 48 hours may be missing; each sync reads them again.
            "lookback_window": "{{ config['_finances_lookback_window'] }}",
            # A window that starts where the sync ends (the state of a range read to a fixed end date) is
            # not asked for: Amazon answers 400 to PostedAfter == PostedBefore.
            "is_compare_strictly": True,
        },
        # "Token is not valid, token duration is 3 minutes.": read the window again; any other InvalidInput
        # of listFinancialEvents may be a page over 10 MB (Amazon's model): smaller pages.
        "finance_events_error_handler": _error_handler(
            {"type": "HttpResponseFilter", "action": "RESET_PAGINATION", "predicate": f"{{{{ {invalid_input} and 'token' in {message} }}}}"},
            {"type": "HttpResponseFilter", "action": "REDUCE_PAGE_SIZE", "predicate": f"{{{{ {invalid_input} }}}}",
             "error_message": "{{ (response.get('errors') or [{}])[0].get('message') or 'InvalidInput' }}"},
        ),
        "finance_transactions_error_handler": _error_handler(
            {"type": "HttpResponseFilter", "action": "RESET_PAGINATION", "predicate": f"{{{{ {invalid_input} and 'token' in {message} }}}}"},
        ),
        "finance_events_retriever": _retriever(EVENTS_PATH, "NextToken", {"PostedAfter": "{{ stream_interval.start_time }}",
                                                                          "PostedBefore": _WINDOW_END},
                                               "finance_events_error_handler", page_size_option="MaxResultsPerPage"),
        "finance_transactions_retriever": _retriever(TRANSACTIONS_PATH, "nextToken", {"postedAfter": "{{ stream_interval.start_time }}",
                                                                                      "postedBefore": _WINDOW_END},
                                                     "finance_transactions_error_handler", page_size_option=None),
    }


def _error_handler(*filters: Dict[str, Any]) -> Dict[str, Any]:
    """The finance filters first, then everything else as definitions/error_handler says."""
    return {
        "type": "CompositeErrorHandler",
        "error_handlers": [
            {
                "type": "DefaultErrorHandler",
                # answers these filters leave alone may still resolve here: the shared retries and backoff
                "max_retries": "#/definitions/error_handler/max_retries",
                "backoff_strategies": "#/definitions/error_handler/backoff_strategies",
                "response_filters": list(filters),
            },
            {"$ref": "#/definitions/error_handler"},
        ],
    }


def _retriever(path: str, token: str, parameters: Mapping[str, str], error_handler: str, page_size_option: Optional[str]) -> Dict[str, Any]:
    holder = "response.get('payload', {})"  # both operations answer {"payload": {..., "<token>": ...}}
    strategy: Dict[str, Any] = {
        "type": "CursorPagination",
        "cursor_value": f"{{{{ {holder}.get('{token}') }}}}",
        "stop_condition": f"{{{{ not {holder}.get('{token}') }}}}",
    }
    paginator: Dict[str, Any] = {
        "type": "DefaultPaginator",
        "pagination_strategy": strategy,
        "page_token_option": {"type": "RequestOption", "inject_into": "request_parameter", "field_name": token},
    }
    retriever: Dict[str, Any] = {
        "type": "SimpleRetriever",
        "requester": {
            "$ref": "#/definitions/requester",
            "path": path,
            "request_parameters": dict(parameters),
            "error_handler": {"$ref": f"#/definitions/{error_handler}"},
        },
        "paginator": paginator,
        # an expired page token: the window again from its first page
        "pagination_reset": {"type": "PaginationReset", "action": "RESET"},
    }
    if page_size_option:
        strategy["page_size"] = 100  # listFinancialEvents MaxResultsPerPage: 1..100
        paginator["page_size_option"] = {"type": "RequestOption", "inject_into": "request_parameter", "field_name": page_size_option}
        retriever["page_size_reduction"] = {
            "type": "PageSizeReduction",
            "reduction_factor": 2,
            "minimum_page_size": 1,
            "max_attempts": 7,
            "failure_message": "Amazon refused every page size down to 1; try a smaller financial_events_step.",
        }
    return retriever


def _stream(name: str, cursor_field: str, field_path: List[str], fields: List[Dict[str, Any]], retriever: str,
            primary_key: List[List[str]], record_filter: Optional[str] = None, api_name: str = "listFinancialEvents") -> Dict[str, Any]:
    selector: Dict[str, Any] = {"type": "RecordSelector", "extractor": {"type": "DpathExtractor", "field_path": field_path}}
    if record_filter:
        selector["record_filter"] = {"type": "RecordFilter", "condition": record_filter}
    return {
        "type": "DeclarativeStream",
        "name": name,
        "primary_key": primary_key,
        "$parameters": {"name": name, "api_name": api_name, "role": "Finance and Accounting"},
        "schema_loader": inline_schema(name),
        "retriever": {"$ref": f"#/definitions/{retriever}", "record_selector": selector},
        "incremental_sync": {"$ref": "#/definitions/financial_events_window_cursor", "cursor_field": cursor_field},
        "transformations": [{"type": "AddFields", "fields": [{"path": [path], "value": value} for path, value in fields]}],
    }


def _event_fields(event_list: str, posted_date_field: Optional[str]) -> List[Any]:
    event_type = event_list[: -len("List")] if event_list.endswith("List") else event_list
    own_date = (
        f"{{{{ record['{posted_date_field}'] if record.get('{posted_date_field}') else "
        + _WINDOW_LAST_SECOND[3:]
        if posted_date_field
        else _WINDOW_LAST_SECOND
    )
    return [
        # first, while the record is still Amazon's event alone
        ("event_id", f"{{{{ ({literal(event_type)} ~ '|' ~ (record | tojson)) | hash('sha256') }}}}"),
        ("event_type", event_type),
        ("PostedDate", own_date),
        ("marketplace_id", _EVENT_MARKETPLACE),
    ]


def finance_streams() -> Dict[str, Dict[str, Any]]:
    """Stream definitions keyed by their definition name, in the full connector's order."""
    streams = {
        "list_financial_events_stream": _stream(
            "ListFinancialEvents", "PostedBefore", ["payload", "FinancialEvents"],
            [("PostedAfter", "{{ stream_interval.start_time }}"), ("PostedBefore", _WINDOW_END), ("marketplace_id", "{{ None }}")],
            "finance_events_retriever", [],
        )
    }
    for entry in financial_event_types():
        streams[f"finance_{entry['stream']}_stream"] = _stream(
            entry["stream"], "PostedDate", ["payload", "FinancialEvents", entry["list"]],
            _event_fields(entry["list"], entry["posted_date_field"]), "finance_events_retriever", [["event_id"]],
        )
    streams["financial_transactions_stream"] = _stream(
        "FinancialTransactions", "postedDate", ["payload", "transactions"],
        [("marketplace_id", f"{{{{ {_TRANSACTION_MARKETPLACE} or None }}}}")], "finance_transactions_retriever", [["transactionId"]],
        record_filter=f"{{{{ ({_TRANSACTION_MARKETPLACE}) in [none, ''] + config['_marketplace_ids'] }}}}",
        api_name="listTransactions",
    )
    return streams
