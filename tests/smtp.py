"""A real SMTP server's handler for aiosmtpd, on loopback: it accepts mail like a server, or
answers as a test tells it (codes per recipient, greylisting, dropped connections, slowness).
The `smtp_server` and `smtp` fixtures (tests/conftest.py) run it."""

import asyncio
import email
import email.policy
import threading
from collections import Counter


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
