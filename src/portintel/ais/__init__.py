"""Vectorised NMEA 0183 AIS decoding whose output equals pyais's, field by field.

``decode_lines`` decodes a batch of lines, ``StreamDecoder`` a stream fed in
batches (multi-part groups may span batches). Both return a
:class:`DecodedBatch`: one Polars table per message type with pyais's column
names, plus the rejected lines with their reason and the unsupported types
kept raw.
"""

from portintel.ais.decoder import (
    DecodedBatch,
    StreamDecoder,
    decode_bytes,
    decode_lines,
)
from portintel.ais.fields import DECODED_TYPES
from portintel.ais.framing import NATIVE_AVAILABLE, Engine
from portintel.ais.messages import message_schema

__all__ = [
    "DECODED_TYPES",
    "NATIVE_AVAILABLE",
    "DecodedBatch",
    "Engine",
    "StreamDecoder",
    "decode_bytes",
    "decode_lines",
    "message_schema",
]
