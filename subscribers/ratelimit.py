"""Signup rate limits kept in the database, so they hold across every gunicorn worker and host.

A limit is "COUNT/SECONDS" (e.g. "3/3600"). Each (key, window) has one counter row, bumped with
an atomic upsert, so concurrent requests never both slip under the limit.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone

from subscribers.models import SignupAttempt

UPSERT = (
    'INSERT INTO {table} ("key", "count", "expires_at") VALUES (%s, 1, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"'
)


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 3600)


def hit(*, scope: str, value: str, rate: str) -> bool:
    """Count one attempt; True while the attempts in this window are within the limit."""
    limit, seconds = parse_rate(rate)
    now = timezone.now().timestamp()
    window = int(now // seconds)
    digest = hashlib.sha256(value.encode()).hexdigest()[:40]  # no addresses kept in this table
    key = f"{scope}:{digest}:{window}"
    expires_at = datetime.fromtimestamp((window + 1) * seconds, tz=UTC)
    table = connection.ops.quote_name(SignupAttempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT.format(table=table), [key, expires_at])
        (count,) = cursor.fetchone()
    return count <= limit


def attempts_purge() -> int:
    cutoff = timezone.now() - timedelta(seconds=1)
    deleted, _ = SignupAttempt.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


# Providers that ignore dots in the local part: one mailbox however the dots are placed.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(email: str) -> str:
    """The mailbox an address reaches, for the per-mailbox limit only (never stored or used to
    send): lower-cased, without a +tag (sub-addressing), and without dots where the provider
    ignores them, so victim+1@, victim+2@ and v.ictim@ all count as one mailbox."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
