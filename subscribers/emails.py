"""The emails subscribers receive: the confirmation request and the briefing itself.

A briefing is rendered (and its CSS inlined) once per send; each subscriber's copy then only
swaps in their greeting and their own links, so a send of 100,000 costs one render.
"""

import binascii
import re
import textwrap
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from html import unescape
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.text import slugify

from articles.models import Article
from briefing.models import Briefing
from subscribers.models import Subscriber

# Placeholders survive template escaping and CSS inlining (no <, >, &, quotes in them).
GREETING = "@@greeting@@"
UNSUBSCRIBE_URL = "@@unsubscribe_url@@"
PREFERENCES_URL = "@@preferences_url@@"

_inliner = css_inline.CSSInliner(keep_style_tags=True)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def one_line(value: str) -> str:
    """Header values and display names: no control characters, so nothing can inject a header."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def recipient(subscriber: Subscriber) -> str:
    return formataddr((one_line(subscriber.name), subscriber.email))


def list_id() -> str:
    ident = settings.LIST_ID or f"{slugify(settings.SITE_NAME) or 'briefing'}.{site_domain()}"
    return f"{one_line(settings.SITE_NAME)} <{ident}>"


def briefing_subject(briefing: Briefing) -> str:
    day = briefing.date
    return one_line(
        settings.BRIEFING_EMAIL_SUBJECT.format(
            title=briefing.title,
            weekday=f"{day:%A}",
            month=f"{day:%B}",
            day=day.day,
            year=day.year,
            site_name=settings.SITE_NAME,
        )
    )


def greeting(subscriber: Subscriber) -> str:
    name = one_line(subscriber.name)
    return f"Good morning, {name}." if name else "Good morning."


def plain_text(html_fragment: str) -> str:
    """Sanitized HTML as readable plain text: paragraphs kept, tags dropped, entities decoded."""
    text = re.sub(r"(?i)</p>|<br\s*/?>", "\n\n", html_fragment)
    paragraphs = (" ".join(part.split()) for part in unescape(strip_tags(text)).split("\n\n"))
    return "\n\n".join(wrap(p) for p in paragraphs if p)


def wrap(paragraph: str) -> str:
    return "\n".join(textwrap.wrap(paragraph, 78, break_long_words=False, break_on_hyphens=False))


def with_plain_text(entry):
    entry.excerpt_text = plain_text(entry.article.excerpt)
    return entry


class BriefingEmail:
    """One briefing's email, rendered once, personalised per subscriber."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self.subject = briefing_subject(briefing)
        entries = (
            briefing.entries.filter(article__in=Article.objects.published())
            .select_related("article__source")
            .prefetch_related("article__article_authors__author")
        )
        context = {
            "briefing": briefing,
            "entries": [with_plain_text(entry) for entry in entries],
            "subject": self.subject,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "briefing_url": absolute(briefing.get_absolute_url()),
            "greeting": GREETING,
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "preferences_url": PREFERENCES_URL,
        }
        html = render_to_string("subscribers/email/briefing.html", context)
        self.html = _inliner.inline(html)
        context["intro_text"] = plain_text(briefing.intro)
        self.text = render_to_string("subscribers/email/briefing.txt", context)
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.envelope_from = parseaddr(self.from_email)[1]
        from_name, from_address = parseaddr(self.from_email)
        self.from_header = formataddr((from_name, ascii_address(from_address)), "utf-8")
        self.subject_header = Header(self.subject, "utf-8").encode(linesep="\r\n")
        self.list_id = list_id()
        self.domain = site_domain()

    def bodies(self, subscriber: Subscriber) -> tuple[str, str]:
        """The (text, html) bodies exactly as this subscriber receives them."""
        values = {
            GREETING: greeting(subscriber),
            UNSUBSCRIBE_URL: absolute(subscriber.get_unsubscribe_url()),
            PREFERENCES_URL: absolute(subscriber.get_absolute_url()),
        }
        text, html = self.text, self.html
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
            html = html.replace(placeholder, escape(value))
        return text, html

    def headers(self, subscriber: Subscriber) -> dict[str, str]:
        """The list headers (RFC 2369, 2919, 8058) and a unique Message-ID."""
        list_unsubscribe = f"<{absolute(subscriber.get_unsubscribe_url())}>"
        if settings.UNSUBSCRIBE_MAILTO:
            list_unsubscribe += f", <mailto:{settings.UNSUBSCRIBE_MAILTO}?subject=unsubscribe>"
        return {
            "Message-ID": make_msgid(idstring="briefing", domain=self.domain),
            "List-Id": self.list_id,
            "List-Unsubscribe": list_unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    def message(self, subscriber: Subscriber, connection=None) -> EmailMultiAlternatives:
        """The email as a Django message (test sends through any backend)."""
        text, html = self.bodies(subscriber)
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=text,
            from_email=self.from_email,
            to=[recipient(subscriber)],
            headers=self.headers(subscriber),
            connection=connection,
        )
        message.attach_alternative(html, "text/html")
        return message

    def as_bytes(self, subscriber: Subscriber) -> tuple[str, bytes]:
        """(Message-ID, the message ready for SMTP): the same email, built without the email
        package's slow generator, so a worker's time goes to the network, not to MIME."""
        text, html = self.bodies(subscriber)
        headers = {
            "From": self.from_header,
            "To": formataddr(
                (one_line(subscriber.name), ascii_address(subscriber.email)), "utf-8"
            ),
            "Subject": self.subject_header,
            "Date": formatdate(usegmt=True),
            "MIME-Version": "1.0",
            **self.headers(subscriber),
            "Content-Type": f'multipart/alternative; boundary="{BOUNDARY}"',
        }
        headers["List-Unsubscribe"] = fold(headers["List-Unsubscribe"])
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        parts = [
            f"--{BOUNDARY}\r\n".encode() + mime_part("text/plain", text),
            f"--{BOUNDARY}\r\n".encode() + mime_part("text/html", html),
        ]
        data = head.encode() + b"\r\n" + b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
        return headers["Message-ID"], data


