"""Orders API 2026-01-01 values in Orders v0's spelling (data, read by mapping.py and items.py).

Source: Amazon's Orders API migration guide (developer-docs.amazon.com/sp-api/docs/orders-api-migration-guide:
status and channel renames, flags folded into `programs`) and the two models (ordersV0.json,
orders_2026-01-01.json: the enum values on each side). A value this table does not know is passed on
as Amazon wrote it rather than dropped.
"""

from __future__ import annotations

from typing import Mapping, Optional

# fulfillment.fulfillmentStatus -> OrderStatus (v0's InvoiceUnconfirmed has no 2026 counterpart)
ORDER_STATUS: Mapping[str, str] = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}

# fulfillment.fulfilledBy -> FulfillmentChannel
FULFILLMENT_CHANNEL: Mapping[str, str] = {"AMAZON": "AFN", "MERCHANT": "MFN"}

# fulfillment.fulfillmentServiceLevel -> ShipmentServiceLevelCategory
SERVICE_LEVEL_CATEGORY: Mapping[str, str] = {
    "EXPEDITED": "Expedited",
    "FREE_ECONOMY": "FreeEconomy",
    "NEXT_DAY": "NextDay",
    "PRIORITY": "Priority",
    "SAME_DAY": "SameDay",
    "SECOND_DAY": "SecondDay",
    "SCHEDULED": "Scheduled",
    "STANDARD": "Standard",
}

# programs[] value -> the v0 flag it replaces (true when the program is listed)
ORDER_FLAGS: Mapping[str, str] = {
    "IsPrime": "PRIME",
    "IsBusinessOrder": "AMAZON_BUSINESS",
    "IsPremiumOrder": "PREMIUM",
    "IsISPU": "IN_STORE_PICK_UP",
    "IsIBA": "INVOICE_BY_AMAZON",
}

# payment.paymentExecutions[].paymentMethod -> PaymentMethod (v0: COD, CVS or Other)
PAYMENT_METHOD: Mapping[str, str] = {"CashOnDelivery": "COD", "COD": "COD", "ConvenienceStore": "CVS", "CVS": "CVS"}

# recipient.deliveryAddress.addressType -> AddressType
ADDRESS_TYPE: Mapping[str, str] = {"RESIDENTIAL": "Residential", "COMMERCIAL": "Commercial"}

# tax.taxInvoicing.invoiceStatus -> ElectronicInvoiceStatus
INVOICE_STATUS: Mapping[str, str] = {
    "NOT_REQUIRED": "NotRequired",
    "NOT_FOUND": "NotFound",
    "PROCESSING": "Processing",
    "ERRORED": "Errored",
    "ACCEPTED": "Accepted",
}

# product.condition.conditionType / conditionSubtype -> ConditionId / ConditionSubtypeId
CONDITION: Mapping[str, str] = {
    "NEW": "New",
    "USED": "Used",
    "COLLECTIBLE": "Collectible",
    "REFURBISHED": "Refurbished",
    "PREORDER": "Preorder",
    "CLUB": "Club",
}
CONDITION_SUBTYPE: Mapping[str, str] = {
    "NEW": "New",
    "MINT": "Mint",
    "VERY_GOOD": "Very Good",
    "GOOD": "Good",
    "ACCEPTABLE": "Acceptable",
    "POOR": "Poor",
    "CLUB": "Club",
    "OEM": "OEM",
    "WARRANTY": "Warranty",
    "REFURBISHED_WARRANTY": "Refurbished Warranty",
    "REFURBISHED": "Refurbished",
    "OPEN_BOX": "Open Box",
    "ANY": "Any",
    "OTHER": "Other",
}

# product.price.priceDesignation -> PriceDesignation
PRICE_DESIGNATION: Mapping[str, str] = {"BUSINESS_PRICE": "BusinessPrice"}

# tax.taxCollections[].model -> TaxCollection.Model
TAX_COLLECTION_MODEL: Mapping[str, str] = {"MARKETPLACE_FACILITATOR": "MarketplaceFacilitator"}

# associatedOrders[].associationType that makes a replacement order (v0 IsReplacementOrder, ReplacedOrderId)
REPLACEMENT = "REPLACEMENT_ORIGINAL_ID"
# orderAliases[].aliasType of the seller's own order id (v0 SellerOrderId)
SELLER_ORDER_ID = "SELLER_ORDER_ID"
# item programs[] value with a v0 flag of its own (IsTransparency); the others are v0's AmazonPrograms
TRANSPARENCY = "TRANSPARENCY"


def spelled(table: Mapping[str, str], value: Optional[str]) -> Optional[str]:
    """v0's spelling of a 2026 value; an unknown value as Amazon wrote it; None stays None."""
    if value is None:
        return None
    return table.get(value, value)
