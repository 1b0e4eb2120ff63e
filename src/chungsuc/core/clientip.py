"""The real client address of a request, behind the README's reverse proxy or not.

`X-Forwarded-For` is a header anyone can send, so it is read only when the connection itself comes
from a trusted proxy (`CHUNGSUC_TRUSTED_PROXIES`: IP addresses or CIDR networks). Then the header is
walked from the right (the entry the nearest proxy appended) past every trusted proxy; the first
address that is not a trusted proxy is the client. Without trusted proxies, or from any other peer, the
connection's own address (`REMOTE_ADDR`) is the client — a forged header changes nothing.

Used by the login throttle (django-axes' `AXES_CLIENT_IP_CALLABLE`) and the public comments' limit.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in spec:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ValueError(f"CHUNGSUC_TRUSTED_PROXIES: not an IP address or network: {item!r}") from None
    return tuple(networks)


def trusted_networks():
    return _networks(tuple(getattr(settings, "CHUNGSUC_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str):
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:5123
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted_proxy(address, networks=None) -> bool:
    networks = trusted_networks() if networks is None else networks
    ip = address if not isinstance(address, str) else _parse(address)
    return ip is not None and any(ip in net for net in networks)


def client_ip(request) -> str:
    """The client's IP address as a string ('' when the connection's address is unknown)."""
    meta = getattr(request, "META", {})
    peer = _parse(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    networks = trusted_networks()
    if not networks or not is_trusted_proxy(peer, networks):
        return str(peer)
    forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    client = peer
    for part in reversed(forwarded):
        ip = _parse(part)
        if ip is None:  # garbage in the header: stop at the last address we could trust
            break
        client = ip
        if not is_trusted_proxy(ip, networks):
            break
    return str(client)
