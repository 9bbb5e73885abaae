"""Reports Amazon creates on its own schedule (never requested): settlement reports, one per closed
14-day settlement period per marketplace, and the scheduled order report, every 7 days per
marketplace. Each appears 26 hours after its period ends and is listable for 90 days."""

from __future__ import annotations

from datetime import timedelta

from ..models import Report, ReportRequest

REPORT_RETENTION = timedelta(days=90)


def schedule_amazon_reports(store) -> None:
    """Add the reports Amazon would have created before the dataset's build time to `store`."""
    dataset = store.emu.dataset
    now = dataset.built_at
    for (report_type, account_type), definition in store.definitions.items():
        if definition.requestable or account_type != "seller":
            continue
        if "SETTLEMENT" in report_type:
            periods = [(g.market, g.start, g.end) for g in dataset.seller.groups if not g.is_open]
        else:
            periods = []
            for market in dataset.seller.markets:
                end = now.replace(hour=0, minute=0, second=0, microsecond=0)
                while end > now - REPORT_RETENTION:
                    periods.append((market, end - timedelta(days=7), end))
                    end -= timedelta(days=7)
        for market, start, end in periods:
            created = end + timedelta(hours=26)
            if created > now or created < now - REPORT_RETENTION:
                continue
            request = ReportRequest(report_type, "seller", (market.id,), start, end, {})
            report = Report(report_id=store.new_report_id(), account_type="seller", request=request,
                            definition=definition, created=created, created_mono=0.0, fate="DONE", scheduled=True)
            report.document_id = store.new_document_id(report, fatal=False)
            store.add(report)