BOUNDARY = "=_briefing_alternative_7c1f4b2e"  # never produced by quoted-printable


def fold(value: str) -> str:
    """Put a long header value (List-Unsubscribe's URLs) on continuation lines."""
    if len(value) <= 60:
        return value
    return "\r\n " + value.replace(", <", ",\r\n <")


def ascii_address(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def mime_part(content_type: str, body: str) -> bytes:
    encoded = binascii.b2a_qp(body.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return head.encode() + encoded + b"\r\n"


def sample_subscriber(*, email: str = "reader@example.org", name: str = "") -> Subscriber:
    """An unsaved subscriber for previews and test sends; its links lead to a 'not found'."""
    status = Subscriber.Status.ACTIVE
    return Subscriber(email=email, name=name, token="preview", status=status)  # noqa: S106


def confirmation_message(*, subscriber: Subscriber, token: str) -> EmailMultiAlternatives:
    context = {
        "subscriber": subscriber,
        "site_name": settings.SITE_NAME,
        "confirm_url": absolute(reverse("subscribers:confirm", kwargs={"token": token})),
        "max_age_days": max(1, settings.SUBSCRIBER_CONFIRM_MAX_AGE // 86400),
    }
    message = EmailMultiAlternatives(
        subject=one_line(f"Confirm your subscription to the {settings.SITE_NAME}"),
        body=render_to_string("subscribers/email/confirm.txt", context),
        to=[recipient(subscriber)],
        headers={"Message-ID": make_msgid(idstring="confirm", domain=site_domain())},
    )
    html = render_to_string("subscribers/email/confirm.html", context)
    message.attach_alternative(_inliner.inline(html), "text/html")
    return message
