"""A column's value for a row: the row's explicit values, then well-known column names (normalised:
`Merchant SKU`, `merchant-sku` and `merchant_sku` are one name), then a deterministic guess of the
column's kind. Values are Python objects (datetime, Decimal, int, str); formats.py writes them."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta
from decimal import Decimal
from typing import Any, Callable, Dict

from ..marketplaces import Market
from ..models import Order
from .definitions import DATE_KINDS, Column
from .rows import RowContext


def _amount(value: Dict[str, Any]) -> Decimal:
    return Decimal(str(value["CurrencyAmount"]))


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _country(market: Market) -> str:
    return "GB" if market.code == "UK" else market.code


def _status_word(order: Order) -> str:
    return "Cancelled" if order.status == "Canceled" else order.status


def _amount_of(attr: str) -> Callable[[RowContext], Any]:
    def value(ctx: RowContext) -> Any:
        if ctx.item is None or ctx.order is None:
            return None
        return getattr(ctx.item, attr) if ctx.order.has_amounts else ""
    return value


def _zero_if_order(ctx: RowContext) -> Any:
    if ctx.order is None:
        return None
    return Decimal("0.00") if ctx.order.has_amounts else ""


def _quantity(ctx: RowContext) -> Any:
    if ctx.item is not None:
        return ctx.item.quantity
    if ctx.inventory is not None:
        return ctx.inventory.fulfillable
    if ctx.listing is not None:
        return "" if ctx.product.channel == "AFN" else ctx.listing.quantity
    return None


def _fulfillment_channel(ctx: RowContext) -> Any:
    if ctx.order is not None:
        return "Amazon" if ctx.order.fulfillment_channel == "AFN" else "Merchant"
    if ctx.product is not None:
        return f"AMAZON_{ctx.market.region}" if ctx.product.channel == "AFN" else "DEFAULT"
    return None


def _price(ctx: RowContext) -> Any:
    if ctx.listing is not None:
        return ctx.listing.price
    if ctx.item is not None and ctx.order is not None:
        return ctx.item.item_price if ctx.order.has_amounts else ""
    return None


def _code(ctx: RowContext, column: str, prefix: str, length: int, alphabet: str = "0123456789") -> str:
    """A stable identifier for a row (Amazon's ids are opaque; only their shape and uniqueness matter)."""
    number = zlib.crc32(f"{ctx.key}|{column}".encode("utf-8")) * 2654435761
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return prefix + "".join(chars)


_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz0123456789"


def _order_id(ctx: RowContext) -> Any:
    """The order's id; a removal row's own removal order id (Amazon: removal orders have their own ids)."""
    if ctx.order is not None:
        return ctx.order.amazon_order_id
    if ctx.inventory is not None:
        return _code(ctx, "removal-order", "", 10, _LETTERS[:24] + "0123456789")
    return None


def _per_order(prefix: str, length: int) -> Callable[[RowContext], Any]:
    """An id shared by the items of one order (one FBA shipment per order in this dataset)."""
    def value(ctx: RowContext) -> Any:
        if ctx.order is None:
            return None
        return prefix + "".join(_LETTERS[b % len(_LETTERS)] for b in ctx.order.amazon_order_id.encode()[-length:])
    return value


def _opt(getter: Callable[[RowContext], Any]) -> Callable[[RowContext], Any]:
    def value(ctx: RowContext) -> Any:
        try:
            return getter(ctx)
        except AttributeError:  # the row has no such entity
            return None
    return value


KNOWN: Dict[str, Callable[[RowContext], Any]] = {
    # orders
    "amazonorderid": _opt(lambda c: c.order.amazon_order_id),
    "orderid": _order_id,
    "originalamazonorderid": _opt(lambda c: c.order.amazon_order_id),
    "merchantorderid": _opt(lambda c: c.order.seller_order_id),
    "purchasedate": _opt(lambda c: c.order.purchase_date),
    "orderdate": _opt(lambda c: c.order.purchase_date),
    "paymentsdate": _opt(lambda c: c.order.purchase_date + timedelta(minutes=5)),
    "lastupdateddate": _opt(lambda c: c.order.last_update_date),
    "shipmentdate": _opt(lambda c: c.order.ship_date),
    "reportingdate": _opt(lambda c: c.order.last_update_date),
    "orderstatus": _opt(lambda c: c.order.status),
    "itemstatus": _opt(lambda c: _status_word(c.order)),
    "saleschannel": _opt(lambda c: c.order.market.sales_channel),
    "orderchannel": _opt(lambda c: ""),
    "shipservicelevel": _opt(lambda c: c.order.ship_category),
    "amazonorderitemid": _opt(lambda c: c.item.order_item_id),
    "orderitemid": _opt(lambda c: c.item.order_item_id),
    "amazonorderitemcode": _opt(lambda c: c.item.order_item_id),
    "quantitypurchased": _opt(lambda c: c.item.quantity),
    "quantityshipped": _opt(lambda c: c.item.quantity_shipped),
    "itemprice": _amount_of("item_price"),
    "itemtax": _amount_of("item_tax"),
    "shippingprice": _amount_of("shipping_price"),
    "shippingtax": _amount_of("shipping_tax"),
    "itempromotiondiscount": _amount_of("promotion_discount"),
    "shippromotiondiscount": _zero_if_order,
    "giftwrapprice": _zero_if_order,
    "giftwraptax": _zero_if_order,
    "promotionids": _opt(lambda c: ",".join(c.item.promotion_ids)),
    "shipcity": _opt(lambda c: c.order.address.city),
    "shipstate": _opt(lambda c: c.order.address.state),
    "shippostalcode": _opt(lambda c: c.order.address.postal_code),
    "shipcountry": _opt(lambda c: c.order.address.country),
    "shipaddress1": _opt(lambda c: c.order.address.line1),
    "shipphonenumber": _opt(lambda c: c.order.address.phone),
    "recipientname": _opt(lambda c: c.order.buyer_name),
    "buyername": _opt(lambda c: c.order.buyer_name),
    "buyeremail": _opt(lambda c: c.order.buyer_email),
    "isbusinessorder": _opt(lambda c: "true" if c.order.is_business else "false"),
    "purchaseordernumber": _opt(lambda c: c.order.purchase_order_number or ""),
    "pricedesignation": _opt(lambda c: ""),
    "cpf": _opt(lambda c: ""),
    "signatureconfirmationrecommended": _opt(lambda c: "false"),
    "isprime": _opt(lambda c: "true" if c.order.is_prime else "false"),
    "trackingnumber": _opt(lambda c: f"1Z{c.item.order_item_id[:12]}" if c.item else _code(c, "tracking", "1Z", 12)),
    # FBA shipments: the FBA report's shipment ids (one shipment per order here) and item ids
    # (Amazon's FBA Sales reports attributes: shipment-id, shipment-item-id are always filled).
    "shipmentid": _per_order("D", 8),
    "shipmentitemid": _opt(lambda c: _code(c, "shipment-item", "D", 9, _LETTERS)),
    "itempromotionid": _opt(lambda c: c.item.promotion_ids[0] if c.item.promotion_ids else ""),
    "replacementamazonorderid": _opt(lambda c: _code(c, "replacement", c.order.amazon_order_id[:4], 7) + "-"
                                     + _code(c, "replacement-2", "", 7)),
    "originalfulfillmentcenterid": _opt(lambda c: {"NA": "SEA8", "EU": "LEJ1", "FE": "NRT5"}[c.market.region]),
    "replacementreasoncode": _opt(lambda c: "4" if c.order else None),
    "carrier": _opt(lambda c: {"NA": "UPS", "EU": "DHL", "FE": "Yamato"}[c.market.region]),
    "fulfillmentcenterid": _opt(lambda c: {"NA": "SEA8", "EU": "LEJ1", "FE": "NRT5"}[c.market.region]),
    # products and listings
    "sku": _opt(lambda c: c.product.sku),
    "sellersku": _opt(lambda c: c.product.sku),
    "msku": _opt(lambda c: c.product.sku),
    "merchantsku": _opt(lambda c: c.product.sku),
    "asin": _opt(lambda c: c.product.asin),
    "asin1": _opt(lambda c: c.product.asin),
    "fnsku": _opt(lambda c: c.product.fnsku or c.product.asin),
    "fulfillmentchannelsku": _opt(lambda c: c.product.fnsku or c.product.asin),
    "productname": _opt(lambda c: c.product.title(c.market)),
    "itemname": _opt(lambda c: c.product.title(c.market)),
    "title": _opt(lambda c: c.product.title(c.market)),
    "brand": _opt(lambda c: c.product.brand),
    "itemdescription": _opt(lambda c: f"{c.product.brand} – {c.product.title(c.market)}"),
    "listingid": _opt(lambda c: c.listing.listing_id),
    "opendate": _opt(lambda c: c.product.created),
    "productidtype": _opt(lambda c: "1"),
    "productid": _opt(lambda c: c.product.asin),
    "externalproductid": _opt(lambda c: c.product.ean),
    "ean": _opt(lambda c: c.product.ean),
    "upc": _opt(lambda c: c.product.upc),
    "itemcondition": _opt(lambda c: "11"),
    "itemismarketplace": _opt(lambda c: "y"),
    "status": _opt(lambda c: c.listing.status),
    "pendingquantity": _opt(lambda c: 0),
    "merchantshippinggroup": _opt(lambda c: "Migrated Template"),
    "imageurl": _opt(lambda c: f"https://m.media-amazon.com/images/I/{c.product.asin}.jpg"),
    "price": _price,
    "yourprice": _opt(lambda c: c.listing.price),
    "quantity": _quantity,
    "fulfillmentchannel": _fulfillment_channel,
    "currency": _opt(lambda c: c.market.currency),
    "currencycode": _opt(lambda c: c.market.currency),
    "currencyunit": _opt(lambda c: c.market.currency),
    # FBA inventory
    "conditiontype": _opt(lambda c: "NewItem"),
    "condition": _opt(lambda c: "New"),
    "warehouseconditioncode": _opt(lambda c: "SELLABLE"),
    "quantityavailable": _opt(lambda c: c.inventory.fulfillable),
    "quantityforlocalfulfillment": _opt(lambda c: c.inventory.fulfillable),
    "available": _opt(lambda c: c.inventory.fulfillable),
    "afnfulfillablequantity": _opt(lambda c: c.inventory.fulfillable),
    "afnwarehousequantity": _opt(lambda c: c.inventory.fulfillable + c.inventory.reserved + c.inventory.unfulfillable),
    "afnunsellablequantity": _opt(lambda c: c.inventory.unfulfillable),
    "afnreservedquantity": _opt(lambda c: c.inventory.reserved),
    "afntotalquantity": _opt(lambda c: c.inventory.total),
    "afninboundworkingquantity": _opt(lambda c: c.inventory.inbound_working),
    "afninboundshippedquantity": _opt(lambda c: c.inventory.inbound_shipped),
    "afninboundreceivingquantity": _opt(lambda c: c.inventory.inbound_receiving),
    "afnresearchingquantity": _opt(lambda c: c.inventory.researching),
    "afnlistingexists": _opt(lambda c: "Yes" if c.inventory else None),
    "mfnlistingexists": _opt(lambda c: "No" if c.inventory else None),
    "mfnfulfillablequantity": _opt(lambda c: "" if c.inventory else None),
    "country": _opt(lambda c: _country(c.market)),
    "countrycode": _opt(lambda c: _country(c.market)),
    "marketplace": _opt(lambda c: c.market.sales_channel),
    "marketplaceid": _opt(lambda c: c.market.id),
    "marketplacename": _opt(lambda c: c.market.sales_channel),
    "snapshotdate": _opt(lambda c: c.moment),
    # FBA inventory movements: ids and dispositions (Amazon's FBA Inventory reports attributes)
    "transactionitemid": _opt(lambda c: _code(c, "transaction-item", "", 11) if c.inventory else None),
    "fbashipmentid": _opt(lambda c: _code(c, "fba-shipment", "FBA", 9, _LETTERS[:24] + "0123456789") if c.inventory else None),
    "detaileddisposition": _opt(lambda c: "SELLABLE" if c.inventory else None),
    "disposition": _opt(lambda c: "SELLABLE" if c.inventory else None),
    "transactiontype": _opt(lambda c: "Receipts" if c.inventory else None),
    "surchargeagetier": _opt(lambda c: "271-365" if c.inventory else None),
    # events (returns, reimbursements)
    "returndate": _opt(lambda c: c.event.posted),
    "returnrequestdate": _opt(lambda c: c.event.posted),
    "approvaldate": _opt(lambda c: c.event.posted),
    "reimbursementid": _opt(lambda c: c.event.body["AdjustmentItemList"][0]["TransactionNumber"]),
    "amountperunit": _opt(lambda c: _amount(c.event.body["AdjustmentItemList"][0]["PerUnitAmount"])),
    "amounttotal": _opt(lambda c: _amount(c.event.body["AdjustmentAmount"])),
    "quantityreimbursedcash": _opt(lambda c: int(c.event.body["AdjustmentItemList"][0]["Quantity"])),
    "quantityreimbursedtotal": _opt(lambda c: int(c.event.body["AdjustmentItemList"][0]["Quantity"])),
    "quantityreimbursedinventory": _opt(lambda c: 0 if c.event else None),
    "reason": _opt(lambda c: c.event.body.get("AdjustmentType") or "DEFECTIVE"),
    # returns by return date (refund events)
    "returnquantity": _opt(lambda c: c.item.quantity if c.event else None),
    "orderquantity": _opt(lambda c: c.item.quantity),
    "orderamount": _opt(lambda c: c.item.item_price if c.order.has_amounts else ""),
    "refundedamount": _opt(lambda c: -_amount(c.event.body["ShipmentItemAdjustmentList"][0]["ItemChargeAdjustmentList"][0]["ChargeAmount"])),
    "returnrequeststatus": _opt(lambda c: "Approved" if c.event else None),
    "amazonrmaid": _opt(lambda c: _code(c, "rma", "D", 9, _LETTERS) + "RRMA" if c.event else None),
    "licenseplatenumber": _opt(lambda c: _code(c, "lpn", "LPN", 10, _LETTERS[:24] + "0123456789") if c.event else None),
    "fulfillmentcenter": _opt(lambda c: {"NA": "SEA8", "EU": "LEJ1", "FE": "NRT5"}[c.market.region]),
    "store": _opt(lambda c: c.market.sales_channel),
}


def _digest(ctx: RowContext, column: str) -> int:
    return zlib.crc32(f"{ctx.key}|{column}".encode("utf-8"))


def guess(column: Column, ctx: RowContext) -> Any:
    """A deterministic value of the column's kind for a column nothing above knows."""
    lowered = column.name.lower()
    digest = _digest(ctx, column.name)
    if column.kind in DATE_KINDS:
        return ctx.moment
    if column.kind == "int":
        return digest % 50
    if column.kind == "num":
        return Decimal(digest % 10000) / 100
    if "sku" in lowered:
        return ctx.product.sku if ctx.product else ""
    if "asin" in lowered:
        return ctx.product.asin if ctx.product else ""
    if "currency" in lowered:
        return ctx.market.currency
    if "country" in lowered:
        return _country(ctx.market)
    if "marketplace" in lowered:
        return ctx.market.id
    if "name" in lowered or "title" in lowered:
        return ctx.product.title(ctx.market) if ctx.product else ""
    return ""


def column_value(column: Column, ctx: RowContext) -> Any:
    if column.name in ctx.values:
        return ctx.values[column.name]
    if ctx.values.get("__only"):  # rows that spell out every value (settlement lines)
        return ""
    known = KNOWN.get(_norm(column.name))
    if known is not None:
        value = known(ctx)
        if value is not None:
            return value
    return guess(column, ctx)
