"""Fetching a page an editor names, safely: the desk's server must not become a way into the
network it sits on.

Only http(s); every address the host name resolves to must be public (not loopback, private,
link-local, multicast, reserved) unless the host is named in INTAKE_ALLOWED_HOSTS; the
connection goes to the address that was checked (no second DNS answer in between); each redirect
is checked the same way; connect and read time out, the whole fetch has a deadline, and the body
is cut off at INTAKE_MAX_BYTES. Every failure is a FetchError whose message an editor can act on.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A page could not be fetched; the message says why, in an editor's words."""


@dataclass
class Page:
    url: str  # after redirects
    status: int
    headers: dict
    body: bytes
    redirects: tuple[int, ...] = ()  # the status of each redirect followed, in order

    @property
    def moved_permanently(self) -> bool:
        """Every redirect on the way was permanent (301, 308): the address itself has moved."""
        return bool(self.redirects) and all(code in PERMANENT for code in self.redirects)

    @property
    def text(self) -> str:
        charset = "utf-8"
        content_type = self.headers.get("content-type", "")
        if "charset=" in content_type:
            charset = content_type.split("charset=")[-1].split(";")[0].strip() or charset
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def user_agent() -> str:
    return getattr(settings, "INTAKE_USER_AGENT", "") or (
        f"{settings.SITE_NAME} excerpt desk (+{settings.SITE_URL})"
    )


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "INTAKE_ALLOWED_HOSTS", [])}


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(host: str, port: int) -> str:
    """The address to connect to, after checking every address the name has."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"The site {host} could not be found (no such host name).") from error
    addresses = [info[4][0] for info in infos]
    if host.lower() not in _allowed_hosts() and not all(_public(a) for a in addresses):
        raise FetchError(f"{host} is an internal address; only public web pages can be imported.")
    return addresses[0]


def _check_url(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("Only http:// and https:// addresses can be imported.")
    if not parts.hostname:
        raise FetchError("That address has no host name.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password cannot be imported.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, path


def fetch(
    url: str,
    *,
    headers: dict | None = None,
    accept: str = "text/html",
    method: str = "GET",
    timeout: float | None = None,
) -> Page:
    """GET (or HEAD) `url` following at most MAX_REDIRECTS checked redirects; raises
    FetchError."""
    timeout = timeout or float(getattr(settings, "INTAKE_TIMEOUT", 10))
    max_bytes = int(getattr(settings, "INTAKE_MAX_BYTES", 5 * 1024 * 1024))
    deadline = time.monotonic() + timeout * 2
    redirects = []
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = _check_url(url)
        address = resolve(host, port)
        default_port = port == (443 if scheme == "https" else 80)
        request_headers = {
            "Host": host if default_port else f"{host}:{port}",
            "User-Agent": user_agent(),
            "Accept": f"{accept},*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
        }
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address, port, server_hostname=host, assert_hostname=host, maxsize=1
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, maxsize=1)
        try:
            response = pool.urlopen(
                method,
                path,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                timeout=urllib3.Timeout(connect=timeout, read=timeout),
            )
            status = response.status
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if status in REDIRECTS and response_headers.get("location"):
                response.drain_conn()
                redirects.append(status)
                url = urljoin(url, response_headers["location"])
                continue
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_large(max_bytes))
            body = bytearray()
            for chunk in response.stream(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(_too_large(max_bytes))
                if time.monotonic() > deadline:
                    raise FetchError(_timed_out(host, timeout))
            response.release_conn()
        except urllib3.exceptions.NewConnectionError as error:
            raise FetchError(f"{host} refused the connection or could not be reached.") from error
        except urllib3.exceptions.TimeoutError as error:
            raise FetchError(_timed_out(host, timeout)) from error
        except urllib3.exceptions.SSLError as error:
            raise FetchError(f"{host}'s secure connection could not be verified.") from error
        except (urllib3.exceptions.HTTPError, OSError) as error:
            reason = error.__class__.__name__
            raise FetchError(f"{host} could not be reached ({reason}).") from error
        finally:
            pool.close()
        return Page(url, status, response_headers, bytes(body), tuple(redirects))
    raise FetchError(f"The page redirects more than {MAX_REDIRECTS} times.")


def _too_large(max_bytes: int) -> str:
    return f"The page is larger than {max_bytes // (1024 * 1024) or 1} MB and was not imported."


def _timed_out(host: str, timeout: float) -> str:
    return f"{host} took longer than {timeout:g} seconds to answer."
