"""Reports 2021-06-30: the lifecycle (lifecycle.py, scheduled.py), the report-type table in Amazon's
formats (definitions.py, types_*.py, catalog.py) and the documents (rows, values, formats, tsv,
json_writer, xml_writer, documents, large)."""
