"""Product data: the seller's listings, their catalog items and stock, joined per SKU and marketplace.

Three streams use this package (see docs/product-data.md):
- ListingsItems is declarative; `SellerMarketplacePartitionRouter` only makes sure a seller id exists
  before its first request (searchListingsItems takes the seller id in its path).
- CatalogItems is declarative; `ListingAsinPartitionRouter` pages through the seller's listings of
  each marketplace and yields batches of at most 20 ASINs, one marketplace per batch, because
  searchCatalogItems accepts 20 identifiers and one marketplace per call.
- Products is `ProductsRetriever`: per listings page (at most 20 SKUs) one catalog call for their
  ASINs and one FBA inventory call for their SKUs, then one joined record per SKU. Only one page and
  its lookups are held at a time.

Every HTTP call goes through the sync's transport (transport.py): its LWA token, token buckets and the
manifest's error handler, whose messages name the stream's API and role.

calls.py       the Amazon calls (paged) and the seller id they need
records.py     reading Amazon's records; the Products join
components.py  the partition routers and the Products retriever the manifest names
"""
