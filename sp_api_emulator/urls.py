"""Route table: HTTP method + path regex -> handler (a function of responses/), operation, who may call it.

`kind`: spapi (access token, rate limit, faults), lwa (token endpoint), document (presigned
download), admin (/_emulator/*). `account`: seller | vendor | any (spapi routes only). `deprecated`:
Amazon's model marks the operation deprecated (still served; counted apart in the stats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from .responses import (admin, catalog, documents, finances, inventory, listings, lwa, orders, orders_2026, reports,
                        sellers, tokens, transactions, vendor, vendor_df)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: "re.Pattern[str]"
    handler: Callable  # handler(emulator, request) -> Response | (status, payload)
    operation: str
    kind: str = "spapi"
    account: str = "any"
    deprecated: bool = False


def _route(method: str, path: str, handler: Callable, operation: str, kind: str = "spapi", account: str = "any",
           deprecated: bool = False) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return Route(method, re.compile(regex + r"/?"), handler, operation, kind, account, deprecated)


ROUTES: List[Route] = [
    _route("POST", "/auth/o2/token", lwa.token, "lwaToken", kind="lwa"),
    _route("GET", "/_documents/{documentId}", documents.download, "downloadReportDocument", kind="document"),
    # admin
    _route("GET", "/_emulator/stats", admin.stats, "adminStats", kind="admin"),
    _route("POST", "/_emulator/stats/reset", admin.reset_stats, "adminResetStats", kind="admin"),
    _route("GET", "/_emulator/truth", admin.truth, "adminTruth", kind="admin"),
    _route("GET", "/_emulator/truth/reports", admin.report_truth, "adminReportTruth", kind="admin"),
    _route("POST", "/_emulator/faults", admin.set_faults, "adminFaults", kind="admin"),
    _route("GET", "/_emulator/faults", admin.get_faults, "adminFaults", kind="admin"),
    _route("POST", "/_emulator/mutate", admin.mutate, "adminMutate", kind="admin"),
    _route("GET", "/_emulator/health", admin.health, "adminHealth", kind="admin"),
    # Sellers
    _route("GET", "/sellers/v1/marketplaceParticipations", sellers.marketplace_participations,
           "getMarketplaceParticipations"),
    _route("GET", "/sellers/v1/account", sellers.account, "getAccount", account="seller"),
    # Orders v0: deprecated in Amazon's model (removal 2027-03-27), still served
    _route("GET", "/orders/v0/orders", orders.get_orders, "getOrders", account="seller", deprecated=True),
    _route("GET", "/orders/v0/orders/{orderId}", orders.get_order, "getOrder", account="seller", deprecated=True),
    _route("GET", "/orders/v0/orders/{orderId}/buyerInfo", orders.get_order_buyer_info, "getOrderBuyerInfo",
           account="seller", deprecated=True),
    _route("GET", "/orders/v0/orders/{orderId}/address", orders.get_order_address, "getOrderAddress",
           account="seller", deprecated=True),
    _route("GET", "/orders/v0/orders/{orderId}/orderItems", orders.get_order_items, "getOrderItems",
           account="seller", deprecated=True),
    _route("GET", "/orders/v0/orders/{orderId}/orderItems/buyerInfo", orders.get_order_items_buyer_info,
           "getOrderItemsBuyerInfo", account="seller", deprecated=True),
    # Orders 2026-01-01 (getOrder shares its name with v0's; the emulator counts it as getOrder2026)
    _route("GET", "/orders/2026-01-01/orders", orders_2026.search_orders, "searchOrders", account="seller"),
    _route("GET", "/orders/2026-01-01/orders/{orderId}", orders_2026.get_order, "getOrder2026", account="seller"),
    # Finances
    _route("GET", "/finances/v0/financialEvents", finances.list_financial_events, "listFinancialEvents",
           account="seller"),
    _route("GET", "/finances/v0/financialEventGroups", finances.list_financial_event_groups,
           "listFinancialEventGroups", account="seller"),
    _route("GET", "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents",
           finances.list_financial_events_by_group_id, "listFinancialEventsByGroupId", account="seller"),
    _route("GET", "/finances/v0/orders/{orderId}/financialEvents", finances.list_financial_events_by_order_id,
           "listFinancialEventsByOrderId", account="seller"),
    _route("GET", "/finances/2024-06-19/transactions", transactions.list_transactions, "listTransactions",
           account="seller"),
    # Reports
    _route("POST", "/reports/2021-06-30/reports", reports.create_report, "createReport"),
    _route("GET", "/reports/2021-06-30/reports", reports.get_reports, "getReports"),
    _route("GET", "/reports/2021-06-30/reports/{reportId}", reports.get_report, "getReport"),
    _route("DELETE", "/reports/2021-06-30/reports/{reportId}", reports.cancel_report, "cancelReport"),
    _route("GET", "/reports/2021-06-30/documents/{reportDocumentId}", reports.get_report_document,
           "getReportDocument"),
    # Vendor
    _route("GET", "/vendor/orders/v1/purchaseOrders", vendor.get_purchase_orders, "getPurchaseOrders",
           account="vendor"),
    _route("GET", "/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}", vendor.get_purchase_order,
           "getPurchaseOrder", account="vendor"),
    _route("GET", "/vendor/orders/v1/purchaseOrdersStatus", vendor.get_purchase_orders_status,
           "getPurchaseOrdersStatus", account="vendor"),
    _route("GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders", vendor_df.get_orders,
           "getDirectFulfillmentOrders", account="vendor"),
    _route("GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders/{purchaseOrderNumber}",
           vendor_df.get_order, "getDirectFulfillmentOrder", account="vendor"),
    _route("GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels", vendor_df.get_shipping_labels,
           "getShippingLabels", account="vendor"),
    _route("GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/{purchaseOrderNumber}",
           vendor_df.get_shipping_label, "getShippingLabel", account="vendor"),
    # FBA inventory, tokens, catalog, listings
    _route("GET", "/fba/inventory/v1/summaries", inventory.get_inventory_summaries, "getInventorySummaries",
           account="seller"),
    _route("POST", "/tokens/2021-03-01/restrictedDataToken", tokens.create_restricted_data_token,
           "createRestrictedDataToken"),
    _route("GET", "/catalog/2022-04-01/items", catalog.search_catalog_items, "searchCatalogItems"),
    _route("GET", "/listings/2021-08-01/items/{sellerId}", listings.search_listings_items, "searchListingsItems",
           account="seller"),
]


DEPRECATED_OPERATIONS = frozenset(route.operation for route in ROUTES if route.deprecated)


def match(method: str, path: str) -> Tuple[Optional[Route], Dict[str, str], List[str]]:
    """The route for this request and its path parameters; else None and the methods the path allows."""
    allowed = []
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if found:
            if route.method == method:
                return route, found.groupdict(), []
            allowed.append(route.method)
    return None, {}, allowed
