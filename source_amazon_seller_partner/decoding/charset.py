"""Which codec decodes a flat file: the Content-Type's charset, or the marketplace's usual one."""

from __future__ import annotations

import codecs
from typing import Optional

from ..marketplaces import BY_ID
from .errors import UnknownCharsetError

# Amazon writes Java charset names; the values are Python codec names.
_JAVA_CHARSET_ALIASES = {
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "iso8859_1": "latin-1",
    "latin1": "latin-1",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    # Amazon JP files labelled Shift_JIS contain Microsoft's extensions (e.g. circled digits,
    # NEC special characters) that strict shift_jis rejects; cp932 is the superset.
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "cp932": "cp932",
}


def declared_charset(content_type: str | None) -> Optional[str]:
    """The Python codec the Content-Type names, or None when it names none (`text/plain` alone:
    Amazon sends settlement and returns documents that way, UTF-8 and Cp1252 bodies alike)."""
    if content_type:
        for parameter in content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            charset = value.strip().strip("\"'").strip()
            if name.strip().lower() == "charset" and charset:
                return _python_codec_name(charset)
    return None


def charset_from_content_type(content_type: str | None, default: str = "cp1252") -> str:
    """Return the Python codec name for the charset of an HTTP ``Content-Type`` header.

    ``text/plain; charset=Cp1252`` -> ``cp1252``. Without a charset parameter (or without a header)
    the ``default`` is returned: SP-API flat files are Cp1252 unless they say otherwise.

    A charset that is named but unknown raises ``UnknownCharsetError`` rather than falling back:
    decoding with a guessed charset would corrupt text silently, and Amazon uses only a handful
    of charsets, so a new one should be noticed and added here.
    """
    return declared_charset(content_type) or _python_codec_name(default)


def _python_codec_name(charset: str) -> str:
    alias = _JAVA_CHARSET_ALIASES.get(charset.lower())
    if alias:
        return alias
    try:
        return codecs.lookup(charset).name
    except LookupError:
        raise UnknownCharsetError(f"Unknown charset {charset!r} in the report's Content-Type") from None


def marketplace_charset(marketplace_id: Optional[str]) -> str:
    """Python codec for a marketplace's flat files when Content-Type names no charset."""
    name = BY_ID[marketplace_id].default_charset if marketplace_id in BY_ID else "cp1252"
    return _python_codec_name(name)
