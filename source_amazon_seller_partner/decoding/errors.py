"""What can go wrong while decoding a report document; the report job decides whether to download again."""

class DocumentError(Exception):
    """The document could not be decoded; downloading it again may help."""


class TruncatedDocumentError(DocumentError):
    """The document ended before its end marker (gzip trailer, closing JSON bracket or XML tag)."""


class MalformedDocumentError(DocumentError):
    """The document's bytes are not valid gzip / JSON / XML / text in the declared charset."""


class MissingRecordsError(DocumentError):
    """A JSON report's records path is missing, null or not an array: Amazon changed the document, and
    reading it as "no records" would move the state past data that exists."""


class UnknownCharsetError(ValueError):
    """A Content-Type names a charset that neither Amazon's aliases nor Python's codecs know."""
