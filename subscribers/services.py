"""Everything with a side effect on subscribers: signup, opt-in, preferences, sends, imports."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import DateTimeField, F, IntegerField, Value
from django.utils import timezone

from briefing.models import Briefing
from subscribers import csv_formats, emails, tasks
from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.tokens import confirm_token_read

logger = logging.getLogger(__name__)

Status = Subscriber.Status


def email_normalize(value: str) -> str:
    """Strip whitespace and lower-case the domain; raise ValidationError if not an address."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    value = f"{local}{at}{domain.lower()}"
    validate_email(value)
    return value


def subscriber_find(*, email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=email).first()


# --- Signup and double opt-in ------------------------------------------------------------------


def subscriber_signup(*, email: str, name: str = "") -> None:
    """Start (or restart) double opt-in. The caller answers the same whatever happens here.

    Every address does the same work in the request, so neither the answer nor its timing
    tells who subscribes: one upsert, one update, one queued email. A new or unconfirmed
    address is sent a confirmation request; a confirmed one, "here is your subscription" with
    its preferences link (a lost link is recovered by signing up again). An unconfirmed request
    never changes what is stored about an address: the name is kept only for a new one.

    The email is a delivery like any other (subscribers/delivery.py): recorded in the signup's
    transaction and sent by the worker, retried while the mail server refuses or is down."""
    name = emails.one_line(name)[:100]
    with transaction.atomic():
        Subscriber.objects.bulk_create([Subscriber(email=email, name=name)], ignore_conflicts=True)
        subscriber = Subscriber.objects.select_for_update().get(email__iexact=email)
        kind = (
            Delivery.Kind.SUBSCRIPTION if subscriber.is_confirmed else Delivery.Kind.CONFIRMATION
        )
        now = timezone.now()
        # A newer request makes the older confirmation links useless (tokens.py: superseded).
        Subscriber.objects.filter(pk=subscriber.pk).update(
            confirmation_sent_at=now, updated_at=now
        )
        one_off_email_queue(subscriber=subscriber, kind=kind, now=now)


def one_off_email_queue(*, subscriber: Subscriber, kind: str, now=None) -> Delivery:
    """Queue one email of this kind to this subscriber; one still waiting to go out (the mail
    server is down) gives way to it."""
    now = now or timezone.now()
    subscriber.deliveries.filter(kind=kind, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SKIPPED, last_error="superseded", updated_at=now
    )
    delivery = Delivery.objects.create(kind=kind, subscriber=subscriber, next_attempt_at=now)
    transaction.on_commit(
        lambda: tasks.confirmation_deliver.enqueue(delivery_id=delivery.pk), robust=True
    )
    return delivery


MS = timedelta(milliseconds=1)  # a link's issue time is kept to the millisecond


@dataclass
class ConfirmResult:
    # "valid" (may be confirmed), "confirmed", "already", "expired", "superseded", "invalid"
    outcome: str
    subscriber: Subscriber | None = None


def confirm_token_check(*, token: str, lock: bool = False) -> ConfirmResult:
    """What a confirmation link is worth now, without changing anything."""
    try:
        subscriber_id, address, issued = confirm_token_read(token)
    except signing.SignatureExpired:
        return ConfirmResult("expired")
    except signing.BadSignature:
        return ConfirmResult("invalid")
    subscribers = Subscriber.objects.select_for_update() if lock else Subscriber.objects
    subscriber = subscribers.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.email.lower() != address:
        return ConfirmResult("invalid")
    if subscriber.is_confirmed:
        return ConfirmResult("already")
    if subscriber.unsubscribed_at and subscriber.unsubscribed_at > issued:
        return ConfirmResult("expired")  # a link from before they unsubscribed
    if subscriber.confirmation_sent_at and subscriber.confirmation_sent_at > issued + MS:
        return ConfirmResult("superseded")  # a newer request was made since
    return ConfirmResult("valid", subscriber)


