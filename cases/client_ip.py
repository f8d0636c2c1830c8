"""The client's address for the login lockout: REMOTE_ADDR, or what a trusted proxy says it forwarded for."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks() -> list[Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The nearest address that is not a trusted proxy (X-Forwarded-For is read right to left).

    Only the entries our own proxies appended are believed: anything a client puts in the header itself
    is left of them and never reached, unless every proxy hop is trusted.
    """
    remote: str = request.META.get("REMOTE_ADDR", "")  # WSGI environ values are strings
    networks = _networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded_for: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    nearest = remote
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a garbled entry: trust nothing beyond it
        nearest = hop
        if not _is_trusted(hop, networks):
            break
    return nearest
