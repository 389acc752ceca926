"""The one send path of every email to subscribers: claim, send, record, retry, bounce.

Each email is a `Delivery` row: a briefing's send has one per subscriber, each confirmation
request is one. The rows are the source of truth, not the task queue. A worker claims due rows
with SELECT ... FOR UPDATE SKIP LOCKED and a lease, hands each message to Django's mail backend
(SMTP in production, the console in development) over one connection per batch, and records
the answer the moment it comes: a worker killed with SIGKILL leaves at most the message it had
in flight ambiguous. Temporary failures (4xx, a server that is down or drops the connection)
are retried with exponential backoff; permanent ones (5xx) are recorded and count towards a
bounce. When a lease runs out, another worker takes the rest of the batch over.
"""

import contextlib
import logging
import os
import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core import metrics
from core.pipeline import OrderedWriter
from subscribers.emails import (
    BriefingEmail,
    confirmation_message,
    subscription_message,
    welcome_message,
)
from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.tokens import confirm_token_make

logger = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
Compose = Callable[[Delivery], EmailMessage]


class ConnectionLost(Exception):
    """The SMTP connection failed: the rest of the batch goes back to the queue."""


class ClaimLost(Exception):
    """Our lease ran out and another worker took the batch over: stop sending it."""


SKIPPED_BECAUSE = {
    Delivery.Kind.BRIEFING: "not subscribed",
    Delivery.Kind.CONFIRMATION: "already confirmed",
    Delivery.Kind.SUBSCRIPTION: "not subscribed",
    Delivery.Kind.WELCOME: "not subscribed",
}


def deliveries_claim(*, deliveries: QuerySet, batch_size: int) -> tuple[str, list[Delivery]]:
    """Claim up to batch_size due deliveries (and expired claims of dead workers)."""
    now = timezone.now()
    claim = f"{WORKER_ID}:{uuid.uuid4().hex[:12]}"
    with transaction.atomic():
        ids = list(
            deliveries.claimable(now)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:batch_size]
        )
        # The rows are locked; the condition is checked again so that a claim only ever takes
        # rows that are still claimable.
        Delivery.objects.claimable(now).filter(id__in=ids).update(
            status=Delivery.Status.SENDING,
            claim=claim,
            lease_expires_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
            updated_at=now,
        )
    batch = Delivery.objects.filter(claim=claim, status=Delivery.Status.SENDING)
    return claim, list(batch.with_eligibility().select_related("subscriber").order_by("id"))


def backoff(attempts: int) -> timedelta:
    seconds = settings.DELIVERY_RETRY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, 3600))


