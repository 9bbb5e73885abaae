"""Settlement reports (created by Amazon, listed only) and the seller feedback report."""

from __future__ import annotations

from .definitions import Encoding, col, cols, tsv

SETTLEMENT_DOC = ("SP-API docs: Settlement reports attributes; date forms from public fixtures of V2 files "
                  "(`2023-01-01 00:00:00 UTC`, EU `posted-date` `05.03.2026`, `posted-date-time` `... UTC`)")

_SETTLEMENT_HEAD = ("settlement-id", "settlement-start-date:utc", "settlement-end-date:utc", "deposit-date:utc",
                    "total-amount:num", "currency", "transaction-type", "order-id", "merchant-order-id",
                    "adjustment-id", "shipment-id", "marketplace-name")

# Settlement downloads are reported with `Content-Type: text/plain` and no charset (spapi-facts.md).
# The classic flat file's body is in the marketplace's charset (Cp1252; Shift_JIS for amazon.co.jp,
# whose text Cp1252 cannot hold), the `_V2` file's body UTF-8: a client has to guess or sniff.
SETTLEMENT_MARKETPLACE = Encoding(charset=None, declared=False)
SETTLEMENT_UTF8 = Encoding(charset="UTF-8", declared=False)

# GET_SELLER_FEEDBACK_DATA: Amazon localises the header to the marketplace's language, in the
# same column order (public record: Airbyte's published connector reads these files positionally
# for that reason). English labels are Amazon's (public fixture). No public record of the
# translated labels was found: the German, French, Italian, Spanish and Japanese labels below are
# the emulator's best faithful translation of Seller Central's wording, not a copy of Amazon's files.
# Amazon documents the locale dependence itself: reportOptions.preferredReportDocumentLocale (e.g.
# `en_US`) "specifies the preferred locale for report column headers" (Inventory Reports page);
# the emulator honours it (tsv.header_language).
_FEEDBACK = (
    col("Date:feedback", de="Datum", fr="Date", it="Data", es="Fecha", ja="日付"),
    col("Rating:int", de="Bewertung", fr="Évaluation", it="Valutazione", es="Valoración", ja="評価"),
    col("Comments", de="Kommentare", fr="Commentaires", it="Commenti", es="Comentarios", ja="コメント"),
    col("Your Response", de="Ihre Antwort", fr="Votre réponse", it="La tua risposta", es="Tu respuesta",
        ja="出品者からの返信"),
    col("Order ID", de="Bestellnummer", fr="Numéro de commande", it="Numero ordine", es="Número de pedido",
        ja="注文番号"),
    col("Rater Email", de="E-Mail-Adresse des Bewerters", fr="E-mail de l'évaluateur", it="E-mail del valutatore",
        es="Correo electrónico del evaluador", ja="評価者のEメール"),
)

TYPES = [
    # The classic V2 flat file: one column per amount kind.
    tsv("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "settlement", SETTLEMENT_DOC,
        cols(*_SETTLEMENT_HEAD, "shipment-fee-type", "shipment-fee-amount:num", "order-fee-type",
             "order-fee-amount:num", "fulfillment-id", "posted-date:posted", "order-item-code",
             "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased:int", "price-type",
             "price-amount:num", "item-related-fee-type", "item-related-fee-amount:num", "misc-fee-amount:num",
             "other-fee-amount:num", "other-fee-reason-description", "promotion-id", "promotion-type",
             "promotion-amount:num", "direct-payment-type", "direct-payment-amount:num", "other-amount:num"),
        encoding=SETTLEMENT_MARKETPLACE, history_days=90),
    # The `_V2` flat file: amount-type / amount-description / amount, plus posted-date-time.
    tsv("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", "settlement", SETTLEMENT_DOC,
        cols(*_SETTLEMENT_HEAD, "amount-type", "amount-description", "amount:num", "fulfillment-id",
             "posted-date:posted", "posted-date-time:postedtz", "order-item-code", "merchant-order-item-id",
             "merchant-adjustment-item-id", "sku", "quantity-purchased:int", "promotion-id"),
        encoding=SETTLEMENT_UTF8, history_days=90),
    tsv("GET_SELLER_FEEDBACK_DATA", "date_range",
        "SP-API docs: Performance reports attributes; localised headers and dates (see comment above)",
        _FEEDBACK, history_days=730),
]
