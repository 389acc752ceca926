"""Old WordPress addresses as lookup keys, and the lookup itself (one query)."""

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from wordpress.models import LegacyRedirect

# The query parameters WordPress answers on its home page: /?p=12, /?cat=3, /?m=202409 ...
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "m", "feed", "name")
WORDPRESS_HOME = ("/", "/index.php")  # where WordPress reads those parameters
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never part of an address (and PostgreSQL refuses NUL)


def legacy_key(url: str, query: str | None = None) -> str:
    """ "/2024/09/01/slug/" or "/?p=12" for any spelling of an old address (scheme, host, case,
    trailing slash and other parameters do not matter)."""
    parts = urlsplit(CONTROL.sub("", url))
    path = CONTROL.sub("", unquote(parts.path or "/")).lower()
    if not path.startswith("/"):
        path = "/" + path
    last = path.rsplit("/", 1)[-1]
    if "." not in last and not path.endswith("/"):
        path += "/"
    if path not in WORDPRESS_HOME:
        return path
    path = "/"
    params = dict(parse_qsl(parts.query if query is None else query))
    for name in QUERY_KEYS:
        if value := CONTROL.sub("", params.get(name, "")):
            return f"{path}?{name}={value.lower()}"
    return path


def legacy_target(path: str, query: str) -> str | None:
    key = legacy_key(path, query)
    return LegacyRedirect.objects.filter(old_path=key).values_list("new_path", flat=True).first()