class Recorder:
    """Records each result of one claimed batch, each in its own commit, through the writer
    (pipelined: written while the next message goes out); notices when another worker took
    the claim over."""

    def __init__(self, claim: str, writer: OrderedWriter):
        self.claim = claim
        self.writer = writer
        self.lost = False
        self.renew_at = time.monotonic() + settings.DELIVERY_LEASE_SECONDS / 3

    def submit(self, write) -> None:
        def guarded():
            try:
                write()
            except ClaimLost:
                self.lost = True

        self.writer.submit(guarded)

    def _update(self, delivery: Delivery, **fields) -> None:
        now = timezone.now()
        mine = Delivery.objects.filter(pk=delivery.pk, claim=self.claim, status="sending")
        if not mine.update(updated_at=now, lease_expires_at=None, **fields):
            raise ClaimLost("claim taken over by another worker (lease expired)")
        if "status" in fields:
            metrics.DELIVERIES_RECORDED.labels(delivery.kind, fields["status"]).inc()
        if time.monotonic() > self.renew_at:
            self.renew_lease()

    def renew_lease(self) -> None:
        lease = timezone.now() + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
        Delivery.objects.filter(claim=self.claim, status="sending").update(lease_expires_at=lease)
        self.renew_at = time.monotonic() + settings.DELIVERY_LEASE_SECONDS / 3

    def sent(self, delivery: Delivery, message_id: str) -> None:
        fields = {
            "status": Delivery.Status.SENT,
            "sent_at": timezone.now(),
            "attempts": F("attempts") + 1,
            "message_id": message_id,
            "last_error": "",
        }

        def write():
            self._update(delivery, **fields)
            if delivery.subscriber.bounce_count:
                Subscriber.objects.filter(pk=delivery.subscriber_id).update(bounce_count=0)

        self.submit(write)

    def skipped(self, delivery: Delivery) -> None:
        fields = {"status": Delivery.Status.SKIPPED, "last_error": SKIPPED_BECAUSE[delivery.kind]}
        self.submit(lambda: self._update(delivery, **fields))

    def temporary(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts + 1
        if attempts >= settings.DELIVERY_MAX_ATTEMPTS:
            self.permanent(delivery, f"gave up after {attempts} attempts: {error}", bounce=False)
            return
        fields = {
            "status": Delivery.Status.PENDING,
            "attempts": attempts,
            "last_error": error[:1000],
            "next_attempt_at": timezone.now() + backoff(attempts),
        }
        self.submit(lambda: self._update(delivery, **fields))

    def permanent(self, delivery: Delivery, error: str, *, bounce: bool = True) -> None:
        fields = {
            "status": Delivery.Status.FAILED,
            "attempts": delivery.attempts + 1,
            "last_error": error[:1000],
        }

        def write():
            self._update(delivery, **fields)
            if bounce:
                subscriber_bounce(subscriber_id=delivery.subscriber_id)

        self.submit(write)

    def release(self) -> None:
        """Give the rest of the batch back, untouched, for the next claim."""
        mine = Delivery.objects.filter(claim=self.claim, status="sending")
        pending = {"status": Delivery.Status.PENDING, "lease_expires_at": None}
        self.submit(lambda: mine.update(**pending))


def subscriber_bounce(*, subscriber_id: int) -> None:
    """Count a permanent failure; past the threshold the address is no longer mailed."""
    subscribers = Subscriber.objects.filter(pk=subscriber_id)
    subscribers.update(bounce_count=F("bounce_count") + 1)
    subscribers.confirmed().filter(bounce_count__gte=settings.SUBSCRIBER_BOUNCE_THRESHOLD).update(
        status=Subscriber.Status.BOUNCED
    )


def smtp_error(exc: Exception) -> tuple[bool, str]:
    """(permanent?, description) of an SMTP error; raise ConnectionLost for connection faults."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return code >= 500, f"{code} {text.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        raise ConnectionLost(f"sender refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return exc.smtp_code >= 500, f"{exc.smtp_code} {text}"
    raise ConnectionLost(f"{type(exc).__name__}: {exc}") from exc


def batch_send(
    *, compose: Compose, connection, claim: str, batch: list, writer: OrderedWriter
) -> int:
    """Send one claimed batch over one connection; return how many deliveries were settled."""
    recorder = Recorder(claim, writer)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("SMTP server unavailable: %s", exc)
        connection_reset(connection)
        for delivery in batch:  # every attempt counts, so an outage ends in backoff, not a spin
            recorder.temporary(delivery, f"connect: {type(exc).__name__}: {exc}")
        return len(batch)
    for done, delivery in enumerate(batch):
        if recorder.lost:
            logger.warning("delivery batch abandoned: claim taken over (lease expired)")
            return done
        try:
            if delivery.eligible:
                deliver_one(compose(delivery), connection, recorder, delivery)
            else:
                recorder.skipped(delivery)
        except (ConnectionLost, smtplib.SMTPException, OSError) as exc:
            logger.warning("SMTP connection lost: %s", exc)
            connection_reset(connection)
            recorder.temporary(delivery, f"{type(exc).__name__}: {exc}")
            recorder.release()
            return done + 1
    return len(batch)


def deliver_one(message: EmailMessage, connection, recorder: Recorder, delivery) -> None:
    """Hand one message to the open connection and record the server's answer."""
    try:
        accepted = connection.send_messages([message])
    except smtplib.SMTPException as exc:
        permanent, error = smtp_error(exc)  # raises ConnectionLost for connection faults
        if permanent:
            recorder.permanent(delivery, error)
        else:
            recorder.temporary(delivery, error)
        return
    except ValueError as exc:  # an address Django cannot put in a header
        recorder.permanent(delivery, f"invalid address: {exc}")
        return
    if not accepted:
        recorder.temporary(delivery, "the mail backend accepted nothing")
        return
    recorder.sent(delivery, message.extra_headers.get("Message-ID", ""))


def connection_reset(connection) -> None:
    """Close a connection that failed; the next batch opens a new one."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def deliveries_send(
    *,
    deliveries: QuerySet,
    compose: Compose,
    progress: Callable[[int], None] | None = None,
    deadline: float | None = None,
) -> None:
    """Send every due delivery of `deliveries`, batch after batch, until none is claimable
    (or, given a time.monotonic() deadline, until it has passed)."""
    connection = get_connection()
    # Inside a transaction (a caller's, or a test's) another connection could not see the rows.
    pipelined = settings.DELIVERY_PIPELINE_WRITES and not db_connection.in_atomic_block
    writer = OrderedWriter(threaded=pipelined)
    try:
        while deadline is None or time.monotonic() < deadline:
            claim, batch = deliveries_claim(
                deliveries=deliveries, batch_size=settings.DELIVERY_BATCH_SIZE
            )
            if not batch:
                break
            settled = batch_send(
                compose=compose, connection=connection, claim=claim, batch=batch, writer=writer
            )
            writer.flush()  # every result of the batch is written before the next claim
            if progress:
                progress(settled)
    finally:
        connection_reset(connection)
        writer.close()


def send_deliver(
    *, send_id: int, progress: Callable[[int], None] | None = None, deadline: float | None = None
) -> None:
    """Deliver everything of this briefing's send that is due now."""
    send = BriefingSend.objects.select_related("briefing").get(pk=send_id)
    email = BriefingEmail(send.briefing)  # rendered once for the whole send
    deliveries_send(
        deliveries=send.deliveries.all(),
        compose=lambda delivery: email.message(delivery.subscriber),
        progress=progress,
        deadline=deadline,
    )
    send_finish_if_complete(send_id=send_id)


def one_off_compose(delivery: Delivery) -> EmailMessage:
    subscriber = delivery.subscriber
    if delivery.kind == Delivery.Kind.SUBSCRIPTION:
        return subscription_message(subscriber=subscriber)
    if delivery.kind == Delivery.Kind.WELCOME:
        return welcome_message(subscriber=subscriber)
    # Signed when it goes out: the link's age counts from the email, not from the signup.
    token = confirm_token_make(subscriber=subscriber)
    return confirmation_message(subscriber=subscriber, token=token)


def confirmations_deliver(*, delivery_ids=None, deadline: float | None = None) -> None:
    """Send the due one-off emails: confirmation requests, subscription reminders, welcomes
    (only these, given their ids)."""
    deliveries = Delivery.objects.one_off()
    if delivery_ids is not None:
        deliveries = deliveries.filter(pk__in=delivery_ids)
    deliveries_send(deliveries=deliveries, compose=one_off_compose, deadline=deadline)


def send_finish_if_complete(*, send_id: int) -> bool:
    """A send is complete only when none of its deliveries is pending or being sent."""
    if Delivery.objects.filter(send_id=send_id).unfinished().exists():
        return False
    BriefingSend.objects.filter(pk=send_id, finished_at__isnull=True).update(
        finished_at=timezone.now()
    )
    return True
