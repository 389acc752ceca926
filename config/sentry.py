"""Error reports to Sentry, or any server speaking its protocol, when SENTRY_DSN is set.

A report carries the request (route, method, headers without cookies) or the task (its path
and id, from monitoring/signals.py), and never a subscriber's address: the SDK sends no user
data (send_default_pii off), and every string of the event (the exception's message, local
variables, the form's fields, SQL breadcrumbs) has each email address replaced before it
leaves the process, plain or percent-encoded; so has the token of a subscriber's links.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

EMAIL = re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
REDACTED = "[address]"
# A subscriber's link token opens their preferences page (which shows the address): never
# reported either, wherever a URL or path carries it.
LINK_TOKEN = re.compile(r"(/subscription/|/subscribe/confirm/)[^/\s'\"?#]+")
FILTERED = [*DEFAULT_DENYLIST, "csrfmiddlewaretoken", "token"]


def scrub(value):
    """The value with every email address in any string of it (keys too) redacted."""
    if isinstance(value, str):
        return LINK_TOKEN.sub(r"\1[token]", EMAIL.sub(REDACTED, value))
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def before_send(event, hint):
    return scrub(event)


def sentry_init(dsn: str, *, environment: str, release: str):
    """Start reporting; returns the SDK's client (closing it stops reporting, as tests do)."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), LoggingIntegration(event_level="ERROR")],
        # send_default_pii is off by default (no user, no cookies, no client address).
        event_scrubber=EventScrubber(denylist=FILTERED),
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=lambda crumb, hint: scrub(crumb),
        traces_sample_rate=0,
    )
    return sentry_sdk.get_client()
