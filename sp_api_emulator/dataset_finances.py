"""Financial events derived from the orders (shipments, refunds, retrocharges) plus monthly fees, ads,
coupons, deals and reimbursements; event groups are 14-day settlement periods whose total is the sum of
their events. A mixin of dataset.DatasetBuilder."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Sequence, Tuple

from .marketplaces import Market
from .models.common import alnum, digits
from .models import (EventGroup, FinancialEvent, Order, Product, currency_amount, financial_event_key, round_money,
                     settlement_period_start, stable_id, stable_number)
from .models.finances import SETTLEMENT_PERIOD_DAYS

DEFERRAL_PERIOD = timedelta(days=7)
from .timeutil import iso


class FinanceBuilder:
    seed: int
    now: datetime

    def shipment_event(self, order: Order) -> FinancialEvent:
        market = order.market
        items = []
        net = charge_total = fee_total = Decimal("0")
        for item in order.items:
            charges = [("Principal", item.item_price), ("Tax", item.item_tax)]
            if item.shipping_price:
                charges += [("ShippingCharge", item.shipping_price), ("ShippingTax", item.shipping_tax)]
            commission = -round_money(item.item_price * Decimal("0.15"), market)
            fees = [("Commission", commission)]
            if order.fulfillment_channel == "AFN":
                fees.append(("FBAPerUnitFulfillmentFee",
                             -round_money(Decimal("3.22") * market.fx * item.quantity, market)))
            entry: Dict[str, Any] = {
                "SellerSKU": item.product.sku,
                "OrderItemId": item.order_item_id,
                "QuantityShipped": item.quantity,
                "ItemChargeList": [{"ChargeType": t, "ChargeAmount": currency_amount(a, market)} for t, a in charges],
                "ItemFeeList": [{"FeeType": t, "FeeAmount": currency_amount(a, market)} for t, a in fees],
            }
            if item.promotion_discount:
                entry["PromotionList"] = [{"PromotionType": "PromotionMetaDataDefinitionValue",
                                           "PromotionId": item.promotion_ids[0],
                                           "PromotionAmount": currency_amount(-item.promotion_discount, market)}]
            items.append(entry)
            net += sum(a for _, a in charges) + sum(a for _, a in fees) - item.promotion_discount
            charge_total += sum(a for _, a in charges)
            fee_total += sum(a for _, a in fees)
        posted = order.ship_date or order.last_update_date
        body = {"AmazonOrderId": order.amazon_order_id, "SellerOrderId": order.seller_order_id,
                "MarketplaceName": market.sales_channel, "PostedDate": iso(posted), "ShipmentItemList": items}
        # Amazon defers some sellers' order funds (DeferredContext deferralReason DD7: "delivery date
        # policy", released 7 days after delivery); here one order in three, delivery taken as posting.
        deferred = int(stable_number(self.seed, "deferral", order.amazon_order_id)) % 3 == 0
        return FinancialEvent("ShipmentEventList", posted, market,
                              financial_event_key("ShipmentEventList", body), body, net, order.amazon_order_id,
                              charges=charge_total, fees=fee_total,
                              released=posted + DEFERRAL_PERIOD if deferred else None)

    def _refund_event(self, rng: random.Random, order: Order, posted: datetime) -> FinancialEvent:
        market = order.market
        item = order.items[0]
        refund_principal = -item.item_price
        refund_tax = -item.item_tax
        commission_back = round_money(item.item_price * Decimal("0.15"), market)
        refund_commission = -round_money(min(commission_back * Decimal("0.2"), Decimal("5") * market.fx), market)
        body = {
            "AmazonOrderId": order.amazon_order_id, "SellerOrderId": order.seller_order_id,
            "MarketplaceName": market.sales_channel, "PostedDate": iso(posted),
            "ShipmentItemAdjustmentList": [{
                "SellerSKU": item.product.sku,
                "OrderAdjustmentItemId": digits(rng, 14),
                "QuantityShipped": item.quantity,
                "ItemChargeAdjustmentList": [
                    {"ChargeType": "Principal", "ChargeAmount": currency_amount(refund_principal, market)},
                    {"ChargeType": "Tax", "ChargeAmount": currency_amount(refund_tax, market)}],
                "ItemFeeAdjustmentList": [
                    {"FeeType": "Commission", "FeeAmount": currency_amount(commission_back, market)},
                    {"FeeType": "RefundCommission", "FeeAmount": currency_amount(refund_commission, market)}],
            }],
        }
        net = refund_principal + refund_tax + commission_back + refund_commission
        return FinancialEvent("RefundEventList", posted, market, financial_event_key("RefundEventList", body),
                              body, net, order.amazon_order_id, charges=refund_principal + refund_tax,
                              fees=commission_back + refund_commission)

    def _monthly_events(self, rng: random.Random, market: Market, month_start: datetime,
                        products: Sequence[Product]) -> List[FinancialEvent]:
        events = []
        label = month_start.strftime("%Y-%m")
        subscription = -round_money(Decimal("39.99") * market.fx, market)
        body = {"FeeReason": "Subscription fee", "FeeDescription": f"Subscription fee {label} ({market.sales_channel})",
                "FeeList": [{"FeeType": "Subscription", "FeeAmount": currency_amount(subscription, market)}]}
        events.append(FinancialEvent("ServiceFeeEventList", month_start + timedelta(hours=3), market,
                                     financial_event_key("ServiceFeeEventList", body), body, subscription,
                                     fees=subscription))
        afn = [p for p in products if p.channel == "AFN"]
        if afn:
            product = rng.choice(afn)
            storage = -round_money(Decimal(rng.uniform(2, 40)) * market.fx, market)
            body = {"FeeReason": "FBA storage fee", "SellerSKU": product.sku, "FnSKU": product.fnsku,
                    "ASIN": product.asin, "FeeDescription": f"FBA storage fee {label} {product.sku} ({market.sales_channel})",
                    "FeeList": [{"FeeType": "FBAStorageFee", "FeeAmount": currency_amount(storage, market)}]}
            events.append(FinancialEvent("ServiceFeeEventList", month_start + timedelta(days=6, hours=2), market,
                                         financial_event_key("ServiceFeeEventList", body), body, storage,
                                         fees=storage))
            quantity = rng.randint(1, 3)
            per_unit = round_money(self.price(product, market) * Decimal("0.6"), market)
            posted = month_start + timedelta(days=rng.randint(8, 20), hours=rng.randint(0, 23))
            body = {"AdjustmentType": rng.choice(["WAREHOUSE_DAMAGE", "MISSING_FROM_INBOUND", "REVERSAL_REIMBURSEMENT"]),
                    "PostedDate": iso(posted), "AdjustmentAmount": currency_amount(per_unit * quantity, market),
                    "AdjustmentItemList": [{
                        "Quantity": str(quantity), "PerUnitAmount": currency_amount(per_unit, market),
                        "TotalAmount": currency_amount(per_unit * quantity, market), "SellerSKU": product.sku,
                        "FnSKU": product.fnsku, "ProductDescription": product.title(market), "ASIN": product.asin,
                        "TransactionNumber": digits(rng, 12)}]}
            events.append(FinancialEvent("AdjustmentEventList", posted, market,
                                         financial_event_key("AdjustmentEventList", body), body, per_unit * quantity))
        ads = -round_money(Decimal(rng.uniform(20, 300)) * market.fx, market)
        tax = round_money(ads * market.tax_rate, market)
        posted = month_start + timedelta(days=2, hours=7)
        body = {"postedDate": iso(posted), "transactionType": "Charge", "invoiceId": f"TR{digits(rng, 10)}{market.code}",
                "baseValue": currency_amount(ads, market), "taxValue": currency_amount(tax, market),
                "transactionValue": currency_amount(ads + tax, market)}
        events.append(FinancialEvent("ProductAdsPaymentEventList", posted, market,
                                     financial_event_key("ProductAdsPaymentEventList", body), body, ads + tax))
        if rng.random() < 0.5:
            fee = -round_money(Decimal("0.60") * market.fx, market)
            count = rng.randint(1, 40)
            posted = month_start + timedelta(days=rng.randint(10, 25), hours=5)
            body = {"PostedDate": iso(posted), "CouponId": f"C{alnum(rng, 9)}",
                    "SellerCouponDescription": f"Save 10% – {market.sales_channel}",
                    "ClipOrRedemptionCount": count, "PaymentEventId": digits(rng, 11),
                    "FeeComponent": {"FeeType": "CouponRedemptionFee", "FeeAmount": currency_amount(fee * count, market)},
                    "TotalAmount": currency_amount(fee * count, market)}
            events.append(FinancialEvent("CouponPaymentEventList", posted, market,
                                         financial_event_key("CouponPaymentEventList", body), body, fee * count,
                                         fees=fee * count))
        if rng.random() < 0.3:
            fee = -round_money(Decimal("70") * market.fx, market)
            posted = month_start + timedelta(days=rng.randint(3, 25), hours=9)
            body = {"postedDate": iso(posted), "dealId": f"D{alnum(rng, 10)}",
                    "dealDescription": f"Lightning Deal – {market.sales_channel}", "eventType": "SellerDealComplete",
                    "feeType": "RunLightningDealFee", "feeAmount": currency_amount(fee, market),
                    "taxAmount": currency_amount(Decimal("0"), market), "totalAmount": currency_amount(fee, market)}
            events.append(FinancialEvent("SellerDealPaymentEventList", posted, market,
                                         financial_event_key("SellerDealPaymentEventList", body), body, fee,
                                         fees=fee))
        return events

    def financial_events(self, orders: Sequence[Order], markets: Sequence[Market],
                         products: Sequence[Product]) -> List[FinancialEvent]:
        rng = self.rng("finances")
        events: List[FinancialEvent] = []
        for order in orders:
            if order.status != "Shipped":
                continue
            events.append(self.shipment_event(order))
            if rng.random() < 0.06:
                posted = order.ship_date + timedelta(days=rng.uniform(3, 25))
                if posted < self.now - timedelta(minutes=10):
                    refund = self._refund_event(rng, order, posted.replace(microsecond=0))
                    events.append(refund)
                    if order.market.code == "US" and rng.random() < 0.3:
                        tax = -refund.body["ShipmentItemAdjustmentList"][0]["ItemChargeAdjustmentList"][1]["ChargeAmount"]["CurrencyAmount"]
                        retro_posted = refund.posted + timedelta(hours=1)
                        body = {"RetrochargeEventType": "Retrocharge", "AmazonOrderId": order.amazon_order_id,
                                "PostedDate": iso(retro_posted), "BaseTax": currency_amount(Decimal(str(tax)), order.market),
                                "ShippingTax": currency_amount(Decimal("0"), order.market),
                                "MarketplaceName": order.market.sales_channel}
                        events.append(FinancialEvent("RetrochargeEventList", retro_posted, order.market,
                                                     financial_event_key("RetrochargeEventList", body), body,
                                                     Decimal("0"), order.amazon_order_id))
        first = min((o.purchase_date for o in orders), default=self.now)
        for market in markets:
            month = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            while month < self.now:
                events.extend(e for e in self._monthly_events(rng, market, month, products)
                              if e.posted < self.now - timedelta(minutes=10))
                month = (month + timedelta(days=32)).replace(day=1)
        return events

    def event_groups(self, events: Sequence[FinancialEvent], markets: Sequence[Market]) -> List[EventGroup]:
        totals: Dict[Tuple[str, datetime], Decimal] = {}
        for event in events:
            start = settlement_period_start(event.posted, event.market)
            totals[(event.market.code, start)] = totals.get((event.market.code, start), Decimal("0")) + event.net
        first = min((e.posted for e in events), default=self.now)
        groups = []
        for market in markets:
            start = settlement_period_start(first, market)
            while start <= self.now:
                end = start + timedelta(days=SETTLEMENT_PERIOD_DAYS)
                is_open = end > self.now
                total = round_money(totals.get((market.code, start), Decimal("0")), market)
                groups.append(EventGroup(
                    group_id=stable_id(self.seed, "group", market.code, start.isoformat()),
                    settlement_id=stable_number(self.seed, "settlement", market.code, start.isoformat()),
                    market=market, start=start, end=end, is_open=is_open, total=total,
                    trace_id=stable_number(self.seed, "trace", market.code, start.isoformat(), digits=16)))
                start = end
        groups.sort(key=lambda g: (g.start, g.market.code))
        return groups

