"""The client's address, as the proxy in front of gunicorn saw it.

Behind our proxy (BEHIND_PROXY, the default) REMOTE_ADDR is the proxy itself, and the proxy
appends the address it saw to X-Forwarded-For. Everything left of that entry was sent by the
client and proves nothing, so the client is the right-most entry after skipping TRUSTED_PROXY_COUNT
further proxies of ours (a CDN in front of the proxy). Login throttling (django-axes) and the
signup limits both use this one function, so neither can be dodged with a forged header.
"""

from ipaddress import ip_address

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    if not settings.BEHIND_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    index = len(hops) - 1 - settings.TRUSTED_PROXY_COUNT
    if index < 0:  # fewer hops than our own proxies: the request did not come through them
        return hops[0] if hops and _valid(hops[0]) else remote
    return hops[index] if _valid(hops[index]) else remote


def _valid(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True
