"""Large, realistic report documents written as a stream (for the emulator's ``large`` profile and
the decode benchmark).

Both writers build text a few thousand records at a time and write it out, so memory stays small
whatever the document size. Output is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
from typing import BinaryIO, NamedTuple

# GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL's columns, in Amazon's order (the connector
# adds dataEndTime itself; it is not in the file).
ALL_ORDERS_COLUMNS = (
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name",
    "sku", "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price",
    "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount",
    "ship-promotion-discount", "ship-city", "ship-state", "ship-postal-code", "ship-country",
    "promotion-ids", "cpf", "is-business-order", "purchase-order-number", "price-designation",
    "signature-confirmation-recommended",
)

_SPECIAL_PRODUCT_NAMES = (
    "Kaffeebecher Größe L – weiß",
    "Crème brûlée Set für 4 Personen",
    "Geschenkkarte 25 €",
    "Straßenkarte Süddeutschland",
    '"Big" box of crayons, 64 colors',
    '"Deluxe" Édition – Müsli 1kg',
    "Fußball Größe 5",
    "Señorita's café table, 2\" legs",
)
_PRODUCT_WORDS = (
    "Organic", "Stainless", "Wireless", "Bamboo", "Ceramic", "Portable", "Vintage", "Cotton",
    "Garden", "Kitchen", "Travel", "Kids", "Premium", "Compact", "LED", "Leather",
)
_PRODUCT_NOUNS = (
    "Water Bottle", "Cutting Board", "Headphones", "Lamp", "Backpack", "Mug", "Charger",
    "Notebook", "Blanket", "Toy Car", "Phone Case", "Teapot", "Scissors", "Pillow",
)
_CITIES = (
    ("München", "BY", "80331", "DE"), ("Köln", "NW", "50667", "DE"), ("Düsseldorf", "NW", "40213", "DE"),
    ("Paris", "IDF", "75001", "FR"), ("Besançon", "BFC", "25000", "FR"), ("Seattle", "WA", "98109", "US"),
    ("New York", "NY", "10001", "US"), ("Austin", "TX", "78701", "US"), ("London", "", "EC1A 1BB", "GB"),
    ("Málaga", "AN", "29001", "ES"), ("Zürich", "ZH", "8001", "CH"), ("Straßburg", "GE", "67000", "FR"),
)
_CURRENCY = {"DE": "EUR", "FR": "EUR", "ES": "EUR", "US": "USD", "GB": "GBP", "CH": "CHF"}
_SALES_CHANNEL = {"DE": "Amazon.de", "FR": "Amazon.fr", "ES": "Amazon.es", "US": "Amazon.com",
                  "GB": "Amazon.co.uk", "CH": "Amazon.de"}
_STATUSES = ("Shipped", "Shipped", "Shipped", "Pending", "Cancelled", "Shipping")
_SERVICE_LEVELS = ("Standard", "Expedited", "SecondDay", "NextDay", "FreeEconomy")


class _Product(NamedTuple):
    name: str
    sku: str
    asin: str
    price: float


def _products(rng: random.Random, count: int = 400) -> list[_Product]:
    products = []
    for index in range(count):
        if index % 40 == 0:
            name = _SPECIAL_PRODUCT_NAMES[(index // 40) % len(_SPECIAL_PRODUCT_NAMES)]
        else:
            name = f"{rng.choice(_PRODUCT_WORDS)} {rng.choice(_PRODUCT_NOUNS)} {rng.randint(1, 999)}"
        products.append(_Product(name, f"SKU-{index:05d}", f"B0{rng.randrange(16**8):08X}",
                                 round(rng.uniform(3, 250), 2)))
    return products


def _amazon_order_id(rng: random.Random) -> str:
    return f"{rng.randrange(100, 1000)}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"


def write_large_tsv(fileobj: BinaryIO, rows: int = 1_000_000, seed: int = 1, gzip_level: int = 1) -> int:
    """Write a gzip-compressed, cp1252-encoded all-orders flat file with ``rows`` data rows (one per
    order item, 1-3 items per order) to ``fileobj``; return the number of data rows written.

    Includes the usual accented letters and € in names and cities, empty fields, and a few product
    names and purchase-order numbers that start with a double quote (the file is not quoted).
    """
    rng = random.Random(seed)
    products = _products(rng)
    timestamp = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    written = 0
    with gzip.GzipFile(fileobj=fileobj, mode="wb", compresslevel=gzip_level, mtime=0) as out:
        out.write(("\t".join(ALL_ORDERS_COLUMNS) + "\r\n").encode("cp1252"))
        lines: list[str] = []
        while written < rows:
            timestamp += dt.timedelta(seconds=rng.randrange(1, 30))
            purchase_date = timestamp.isoformat()
            updated_date = (timestamp + dt.timedelta(minutes=rng.randrange(0, 600))).isoformat()
            order_id = _amazon_order_id(rng)
            city, state, postal_code, country = rng.choice(_CITIES)
            currency = _CURRENCY[country]
            status = rng.choice(_STATUSES)
            channel = "AFN" if rng.random() < 0.6 else "MFN"
            service_level = rng.choice(_SERVICE_LEVELS)
            business = rng.random() < 0.1
            purchase_order = (f"PO-{rng.randrange(10**6)}" if rng.random() < 0.5 else '"') if business else ""
            for _ in range(min(rng.randint(1, 3), rows - written)):
                product = rng.choice(products)
                quantity = rng.randint(1, 4)
                item_price = product.price * quantity
                promotion = rng.random() < 0.15
                lines.append("\t".join((
                    order_id, "", purchase_date, updated_date, status, channel, _SALES_CHANNEL[country], "",
                    service_level, product.name, product.sku, product.asin,
                    "Unshipped" if status == "Pending" else status, str(quantity), currency,
                    f"{item_price:.2f}", f"{item_price * 0.19:.2f}", "4.99" if channel == "MFN" else "0.00",
                    "0.95" if channel == "MFN" else "0.00", "", "",
                    f"-{item_price * 0.1:.2f}" if promotion else "0.00", "0.00",
                    city, state, postal_code, country, "PLM-1234-5678" if promotion else "", "",
                    "true" if business else "false", purchase_order, "BusinessPrice" if business else "",
                    "false",
                )))
                written += 1
            if len(lines) >= 5000:
                out.write(("\r\n".join(lines) + "\r\n").encode("cp1252"))
                lines.clear()
        if lines:
            out.write(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return written


class JsonDocumentCounts(NamedTuple):
    by_date: int
    by_asin: int
    bytes_written: int


def _sales_and_traffic_by_asin_body(rng: random.Random) -> str:
    units = rng.randint(0, 500)
    sales = round(units * rng.uniform(5, 80), 2)
    sessions = rng.randint(units, units * 20 + 10)
    page_views = sessions + rng.randint(0, sessions)
    sales_by_asin = {
        "unitsOrdered": units, "unitsOrderedB2B": units // 10,
        "orderedProductSales": {"amount": sales, "currencyCode": "USD"},
        "orderedProductSalesB2B": {"amount": round(sales / 10, 2), "currencyCode": "USD"},
        "totalOrderItems": units, "totalOrderItemsB2B": units // 10,
    }
    traffic_by_asin: dict[str, int | float] = {}
    for base, value in (("Sessions", sessions), ("PageViews", page_views)):
        for device in ("browser", "mobileApp", ""):
            name = f"{device}{base}" if device else base[0].lower() + base[1:]
            traffic_by_asin[name] = value if not device else value // 2
            traffic_by_asin[f"{name}B2B"] = value // 10
    for name in ("browserSessionPercentage", "mobileAppSessionPercentage", "sessionPercentage",
                 "browserPageViewsPercentage", "mobileAppPageViewsPercentage", "pageViewsPercentage",
                 "buyBoxPercentage", "unitSessionPercentage"):
        traffic_by_asin[name] = round(rng.uniform(0, 100), 2)
        traffic_by_asin[f"{name}B2B"] = round(rng.uniform(0, 100), 2)
    return json.dumps({"salesByAsin": sales_by_asin, "trafficByAsin": traffic_by_asin}, separators=(",", ":"))[1:-1]


def _sales_and_traffic_by_date(rng: random.Random, day: dt.date) -> str:
    units = rng.randint(0, 5000)
    sales = round(units * rng.uniform(5, 80), 2)
    sessions = units * 8 + rng.randint(0, 999)
    return json.dumps({
        "date": day.isoformat(),
        "salesByDate": {
            "orderedProductSales": {"amount": sales, "currencyCode": "USD"},
            "unitsOrdered": units, "totalOrderItems": units, "unitsRefunded": units // 50,
            "refundRate": round(rng.uniform(0, 5), 2), "shippedProductSales": {"amount": sales, "currencyCode": "USD"},
            "unitsShipped": units, "ordersShipped": units,
        },
        "trafficByDate": {"pageViews": sessions * 2, "sessions": sessions, "buyBoxPercentage": 97.5,
                          "unitSessionPercentage": round(rng.uniform(0, 30), 2), "feedbackReceived": units // 100},
    }, separators=(",", ":"))


def write_large_json(fileobj: BinaryIO, target_bytes: int = 1_000_000_000, seed: int = 1) -> JsonDocumentCounts:
    """Write a plain UTF-8 GET_SALES_AND_TRAFFIC_REPORT document of about ``target_bytes`` bytes:
    a report specification, one year of ``salesAndTrafficByDate`` and as many
    ``salesAndTrafficByAsin`` items (child ASIN granularity) as fit. Returns the item counts.
    """
    rng = random.Random(seed)
    start = dt.date(2024, 1, 1)
    days = 366
    specification = {
        "reportType": "GET_SALES_AND_TRAFFIC_REPORT",
        "reportOptions": {"dateGranularity": "DAY", "asinGranularity": "CHILD"},
        "dataStartTime": start.isoformat(),
        "dataEndTime": (start + dt.timedelta(days=days - 1)).isoformat(),
        "marketplaceIds": ["ATVPDKIKX0DER"],
    }
    written = 0

    def write(text: str) -> None:
        nonlocal written
        data = text.encode("utf-8")
        fileobj.write(data)
        written += len(data)

    write('{"reportSpecification":' + json.dumps(specification, separators=(",", ":")) + ',"salesAndTrafficByDate":[')
    write(",".join(_sales_and_traffic_by_date(rng, start + dt.timedelta(days=offset)) for offset in range(days)))
    write('],"salesAndTrafficByAsin":[')
    # Bodies are reused from a pool (the parser's work does not depend on the digits); the ASINs
    # and SKUs that identify records are unique.
    bodies = [_sales_and_traffic_by_asin_body(rng) for _ in range(2048)]
    closing = "]}"
    by_asin = 0
    batch: list[str] = []
    pending = 0  # bytes in batch (the text is ASCII), with separators
    while written + pending < target_bytes - len(closing):
        parent = f"B0{(by_asin // 4):08X}"
        item = (f'{{"parentAsin":"{parent}","childAsin":"B1{by_asin:08X}","sku":"SKU-{by_asin:09d}",'
                f'{bodies[rng.randrange(len(bodies))]}}}')
        batch.append(item)
        pending += len(item) + 1
        by_asin += 1
        if len(batch) == 2000:
            write(("," if by_asin > len(batch) else "") + ",".join(batch))
            batch.clear()
            pending = 0
    if batch:
        write(("," if by_asin > len(batch) else "") + ",".join(batch))
    write(closing)
    return JsonDocumentCounts(by_date=days, by_asin=by_asin, bytes_written=written)
