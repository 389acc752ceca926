"""A send's progress as editors see it: counts, rate, estimated finish, failures by reason.

Never an address: the editors' desk shows no subscriber's email. Failure reasons are the SMTP
answers with any address in them replaced, so that "550 <a@b.org> unknown" and
"550 <c@d.org> unknown" count as one reason.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Func, Max, Min, Q, Value
from django.db.models.functions import Left, Replace
from django.utils import timezone

from subscribers.models import BriefingSend, Delivery

ADDRESS_PATTERN = r"[^\s<>@\"'(),;:]+@[^\s<>@\"'(),;:]+"
REDACTED = "an address"


class RegexpReplace(Func):
    function = "REGEXP_REPLACE"
    output_field = CharField()

    def __init__(self, expression, pattern: str, replacement: str):
        super().__init__(expression, Value(pattern), Value(replacement), Value("g"))


@dataclass
class SendProgress:
    state: str
    counts: list[tuple[str, int]]
    total: int
    done: int
    per_minute: float | None = None
    finishes_at: datetime.datetime | None = None
    failures: list[tuple[str, int]] = field(default_factory=list)
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def failure_reasons(send: BriefingSend, limit: int = 20) -> list[tuple[str, int]]:
    """The most frequent failure reasons, addresses replaced (one query)."""
    reason = Left(RegexpReplace("last_error", ADDRESS_PATTERN, REDACTED), 200)
    rows = (
        send.deliveries.filter(status=Delivery.Status.FAILED)
        .annotate(reason=Replace(reason, Value("\n"), Value(" ")))
        .values("reason")
        .annotate(n=Count("id"))
        .order_by("-n", "reason")[:limit]
    )
    return [(row["reason"] or "no reason recorded", row["n"]) for row in rows]


def send_progress(send: BriefingSend) -> SendProgress:
    """Three queries whatever the size of the send."""
    sent = Q(status=Delivery.Status.SENT)
    figures = send.deliveries.aggregate(
        total=Count("id"),
        first=Min("sent_at", filter=sent),
        last=Max("sent_at", filter=sent),
        **{value: Count("id", filter=Q(status=value)) for value in Delivery.Status.values},
    )
    counts = [(label, figures[value]) for value, label in Delivery.Status.choices]
    remaining = figures[Delivery.Status.PENDING] + figures[Delivery.Status.SENDING]
    progress = SendProgress(
        state=_state(send, figures, remaining),
        counts=counts,
        total=figures["total"],
        done=figures["total"] - remaining,
        started_at=send.started_at,
        finished_at=send.finished_at,
        failures=failure_reasons(send) if figures[Delivery.Status.FAILED] else [],
    )
    span = (figures["last"] - figures["first"]).total_seconds() if figures["first"] else 0
    if span > 0:
        progress.per_minute = figures[Delivery.Status.SENT] * 60 / span
        if remaining:
            seconds = remaining * 60 / progress.per_minute
            progress.finishes_at = timezone.now() + datetime.timedelta(seconds=seconds)
    return progress


def _state(send: BriefingSend, figures: dict, remaining: int) -> str:
    if send.finished_at or (figures["total"] and not remaining):
        return "Finished"
    if not figures["total"]:
        return "No subscribers to email"
    if figures[Delivery.Status.SENT] or figures[Delivery.Status.SENDING]:
        return "Sending"
    return "Queued"
