"""Compression of agents' payloads, read without trusting their size.

FusionInventory and GLPI agents send zlib (RFC 1950), gzip (RFC 1952) or
plain bodies, and read the reply's compression from its first bytes
(``78 9C`` zlib, ``1F 8B 08`` gzip; REFERENCE.md "Inventory agents"). The
``Content-Type`` they set is not always the truth, so the body's own magic
bytes decide here too, and the reply is compressed the way the request was.

A small compressed body can inflate to gigabytes (a "zip bomb"):
decompression is streamed with an output cap, so at most ``limit + 1``
bytes are ever produced before the payload is refused.
"""

from __future__ import annotations

import gzip
import zlib
from enum import StrEnum

from django.utils.translation import gettext as _

from caducee.cmdb.inventory.errors import PayloadError, PayloadTooLarge


class Compression(StrEnum):
    NONE = "none"
    ZLIB = "zlib"
    GZIP = "gzip"

    @property
    def content_type(self) -> str | None:
        """The Content-Type announcing a compressed body (None when plain)."""
        return {
            Compression.ZLIB: "application/x-compress-zlib",
            Compression.GZIP: "application/x-compress-gzip",
        }.get(self)


def detect(data: bytes) -> Compression:
    """Recognise a compressed body by its header, whatever its Content-Type."""
    if data[:3] == b"\x1f\x8b\x08":
        return Compression.GZIP
    # A zlib header: deflate with a 32 KiB window (0x78), and a check value
    # making the first two bytes a multiple of 31 (RFC 1950 §2.2).
    if len(data) >= 2 and data[0] == 0x78 and (data[0] << 8 | data[1]) % 31 == 0:
        return Compression.ZLIB
    return Compression.NONE


def decompress(data: bytes, *, limit: int) -> tuple[bytes, Compression]:
    """Inflate ``data`` if compressed; refuse more than ``limit`` bytes out."""
    kind = detect(data)
    if kind is Compression.NONE:
        if len(data) > limit:
            raise PayloadTooLarge(
                _("The payload is larger than %(limit)s bytes.") % {"limit": limit}
            )
        return data, kind
    inflater = zlib.decompressobj(31 if kind is Compression.GZIP else 15)
    out = bytearray()
    pending = data
    try:
        while pending and not inflater.eof:
            # max_length is at least 1 here: 0 would mean "no limit" to zlib.
            out += inflater.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                raise PayloadTooLarge(
                    _("The payload inflates to more than %(limit)s bytes.") % {"limit": limit}
                )
            pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise PayloadError(
            _("The %(kind)s-compressed payload is corrupt: %(error)s")
            % {"kind": kind.value, "error": exc}
        ) from None
    if not inflater.eof:
        raise PayloadError(
            _("The %(kind)s-compressed payload is truncated.") % {"kind": kind.value}
        )
    return bytes(out), kind


def compress(data: bytes, kind: Compression) -> bytes:
    """Compress a reply the way the agent compressed its request."""
    if kind is Compression.ZLIB:
        return zlib.compress(data)
    if kind is Compression.GZIP:
        return gzip.compress(data)
    return data