def subscriber_confirm(*, token: str, name: str | None = None) -> ConfirmResult:
    """Confirm the subscription of a valid link (the POST of the page the link opens). `name`
    is what the person confirmed on that page: a name typed at signup by whoever made the
    request is never used before they saw it."""
    with transaction.atomic():
        result = confirm_token_check(token=token, lock=True)
        if result.outcome != "valid":
            return result
        subscriber = result.subscriber
        if name is not None:
            subscriber.name = emails.one_line(name)[:100]
        subscriber.status = Status.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.bounce_count = 0
        subscriber.save()
        if settings.SUBSCRIBER_WELCOME_EMAIL:
            one_off_email_queue(subscriber=subscriber, kind=Delivery.Kind.WELCOME)
    return ConfirmResult("confirmed", subscriber)


def subscriber_update(*, subscriber: Subscriber, name: str, paused: bool) -> None:
    subscriber.name = emails.one_line(name)[:100]
    if subscriber.is_confirmed:
        subscriber.status = Status.PAUSED if paused else Status.ACTIVE
    subscriber.save(update_fields=["name", "status", "updated_at"])


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Unsubscribe at once; the record stays, so no import or old link silently re-adds them."""
    if subscriber.status == Status.UNSUBSCRIBED:
        return
    subscriber.status = Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])


def subscribers_pending_stale(*, older_than: timedelta):
    """Signups never confirmed (and never subscribed before) older than `older_than`."""
    cutoff = timezone.now() - older_than
    return Subscriber.objects.filter(
        status=Status.PENDING, confirmed_at__isnull=True, created_at__lt=cutoff
    )


def subscribers_purge_pending(*, older_than: timedelta) -> int:
    _, per_model = subscribers_pending_stale(older_than=older_than).delete()
    return per_model.get("subscribers.Subscriber", 0)


# --- Import and export -------------------------------------------------------------------------

EXPORT_FIELDS = ["email", "name", "status", "created_at", "confirmed_at", "unsubscribed_at"]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    kept_unsubscribed: int = 0
    unsubscribed: int = 0  # rows the old list had as unsubscribed, kept so
    bounced: int = 0  # rows the old list had as bounced (Mailchimp's "cleaned"), kept so
    errors: list[str] = field(default_factory=list)


def subscribers_import(*, csv_text: str) -> ImportReport:
    """Add confirmed subscribers from CSV (ours, Gravity Forms or Mailchimp: see
    subscribers/csv_formats.py); never resurrect unsubscribed/bounced, and keep those the old
    list had unsubscribed or bounced in that state."""
    report = ImportReport()
    for line, row in csv_formats.read_rows(csv_text):
        if row.skip:
            report.errors.append(f"line {line}: {row.email!r} skipped: {row.skip}")
            continue
        try:
            address = email_normalize(row.email or "")
        except ValidationError:
            report.errors.append(f"line {line}: {row.email!r} is not an email address")
            continue
        name = emails.one_line(row.name or "")[:100]
        if row.status in (Status.UNSUBSCRIBED, Status.BOUNCED):
            _import_left(address=address, name=name, row=row, report=report)
        else:
            _import_one(address=address, name=name, report=report, at=row.at)
    return report


def _import_left(*, address: str, name: str, row, report: ImportReport) -> None:
    """Someone who left the old list (or whose mail bounced) is never mailed from the new."""
    subscriber = subscriber_find(email=address)
    if subscriber is None:
        subscriber = Subscriber(email=address, name=name)
    if row.status == Status.UNSUBSCRIBED:
        report.unsubscribed += 1
        if subscriber.status == Status.BOUNCED:
            return
    else:
        report.bounced += 1
    subscriber.status = row.status
    subscriber.unsubscribed_at = subscriber.unsubscribed_at or row.at or timezone.now()
    subscriber.save()


def _import_one(*, address: str, name: str, report: ImportReport, at=None) -> None:
    subscriber = subscriber_find(email=address)
    if subscriber is None:
        now = timezone.now()
        Subscriber.objects.create(
            email=address, name=name, status=Status.ACTIVE, confirmed_at=min(at or now, now)
        )
        report.created += 1
    elif subscriber.status in (Status.UNSUBSCRIBED, Status.BOUNCED):
        report.kept_unsubscribed += 1
    else:
        if name and name != subscriber.name:
            subscriber.name = name
            subscriber.save(update_fields=["name", "updated_at"])
        report.updated += 1


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...)).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """The value as a CSV cell that a spreadsheet shows as text, never runs (OWASP's advice:
    a leading apostrophe)."""
    text = str(value or "")
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def subscribers_export_rows(queryset):
    yield EXPORT_FIELDS
    for subscriber in queryset.order_by("pk").iterator(chunk_size=2000):
        yield [csv_cell(getattr(subscriber, name)) for name in EXPORT_FIELDS]


# --- Sending a briefing ------------------------------------------------------------------------


def briefing_send_recipients(*, at=None):
    """The subscribers a send of a briefing made at `at` (now) reaches: those receiving
    briefings and confirmed by then (who confirms later is not part of that send)."""
    at = at or timezone.now()
    return Subscriber.objects.receiving(Delivery.Kind.BRIEFING).filter(confirmed_at__lte=at)


def briefing_send_create(*, briefing: Briefing) -> tuple[BriefingSend, bool]:
    """Create the send and one delivery per subscriber confirmed by now; idempotent.

    The deliveries are inserted by one INSERT ... SELECT over `briefing_send_recipients`, so
    memory stays flat whatever the list's size; subscribers who confirm later are not part of
    this send.
    """
    if not Briefing.objects.published().filter(pk=briefing.pk).exists():
        raise ValueError(f"{briefing} is not published: only published briefings are emailed.")
    with transaction.atomic():
        send, created = BriefingSend.objects.get_or_create(briefing=briefing)
        if created:
            _deliveries_insert(send=send, at=timezone.now())
    return send, created


def _deliveries_insert(*, send: BriefingSend, at) -> None:
    when = Value(at, output_field=DateTimeField())
    columns = {  # delivery column: its value, selected from each recipient's row
        "kind": Value(Delivery.Kind.BRIEFING),
        "send_id": Value(send.pk, output_field=IntegerField()),
        "subscriber_id": F("pk"),
        "status": Value(Delivery.Status.PENDING),
        "attempts": Value(0),
        "last_error": Value(""),
        "created_at": when,
        "updated_at": when,
        "next_attempt_at": when,
        "claim": Value(""),
        "message_id": Value(""),
    }
    aliases = {f"new_{name}": value for name, value in columns.items()}
    rows = briefing_send_recipients(at=at).annotate(**aliases).values_list(*aliases)
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Delivery._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"{select} ON CONFLICT (send_id, subscriber_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def briefing_send_enqueue(*, briefing: Briefing) -> BriefingSend:
    """Create the briefing's send (once) and queue the work that delivers it."""
    send, created = briefing_send_create(briefing=briefing)
    if created or not send.finished_at:
        transaction.on_commit(lambda: tasks.briefing_send_deliver.enqueue(send_id=send.pk))
    return send


def briefing_send_retry_failed(*, send: BriefingSend) -> int:
    """Put failed deliveries back in the queue (bounced/unsubscribed ones are skipped later)."""
    with transaction.atomic():
        count = send.deliveries.filter(status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if count:
            BriefingSend.objects.filter(pk=send.pk).update(finished_at=None)
            transaction.on_commit(lambda: tasks.briefing_send_deliver.enqueue(send_id=send.pk))
    return count


def briefing_send_test(*, briefing: Briefing, email: str, name: str = "") -> None:
    """Send the briefing email, exactly as subscribers get it, to one address (an editor's)."""
    subscriber = emails.sample_subscriber(email=email, name=name)
    emails.BriefingEmail(briefing).message(subscriber).send()
