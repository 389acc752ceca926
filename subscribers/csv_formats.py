"""The subscriber lists people bring, read into one shape.

- ours: `email`, `name` (and, from our own export, `status`, `confirmed_at`,
  `unsubscribed_at`);
- a Gravity Forms entries export (Forms → Import/Export → Export Entries): the form's own
  column labels, "Email" (or any label with "Email"), "Name (First)"/"Name (Last)" or
  "Name", "Entry Date"; an entry in the spam or the trash is not a subscriber;
- a Mailchimp audience export: "Email Address", "First Name", "Last Name", "CONFIRM_TIME" /
  "OPTIN_TIME"; the unsubscribed file (with "UNSUB_TIME") and the cleaned file (with
  "CLEAN_TIME": addresses that bounced) keep those states, as does a "Status" column
  (subscribed, unsubscribed, cleaned, pending ...).
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from subscribers.models import Subscriber

Status = Subscriber.Status
STATUS_WORDS = {
    "subscribed": Status.ACTIVE, "active": Status.ACTIVE, "confirmed": Status.ACTIVE,
    "paused": Status.PAUSED,
    "unsubscribed": Status.UNSUBSCRIBED, "unsubscribe": Status.UNSUBSCRIBED,
    "non-subscribed": Status.UNSUBSCRIBED, "nonsubscribed": Status.UNSUBSCRIBED,
    "cleaned": Status.BOUNCED, "bounced": Status.BOUNCED, "bounce": Status.BOUNCED,
    "pending": Status.PENDING,
}  # fmt: skip
NOT_SUBSCRIBERS = {"spam", "trash", "deleted", "archived"}  # Gravity Forms entry statuses
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %I:%M %p",
                "%m/%d/%Y %H:%M", "%Y-%m-%d", "%m/%d/%Y")  # fmt: skip


@dataclass
class Row:
    email: str
    name: str
    status: str = Status.ACTIVE
    at: datetime.datetime | None = None  # when confirmed, or when unsubscribed/bounced
    skip: str = ""  # why this row is not a subscriber at all


def _when(value: str) -> datetime.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for pattern in DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def _get(row: dict, *names: str) -> str:
    for name in names:
        if row.get(name):
            return row[name].strip()
    return ""


def _full_name(first: str, last: str) -> str:
    return " ".join(part for part in (first, last) if part)


def _mailchimp(row: dict, headers: set[str]) -> Row:
    status = STATUS_WORDS.get(_get(row, "Status", "STATUS", "Email Marketing").lower())
    at = _when(_get(row, "CONFIRM_TIME", "OPTIN_TIME"))
    if "UNSUB_TIME" in headers:
        status, at = Status.UNSUBSCRIBED, _when(row.get("UNSUB_TIME", "")) or at
    elif "CLEAN_TIME" in headers:
        status, at = Status.BOUNCED, _when(row.get("CLEAN_TIME", "")) or at
    name = _full_name(_get(row, "First Name", "FNAME"), _get(row, "Last Name", "LNAME"))
    return Row(row.get("Email Address", ""), name, status or Status.ACTIVE, at)


def _gravity_forms(row: dict, email_column: str) -> Row:
    name = _get(row, "Name") or _full_name(_get(row, "Name (First)"), _get(row, "Name (Last)"))
    entry_status = _get(row, "Status", "Entry Status").lower()
    skip = f"an entry in the {entry_status}" if entry_status in NOT_SUBSCRIBERS else ""
    at = _when(_get(row, "Entry Date"))
    return Row(row.get(email_column, ""), name, Status.ACTIVE, at, skip)


def _ours(row: dict) -> Row:
    status = STATUS_WORDS.get(_get(row, "status").lower(), Status.ACTIVE)
    left = status in (Status.UNSUBSCRIBED, Status.BOUNCED)
    at = _when(_get(row, "unsubscribed_at" if left else "confirmed_at"))
    return Row(row.get("email") or "", row.get("name") or "", status, at)


def _unconfirmed(row: Row) -> Row:
    # Someone who never confirmed on the old list has not opted in: not imported.
    if row.status == Status.PENDING:
        row.skip = "never confirmed on the old list"
    return row


def read_rows(csv_text: str) -> Iterator[tuple[int, Row]]:
    """(line number, row) of each subscriber row, whichever of the formats the file is."""
    reader = csv.DictReader(io.StringIO(csv_text))
    headers = {name.strip() for name in reader.fieldnames or [] if name}
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    email_columns = [name for name in reader.fieldnames if "email" in name.lower()]
    if "Entry Id" in headers and email_columns:
        read = lambda row: _gravity_forms(row, email_columns[0])  # noqa: E731
    elif "Email Address" in headers:
        read = lambda row: _mailchimp(row, headers)  # noqa: E731
    else:
        read = _ours
    for line, row in enumerate(reader, start=2):
        yield line, _unconfirmed(read(row))
