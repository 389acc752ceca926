"""Email settings from EMAIL_URL (one variable) or the individual EMAIL_* variables."""

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {
    "smtp": {},
    "smtp+tls": {"EMAIL_USE_TLS": True},
    "submission": {"EMAIL_USE_TLS": True},
    "smtp+ssl": {"EMAIL_USE_SSL": True},
    "smtps": {"EMAIL_USE_SSL": True},
}


def email_settings(environ: Mapping[str, str], *, debug: bool) -> dict:
    """Return the Django EMAIL_* settings for this environment."""
    url = environ.get("EMAIL_URL", "")
    if url:
        return _from_url(url)
    default_backend = (
        "django.core.mail.backends.console.EmailBackend"
        if debug
        else "django.core.mail.backends.smtp.EmailBackend"
    )
    return {
        "EMAIL_BACKEND": environ.get("EMAIL_BACKEND", default_backend),
        "EMAIL_HOST": environ.get("EMAIL_HOST", "localhost"),
        "EMAIL_PORT": int(environ.get("EMAIL_PORT", "25")),
        "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": environ.get("EMAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "EMAIL_USE_SSL": environ.get("EMAIL_USE_SSL", "").lower() in {"1", "true", "yes"},
        "EMAIL_TIMEOUT": int(environ.get("EMAIL_TIMEOUT", "30")),
    }


def _from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in SCHEMES:
        raise ValueError(f"EMAIL_URL scheme {parts.scheme!r} is not one of {sorted(SCHEMES)}")
    query = parse_qs(parts.query)
    settings = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme in {"smtp+ssl", "smtps"} else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": int(query.get("timeout", ["30"])[0]),
    }
    settings.update(SCHEMES[parts.scheme])
    return settings
