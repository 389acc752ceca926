"""Subscribers, their signup attempts, and the delivery of each briefing to each of them."""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscribers who opened their confirmation link and have not left since."""
        return self.filter(status__in=Subscriber.CONFIRMED)

    def mailable(self):
        """The one definition of who receives briefings: confirmed and not paused."""
        return self.filter(status=Subscriber.Status.ACTIVE)

    def awaiting_confirmation(self):
        """Who may be sent a confirmation link: anyone not confirmed (new, gone, bounced)."""
        return self.exclude(status__in=Subscriber.CONFIRMED)

    def receiving(self, kind: str):
        """Who may still receive this kind of email (`Delivery.Kind`) when it goes out: the one
        rule behind the deliveries a send creates and the check made before each message."""
        if kind == Delivery.Kind.CONFIRMATION:
            return self.awaiting_confirmation()
        if kind in (Delivery.Kind.SUBSCRIPTION, Delivery.Kind.WELCOME):
            return self.confirmed()
        return self.mailable()


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    # The one definition of "confirmed": the queryset's confirmed() and is_confirmed use it.
    CONFIRMED = (Status.ACTIVE, Status.PAUSED)

    email = models.EmailField(max_length=254, db_index=True)
    name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # The secret in the subscriber's own links (preferences, unsubscribe); never expires.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounce_count = models.PositiveIntegerField(default=0)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "confirmed_at"], name="subscriber_status_conf")]
        constraints = [
            # Mailboxes are case-insensitive in practice: one subscriber per address, any case.
            models.UniqueConstraint(Lower("email"), name="unique_subscriber_email_ci"),
        ]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("subscribers:preferences", kwargs={"token": self.token})

    def get_unsubscribe_url(self):
        return reverse("subscribers:unsubscribe", kwargs={"token": self.token})

    @property
    def is_confirmed(self) -> bool:
        return self.status in self.CONFIRMED


class SignupAttempt(models.Model):
    """A counter per (address or client, time window), shared by every web worker."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class BriefingSendQuerySet(models.QuerySet):
    def unfinished(self):
        """Sends with a delivery still pending or being sent, oldest first."""
        return self.filter(finished_at__isnull=True).order_by("started_at")


class BriefingSend(models.Model):
    """The mailing of one briefing: its deliveries are the source of truth, not the task queue."""

    briefing = models.OneToOneField(
        "briefing.Briefing", on_delete=models.PROTECT, related_name="email_send"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BriefingSendQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Send of {self.briefing}"


class DeliveryQuerySet(models.QuerySet):
    def claimable(self, now):
        """Due now: pending and past their retry time, or claimed by a worker whose lease ran
        out (it died)."""
        return self.filter(
            models.Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            | models.Q(status=Delivery.Status.SENDING, lease_expires_at__lt=now)
        )

    def unfinished(self):
        return self.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])

    def confirmations(self):
        return self.filter(kind=Delivery.Kind.CONFIRMATION)

    def one_off(self):
        """The emails sent to one subscriber at a time (confirmation, subscription, welcome),
        as opposed to a briefing's send."""
        return self.exclude(kind=Delivery.Kind.BRIEFING)

    def next_due(self):
        """When the next of these becomes claimable (None when nothing is left to do)."""
        unfinished = self.unfinished()
        times = unfinished.aggregate(
            retry=models.Min("next_attempt_at", filter=models.Q(status=Delivery.Status.PENDING)),
            lease=models.Min("lease_expires_at", filter=models.Q(status=Delivery.Status.SENDING)),
        )
        due = [value for value in times.values() if value is not None]
        if not due and unfinished.exists():
            return timezone.now()
        return min(due) if due else None

    def with_eligibility(self):
        """Annotate `eligible`: the subscriber may still receive this kind of email (the rule
        that chose the recipients, checked again just before the message goes out)."""
        subscriber = models.OuterRef("subscriber_id")
        receiving = Subscriber.objects.receiving
        return self.annotate(
            eligible=models.Case(
                *(
                    models.When(
                        models.Q(kind=kind) & models.Exists(receiving(kind).filter(pk=subscriber)),
                        then=True,
                    )
                    for kind in Delivery.Kind.values
                ),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class Delivery(models.Model):
    """One email to one subscriber: a briefing (one row per subscriber of a send), or a one-off
    email (a confirmation request, the "here is your subscription" reminder, the welcome).
    Claimed, sent, retried and recorded by subscribers/delivery.py; the provider's bounce and
    complaint events are recorded on it (subscribers/webhooks.py)."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", "Briefing"
        CONFIRMATION = "confirmation", "Confirmation request"
        SUBSCRIPTION = "subscription", "Here is your subscription"
        WELCOME = "welcome", "Welcome"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (no longer for this subscriber)"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BRIEFING)
    send = models.ForeignKey(
        BriefingSend, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField()
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="unique_send_subscriber"),
            # A briefing's delivery belongs to its send; a one-off email to none.
            models.CheckConstraint(
                condition=models.Q(kind="briefing", send__isnull=False)
                | (~models.Q(kind="briefing") & models.Q(send__isnull=True)),
                name="delivery_kind_send",
            ),
        ]
        indexes = [
            models.Index(fields=["send", "status", "next_attempt_at"], name="delivery_claimable"),
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(kind="confirmation"),
                name="delivery_confirmation_due",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} — {self.get_status_display()}"


class DeliveryEvent(models.Model):
    """What the mail provider reported about an email (a bounce, a complaint, a delivery...),
    through its tracking webhook (subscribers/webhooks.py). A provider retries a webhook until
    it is answered, so each event is kept once, by the provider's own id for it."""

    class Type(models.TextChoices):
        # anymail's normalised event types that change a subscriber, and the rest as "other".
        BOUNCED = "bounced", "Hard bounce"
        DEFERRED = "deferred", "Soft bounce (deferred)"
        REJECTED = "rejected", "Rejected by the provider"
        COMPLAINED = "complained", "Spam complaint"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed at the provider"
        DELIVERED = "delivered", "Delivered"
        OTHER = "other", "Other"

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=12, choices=Type.choices)
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    description = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="unique_provider_event"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} ({self.provider})"
