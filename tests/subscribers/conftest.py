"""A real SMTP server on loopback (aiosmtpd), subscribers, and a briefing ready to publish."""

import asyncio
import datetime
import email
import email.policy
import socket
import threading
from collections import Counter

import factory
import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from briefing.models import Briefing, BriefingEntry
from subscribers.models import Subscriber


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SinkHandler:
    """Accepts mail like a real server, or answers as told: codes per recipient, dropped links."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[str, bytes]] = []
        self.rcpt_replies: dict[str, str] = {}
        self.rcpt_replies_once: dict[str, str] = {}  # greylisting: refuse once, then accept
        self.drop_on_data: set[int] = set()  # the Nth DATA command (1-based) drops the link
        self.data_commands = 0
        self.delay = 0.0  # seconds per message, to make a send last long enough to interrupt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            reply = self.rcpt_replies.get(address) or self.rcpt_replies_once.pop(address, None)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.data_commands += 1
            drop = self.data_commands in self.drop_on_data
        if drop:
            server.transport.abort()
            return "421 connection dropped"
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content))
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list:
        with self.lock:
            raw = [content for rcpt, content in self.received if rcpt == address]
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def parsed(self) -> list:
        with self.lock:
            received = list(self.received)
        return [(r, email.message_from_bytes(c, policy=email.policy.default)) for r, c in received]

    def counts(self) -> Counter:
        with self.lock:
            return Counter(rcpt for rcpt, _ in self.received)


@pytest.fixture
def smtp_server():
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """Django's SMTP backend pointed at the loopback server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "http://testserver"
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 0
    return smtp_server


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    name = factory.Sequence(lambda n: f"Reader {n}")
    status = Subscriber.Status.ACTIVE
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


@pytest.fixture
def demo_articles(db):
    call_command("loaddata", "demo", verbosity=0)


@pytest.fixture
def draft_briefing(demo_articles):
    """A draft briefing of one section and the seed CNN article, set to email subscribers."""
    briefing = Briefing.objects.create(
        date=datetime.date(2024, 9, 1),
        title="Daily Briefing",
        intro="<p>Good morning &amp; welcome.</p>",
        email_subscribers=True,
    )
    BriefingEntry.objects.create(briefing=briefing, article_id=1, section="Ukraine", position=0)
    return briefing


@pytest.fixture
def published_briefing(draft_briefing):
    draft_briefing.status = Briefing.Status.PUBLISHED
    draft_briefing.published_at = timezone.now()
    draft_briefing.save()
    return draft_briefing
