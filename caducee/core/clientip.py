"""The client's address, as recorded in the audit trail and used by the
brute-force protection.

Behind a reverse proxy, REMOTE_ADDR is the proxy. X-Forwarded-For is believed
only when the request comes from a proxy listed in CADUCEE_TRUSTED_PROXIES,
and then only up to the first address that is not itself a trusted proxy
(read from the right), so a client cannot forge its address by sending the
header itself.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in getattr(settings, "CADUCEE_TRUSTED_PROXIES", []):
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for candidate in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return remote  # a malformed chain: fall back to what we know
        if not _trusted(candidate):
            return candidate
    return remote
