"""The signed, expiring token of a confirmation link: made when the email goes out, read when
the link is opened."""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing

from subscribers.models import Subscriber

CONFIRM_SALT = "subscribers.confirm"


def confirm_token_make(*, subscriber: Subscriber) -> str:
    payload = {"id": subscriber.pk, "e": subscriber.email.lower(), "t": round(time.time(), 3)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def confirm_token_read(token: str) -> tuple[int | None, str | None, datetime]:
    """(subscriber id, address, when it was issued); raises signing.SignatureExpired for an
    expired link and signing.BadSignature for any other bad one."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.SUBSCRIBER_CONFIRM_MAX_AGE)
    issued = datetime.fromtimestamp(data.get("t", 0), tz=UTC)
    return data.get("id"), data.get("e"), issued
