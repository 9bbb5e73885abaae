"""What the demo shows from the DuckDB file: rows per stream and two example queries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple


def table_name(stream: str) -> str:
    """PyAirbyte's table name for a stream: lower case, anything but letters and digits becomes '_'."""
    name = re.sub(r"[^A-Za-z0-9]", "_", stream.lower())
    return f"_{name}" if name[:1].isdigit() else name


def rows_per_stream(db_path: Path, streams: Iterable[str]) -> Dict[str, int]:
    """Row count of each stream's table (0 when the table is missing); {} when there is no file."""
    import duckdb

    if not Path(db_path).exists():
        return {}
    with duckdb.connect(str(db_path), read_only=True) as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        counts = {}
        for stream in streams:
            table = table_name(stream)
            counts[stream] = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] if table in tables else 0
        return counts


SALES_BY_MARKETPLACE_AND_DAY = """
-- Orders.OrderTotal is JSON {"CurrencyCode": "USD", "Amount": "12.34"} (Amount is a string; canceled
-- orders have no total). MarketplaceParticipations turns marketplace ids into country codes.
SELECT
    CAST(o.PurchaseDate AS DATE)                           AS day,
    p.marketplace ->> 'countryCode'                        AS marketplace,
    o.OrderTotal ->> 'CurrencyCode'                        AS currency,
    count(*)                                               AS orders,
    sum(CAST(o.OrderTotal ->> 'Amount' AS DECIMAL(18, 2))) AS sales
FROM orders AS o
LEFT JOIN marketplaceparticipations AS p USING (marketplace_id)
WHERE o.OrderTotal IS NOT NULL
GROUP BY ALL
ORDER BY day DESC, marketplace
LIMIT 10
""".strip()

FEES_AND_REFUNDS_BY_MONTH = """
-- One row per fee (FinancialFeeComponents) and per charge (FinancialChargeComponents) of the finance
-- events: nothing to unnest. The regional endpoint serves every marketplace of its region, hence per
-- currency. Events Amazon gives no date (ServiceFeeEvents) are dated at the end of the window read.
-- Reimbursements (AdjustmentEvents) are neither: see FinancialTransactionBreakdowns.
SELECT strftime(CAST(posted_date AS TIMESTAMP), '%Y-%m') AS month, currency,
       sum(amount) FILTER (WHERE kind = 'fee' AND event_stream = 'ShipmentEvents')   AS item_fees,
       sum(amount) FILTER (WHERE kind = 'fee' AND event_stream = 'ServiceFeeEvents') AS service_fees,
       sum(amount) FILTER (WHERE kind = 'fee' AND event_stream NOT IN ('ShipmentEvents', 'ServiceFeeEvents')) AS other_fees,
       sum(amount) FILTER (WHERE kind = 'charge' AND event_stream = 'RefundEvents')  AS refunds
FROM (SELECT 'fee' AS kind, event_stream, posted_date, currency, CAST(amount AS DECIMAL(18, 2)) AS amount
      FROM financialfeecomponents
      UNION ALL
      SELECT 'charge', event_stream, posted_date, currency, CAST(amount AS DECIMAL(18, 2))
      FROM financialchargecomponents)
GROUP BY ALL
ORDER BY month DESC, currency
""".strip()

EXAMPLE_QUERIES: List[Tuple[str, str]] = [
    ("Sales by marketplace and day (Orders, latest 10 rows)", SALES_BY_MARKETPLACE_AND_DAY),
    ("Fees and refunds by month (FinancialFeeComponents, FinancialChargeComponents)", FEES_AND_REFUNDS_BY_MONTH),
]


def format_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table; numbers right-aligned, NULL shown as empty."""
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    widths = [max([len(column)] + [len(row[i]) for row in cells]) for i, column in enumerate(columns)]
    numeric = [all(isinstance(row[i], (int, float)) or type(row[i]).__name__ == "Decimal" or row[i] is None
                   for row in rows) for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.rjust(width) if is_number else value.ljust(width)
                         for value, width, is_number in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(columns), line(["-" * width for width in widths])] + [line(row) for row in cells])


def run_query(db_path: Path, sql: str) -> Tuple[List[str], List[tuple]]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as connection:
        result = connection.execute(sql)
        columns = [description[0] for description in result.description]
        return columns, result.fetchall()


def print_queries(db_path: Path) -> None:
    for title, sql in EXAMPLE_QUERIES:
        print(f"\n== {title}\n{sql}\n")
        try:
            columns, rows = run_query(db_path, sql)
        except Exception as error:  # a missing table or column: show why, keep going
            print(f"(query failed: {error})")
            continue
        print(format_table(columns, rows))
