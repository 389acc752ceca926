"""Old WordPress addresses as lookup keys, and the lookup itself (one query)."""

from urllib.parse import parse_qsl, unquote, urlsplit

# The query parameters WordPress answers on its home page: /?p=12, /?cat=3, /?m=202409 ...
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "m", "feed", "name")


def legacy_key(url: str, query: str | None = None) -> str:
    """ "/2024/09/01/slug/" or "/?p=12" for any spelling of an old address (scheme, host, case,
    trailing slash and other parameters do not matter)."""
    parts = urlsplit(url)
    path = unquote(parts.path or "/").lower()
    if not path.startswith("/"):
        path = "/" + path
    last = path.rsplit("/", 1)[-1]
    if "." not in last and not path.endswith("/"):
        path += "/"
    params = dict(parse_qsl(parts.query if query is None else query))
    for name in QUERY_KEYS:
        if params.get(name):
            return f"{path}?{name}={params[name].lower()}"
    return path


def legacy_target(path: str, query: str) -> str | None:
    from wordpress.models import LegacyRedirect

    key = legacy_key(path, query)
    return LegacyRedirect.objects.filter(old_path=key).values_list("new_path", flat=True).first()
