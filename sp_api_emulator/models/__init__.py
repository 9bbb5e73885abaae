"""The emulator's state, split by resource. Entities are frozen; accounts hold the current tuples."""

from .accounts import SELLER_ID, Dataset, SellerAccount
from .catalog import Product
from .common import round_money, stable_id, stable_number
from .finances import (EventGroup, FinancialEvent, currency_amount, financial_event_key,
                       settlement_period_start)
from .inventory import InventoryLevel
from .listings import Listing
from .orders import Address, Order, OrderItem, history_cutoff
from .reports import DataCutoff, DocumentEntry, Report, ReportRequest
from .vendor import VENDOR_CODE, DirectFulfillmentOrder, VendorAccount, VendorPurchaseOrder

__all__ = ["SELLER_ID", "Dataset", "SellerAccount", "Product", "round_money", "stable_id", "stable_number",
           "EventGroup", "FinancialEvent", "currency_amount", "financial_event_key", "settlement_period_start",
           "InventoryLevel", "Listing", "Address", "Order", "OrderItem", "history_cutoff", "DataCutoff", "DocumentEntry", "Report",
           "ReportRequest", "VENDOR_CODE", "DirectFulfillmentOrder", "VendorAccount", "VendorPurchaseOrder"]
