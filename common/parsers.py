"""A JSON body parser with bounds: too deep or too large is a 400, never a 500.

Python's ``json`` recurses once per level of nesting, so a body of a hundred thousand ``[``
exhausts the stack (``RecursionError``, a 500) well inside the upload size limit. No body the
API takes nests more than a few levels, so anything past ``MAX_DEPTH`` is refused before it
is decoded, and a body over ``MAX_BYTES`` is refused before it is read.
"""

from __future__ import annotations

import io

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
MAX_BYTES = 1024 * 1024


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without decoding it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies over ``MAX_BYTES`` or nested over ``MAX_DEPTH``."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BYTES:
            raise ParseError(f"The JSON body is larger than {MAX_BYTES // 1024} KB.")
        if nesting_depth(raw) > MAX_DEPTH:
            raise ParseError(f"The JSON body nests deeper than {MAX_DEPTH} levels.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
