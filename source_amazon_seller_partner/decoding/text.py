"""Bytes to text lines for flat files: split on LF only, one codec with a fallback, bad bytes replaced.

Why not io.TextIOWrapper: its line iteration also ends lines at a bare CR (Amazon's comment fields
carry those), and one undecodable byte fails the whole document; a stream whose window fails the same
way at every sync never moves again. Here a line decodes on its own, so one bad line costs one
replaced character, logged with the report and the line number.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterator
from typing import BinaryIO, List, Optional

from .binary import READ_CHUNK_BYTES

logger = logging.getLogger("airbyte")

LOGGED_LINES = 5  # replaced lines logged one by one per document; the rest are counted


class DecodedLines:
    """Iterate the text lines of a flat file (LF kept off; CRs are left to the row splitter).

    Blocks of READ_CHUNK_BYTES are cut after their last LF and decoded in one call with
    ``primary``; only a block that fails is decoded line by line: ``primary``, then ``fallback``,
    then the last of those two with undecodable bytes replaced. Cutting at LF is safe for the
    codecs Amazon uses (UTF-8, Cp1252, ISO-8859-1, Shift_JIS/cp932): none has 0x0A inside a
    character. Not thread-safe (one per document).
    """

    def __init__(self, binary: BinaryIO, primary: str, fallback: Optional[str], source: str) -> None:
        self._binary = binary
        self._primary = primary
        self._fallback = fallback if fallback and fallback != primary else None
        self._source = source
        self._replaced: List[int] = []
        self._fallback_lines = 0

    @staticmethod
    def codec_name(charset: str) -> str:
        return codecs.lookup(charset).name

    def close(self) -> None:
        self._binary.close()

    def __iter__(self) -> Iterator[str]:
        read = self._binary.read
        pending = b""
        number = 0  # lines yielded so far (the header is line 1)
        while True:
            chunk = read(READ_CHUNK_BYTES)
            if not chunk:
                break
            if pending:
                chunk = pending + chunk
            cut = chunk.rfind(b"\n") + 1
            if not cut:
                pending = chunk
                continue
            pending = chunk[cut:]
            block = chunk[:cut]
            try:
                lines = block.decode(self._primary).split("\n")
            except UnicodeDecodeError:
                lines = [self._line(raw, number + position) for position, raw in enumerate(block.split(b"\n"), start=1)]
            lines.pop()  # what follows the block's last LF: nothing
            number += len(lines)
            yield from lines
        if pending:
            try:
                yield pending.decode(self._primary)
            except UnicodeDecodeError:
                yield self._line(pending, number + 1)
        self._summarise()

    def _line(self, raw: bytes, number: int) -> str:
        try:
            return raw.decode(self._primary)
        except UnicodeDecodeError:
            pass
        if self._fallback:
            try:
                text = raw.decode(self._fallback)
            except UnicodeDecodeError:
                pass
            else:
                self._fallback_lines += 1
                return text
        codec = self._fallback or self._primary
        self._replaced.append(number)
        if len(self._replaced) <= LOGGED_LINES:
            logger.warning(
                "%s: line %d is not valid %s text; its undecodable bytes were replaced with U+FFFD and the "
                "rest of the line is kept.", _capitalised(self._source), number, codec,
            )
        return raw.decode(codec, errors="replace")

    def _summarise(self) -> None:
        if len(self._replaced) > LOGGED_LINES:
            logger.warning("%s: %d lines in all had undecodable bytes replaced.", _capitalised(self._source), len(self._replaced))
        if self._fallback_lines:
            logger.info(
                "%s: %d lines are not %s and were read as %s.",
                _capitalised(self._source), self._fallback_lines, self._primary, self._fallback,
            )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
