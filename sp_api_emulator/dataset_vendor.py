"""Vendor purchase orders and direct-fulfilment orders of the last 6 months. A mixin of dataset.DatasetBuilder."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import List, Sequence

from . import catalog_text as text
from .marketplaces import Market
from .models.common import alnum, digits
from .models import Address, DirectFulfillmentOrder, Product, VendorPurchaseOrder, round_money


class VendorBuilder:
    now: datetime

    # -- vendor ----------------------------------------------------------------------------
    def purchase_orders(self, markets: Sequence[Market], products: Sequence[Product]) -> List[VendorPurchaseOrder]:
        rng = self.rng("vendor-po")
        fcs = {"US": [("SEA7", "Kent", "WA", "98032"), ("ABE8", "Robbinsville", "NJ", "08691")],
               "DE": [("DTM2", "Dortmund", "Nordrhein-Westfalen", "44145"), ("MUC3", "Graben", "Bayern", "86836")]}
        result = []
        for _ in range(self.profile.purchase_orders):
            market = rng.choice(markets)
            created = (self.now - timedelta(seconds=rng.uniform(3600, 180 * 86400))).replace(microsecond=0)
            age_days = (self.now - created).days
            state = "Closed" if age_days > 30 else ("Acknowledged" if age_days > 3 else "New")
            state_changed = created if state == "New" else min(
                self.now, created + timedelta(days=rng.uniform(1, 3 if state == "Acknowledged" else 28)))
            changed = created + timedelta(hours=rng.uniform(1, 24)) if rng.random() < 0.15 else None
            fc, city, region, postal = rng.choice(fcs.get(market.code, fcs["US"]))
            items = []
            for product in rng.sample(list(products), min(len(products), rng.randint(1, 5))):
                cost = round_money(product.base_price * market.fx * Decimal("0.55"), market)
                items.append((product, rng.choice([6, 12, 24, 48, 96]), cost, self.price(product, market)))
            result.append(VendorPurchaseOrder(
                number=alnum(rng, 8), market=market, created=created, state=state,
                state_changed=state_changed.replace(microsecond=0),
                changed=changed.replace(microsecond=0) if changed else None, ship_to=fc,
                ship_to_address=Address(name=f"Amazon {fc}", line1=f"{rng.randint(1, 999)} Logistics Park",
                                        city=city, state=region, postal_code=postal,
                                        country=market.code, phone=""),
                items=tuple(items),
                accepted_fraction=Decimal("0") if state == "New" else Decimal(rng.choice(["1", "1", "0.5"])),
                received_fraction=Decimal("1") if state == "Closed" else Decimal("0")))
        return sorted(result, key=lambda po: (po.created, po.number))

    def df_orders(self, markets: Sequence[Market], products: Sequence[Product]) -> List[DirectFulfillmentOrder]:
        rng = self.rng("vendor-df")
        result = []
        for _ in range(self.profile.df_orders):
            market = rng.choice(markets)
            created = (self.now - timedelta(seconds=rng.uniform(1800, 180 * 86400))).replace(microsecond=0)
            age = self.now - created
            if rng.random() < 0.05:
                status = "CANCELLED"
            elif age < timedelta(hours=6):
                status = "NEW"
            elif age < timedelta(days=2):
                status = "ACCEPTED"
            else:
                status = "SHIPPED"
            name = rng.choice(text.BUYER_NAMES[market.lang])
            items = tuple((p, rng.randint(1, 2), self.price(p, market))
                          for p in rng.sample(list(products), min(len(products), rng.randint(1, 3))))
            label = created + timedelta(hours=rng.uniform(1, 5)) if status in ("ACCEPTED", "SHIPPED") else None
            if label is not None and label > self.now:
                label = None
            result.append(DirectFulfillmentOrder(
                number=alnum(rng, 9), customer_order_number=digits(rng, 15), market=market, created=created,
                status=status, ship_from=rng.choice(["EMUW1", "EMUW2"]),
                ship_method=rng.choice(["UPS_GR_RES", "FEDEX_GROUND", "DHL_PAKET"]),
                address=self._address(rng, market, name), items=items,
                label_created=label.replace(microsecond=0) if label else None,
                tracking_number="1Z" + alnum(rng, 16), is_gift=rng.random() < 0.1))
        return sorted(result, key=lambda o: (o.created, o.number))

