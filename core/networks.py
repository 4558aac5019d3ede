"""The keyed hash that stands for a visitor's network: the raw address is never kept.

One network is one IPv4 address, or one IPv6 /64 (the block one home or phone is given;
an abuser can take a new address inside it at will, so limits and mutes count the block).
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings

IPV6_NETWORK_PREFIX = 64


def network_of(address: str) -> str:
    """The network `address` belongs to, as text ("203.0.113.7", "2001:db8:1:2::/64")."""
    try:
        parsed = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address.strip()
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_NETWORK_PREFIX}", strict=False))
    return str(parsed)


def network_hash(address: str | None) -> str:
    """A keyed hash of the network an address belongs to: enough to rate-limit or mute one
    network, useless for finding out who it was. Empty when there is no address."""
    if not address:
        return ""
    key = hashlib.sha256(f"network-address:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, network_of(address).encode(), hashlib.sha256).hexdigest()[:32]
