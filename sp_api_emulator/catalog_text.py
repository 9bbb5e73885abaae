"""Localised text the dataset draws from: product kinds, colours, buyer names and addresses.

Non-ASCII on purpose (é, ü, ß, €, Japanese): decoders must survive it. Everything outside JP
stays inside cp1252, the charset Amazon declares for most flat files.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

# (code, {language: title}) - languages: en, de, fr, ja
PRODUCT_KINDS: List[Tuple[str, Dict[str, str]]] = [
    ("GRND", {"en": "Stainless Steel Coffee Grinder", "de": "Kaffeemühle aus Edelstahl",
              "fr": "Moulin à café en acier inoxydable", "ja": "ステンレス製コーヒーミル"}),
    ("TPOT", {"en": "Cast Iron Teapot 1.2 L", "de": "Teekanne aus Gusseisen, 1,2 L – groß",
              "fr": "Théière en fonte émaillée 1,2 L", "ja": "南部鉄器 急須 1.2L"}),
    ("YOGA", {"en": "Non-Slip Yoga Mat", "de": "Yogamatte rutschfest, Größe L",
              "fr": "Tapis de yoga antidérapant", "ja": "ヨガマット 滑り止め"}),
    ("SCRF", {"en": "Merino Wool Scarf", "de": "Schal aus Schurwolle", "fr": "Écharpe en laine mérinos",
              "ja": "メリノウール マフラー"}),
    ("LAMP", {"en": "Dimmable LED Desk Lamp", "de": "LED-Schreibtischlampe, dimmbar",
              "fr": "Lampe de bureau LED réglable", "ja": "LEDデスクライト 調光"}),
    ("BORD", {"en": "Bamboo Cutting Board", "de": "Schneidebrett aus Bambus", "fr": "Planche à découper en bambou",
              "ja": "竹製まな板"}),
    ("PACK", {"en": "Hiking Backpack 30 L", "de": "Wanderrucksack 30 L für Damen & Herren",
              "fr": "Sac à dos de randonnée 30 L", "ja": "登山用リュック 30L"}),
    ("MUGS", {"en": "Ceramic Mug Set (4 pcs)", "de": "Keramik-Becher Set (4 Stück)",
              "fr": "Lot de 4 tasses en céramique", "ja": "陶器マグカップ 4個セット"}),
    ("SPKR", {"en": "Waterproof Bluetooth Speaker", "de": "Bluetooth-Lautsprecher, wasserdicht",
              "fr": "Enceinte Bluetooth étanche", "ja": "防水 Bluetooth スピーカー"}),
    ("PUZL", {"en": "Jigsaw Puzzle 500 Pieces", "de": "Puzzle für Kinder, 500 Teile – Süße Tiere",
              "fr": "Puzzle 500 pièces – Château de Versailles", "ja": "ジグソーパズル 500ピース"}),
    ("BOXX", {"en": "\"Big\" Storage Box, Recycled Plastic", "de": "\"Große\" Aufbewahrungsbox aus Recyclingplastik",
              "fr": "\"Grande\" boîte de rangement recyclée", "ja": "収納ボックス 大型"}),
    ("GIFT", {"en": "Crème Brûlée Torch Gift Set", "de": "Geschenkset mit Gutschein über 25 €",
              "fr": "Coffret cadeau avec bon de 25 €", "ja": "クレームブリュレ バーナー ギフトセット"}),
]

COLOURS: List[Tuple[str, Dict[str, str]]] = [
    ("BLK", {"en": "Black", "de": "Schwarz", "fr": "Noir", "ja": "ブラック"}),
    ("BLU", {"en": "Blue", "de": "Blau", "fr": "Bleu", "ja": "ブルー"}),
    ("GRN", {"en": "Green", "de": "Grün", "fr": "Vert", "ja": "グリーン"}),
    ("BEI", {"en": "Beige", "de": "Beige", "fr": "Beige", "ja": "ベージュ"}),
    ("RED", {"en": "Red", "de": "Rot", "fr": "Rouge", "ja": "レッド"}),
    ("WHT", {"en": "White", "de": "Weiß", "fr": "Blanc", "ja": "ホワイト"}),
]

BRANDS = ["Emulatech", "Nordhaus", "Maison Lumière", "Sakura Works"]

BUYER_NAMES: Dict[str, List[str]] = {
    "en": ["Zoë Anderson", "José Martinez", "Chloé Smith", "Renée O'Brien", "Liam Johnson", "Ava Brown",
           "Noah Wilson", "Amélie Clarke", "Mia Thompson", "Ethan Davies"],
    "de": ["Jürgen Groß", "Anna Müller", "Björn Schäfer", "Günther Weiß", "Käthe Schröder", "Lukas Becker"],
    "fr": ["François Lefèvre", "Hélène Dubois", "Zoé Garnier", "Jérôme Faure", "Anaïs Moreau", "Loïc Mercier"],
    "ja": ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健太", "伊藤 さくら"],
}

# (city, state or region, postal code, street)
ADDRESSES: Dict[str, List[Tuple[str, str, str, str]]] = {
    "US": [("Seattle", "WA", "98109", "410 Terry Ave N"), ("San José", "CA", "95112", "88 Calle Almadén"),
           ("Austin", "TX", "78701", "500 Congress Ave"), ("New York", "NY", "10001", "350 W 31st St"),
           ("Miami", "FL", "33131", "1200 Brickell Ave")],
    "CA": [("Montréal", "QC", "H2X 1Y4", "1250 rue Saint-Denis"), ("Toronto", "ON", "M5V 2T6", "120 Bremner Blvd"),
           ("Québec", "QC", "G1R 4P5", "12 rue Sainte-Anne"), ("Vancouver", "BC", "V6B 1A1", "800 Robson St")],
    "DE": [("München", "Bayern", "80331", "Marienplatz 8"), ("Köln", "Nordrhein-Westfalen", "50667", "Hohe Straße 52"),
           ("Düsseldorf", "Nordrhein-Westfalen", "40213", "Königsallee 30"), ("Berlin", "Berlin", "10117", "Friedrichstraße 43")],
    "FR": [("Besançon", "Doubs", "25000", "12 rue de l'Église"), ("Orléans", "Loiret", "45000", "4 place du Martroi"),
           ("Paris", "Île-de-France", "75004", "21 quai de l'Hôtel de Ville"), ("Nîmes", "Gard", "30000", "5 rue de l'Aspic")],
    "UK": [("London", "Greater London", "EC1A 1BB", "1 St Martin's Le Grand"), ("Edinburgh", "Midlothian", "EH1 1YZ", "10 Royal Mile"),
           ("Manchester", "Greater Manchester", "M1 1AE", "3 Piccadilly Gardens")],
    "JP": [("渋谷区", "東京都", "150-0002", "渋谷2-21-1"), ("大阪市北区", "大阪府", "530-0001", "梅田3-1-3"),
           ("京都市下京区", "京都府", "600-8216", "烏丸通塩小路下ル")],
}

# Where the seller ships MFN orders from, per country.
WAREHOUSES: Dict[str, Tuple[str, str, str, str]] = {
    "US": ("Renton", "WA", "98057", "1200 Lind Ave SW"),
    "CA": ("Mississauga", "ON", "L5T 2N7", "6363 Millcreek Dr"),
    "DE": ("Leipzig", "Sachsen", "04109", "Große Fleischergasse 4"),
    "FR": ("Lyon", "Auvergne-Rhône-Alpes", "69002", "9 place Bellecour"),
    "UK": ("Coventry", "West Midlands", "CV1 2GT", "14 Corporation St"),
    "JP": ("川崎市", "神奈川県", "210-0007", "駅前本町11-1"),
}

REVIEW_COMMENTS = {
    # A comment typed on two lines keeps its carriage return in the report (see reports/formats.py).
    "en": ["Arrived early.\rGreat quality.", "Exactly as described – thanks!", "Box was damaged but item fine."],
    "de": ["Schnelle Lieferung.\rTolle Qualität.", "Größe passt, gerne wieder.", "Verpackung beschädigt, Ware OK."],
    "fr": ["Très bon produit, livraison rapide.", "Conforme à la description, merci !", "Emballage abîmé."],
    "ja": ["迅速な発送ありがとうございました。", "商品は説明通りでした。", "梱包が少し傷んでいました。"],
}
