"""The emails subscribers receive: the confirmation request and the briefing itself.

A briefing is rendered (and its CSS inlined) once per send; each subscriber's copy then only
swaps in their greeting and their own links, so a send of 100,000 costs one render. Every
email is a Django message (`EmailMultiAlternatives`), sent through Django's mail API by
subscribers/delivery.py.
"""

import contextlib
import re
import secrets
import textwrap
from email.utils import formataddr, make_msgid
from html import unescape
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.text import slugify

from briefing.models import Briefing
from core import site_settings
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


def recipient(subscriber: Subscriber, *, with_name: bool = True) -> str:
    """The To: of an email. Internationalised domains go out in their ASCII (IDNA) form, which
    is the only one a display name can be put beside; an address that cannot carry a name
    (a non-ASCII local part) goes without one rather than not at all."""
    local, _, domain = subscriber.email.rpartition("@")
    with contextlib.suppress(UnicodeError):  # not IDNA-encodable: left for the server to refuse
        domain = domain.encode("idna").decode("ascii")
    address = f"{local}@{domain}"
    name = one_line(subscriber.name) if with_name else ""
    try:
        return formataddr((name, address)) if name else address
    except UnicodeEncodeError:
        return address


def list_id() -> str:
    ident = settings.LIST_ID or f"{slugify(settings.SITE_NAME) or 'briefing'}.{site_domain()}"
    return f"{one_line(settings.SITE_NAME)} <{ident}>"


def briefing_subject(briefing: Briefing) -> str:
    day = briefing.date
    site = site_settings.current()
    return one_line(
        site.email_subject.format(
            title=briefing.title,
            weekday=f"{day:%A}",
            month=f"{day:%B}",
            day=day.day,
            year=day.year,
            site_name=site.name,
        )
    )


def greeting(subscriber: Subscriber) -> str:
    name = one_line(subscriber.name)
    return f"Good morning, {name}." if name else "Good morning."


_LINK = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_BOLD = re.compile(r"</?(?:strong|b)>", re.IGNORECASE)


def _link_as_text(match: re.Match) -> str:
    href, text = match[1], match[2]
    return text if strip_tags(text).strip() == href else f"{text} ({href})"


def plain_text(html_fragment: str) -> str:
    """Sanitized HTML as readable plain text: paragraphs, list items ("• ") and headings kept
    apart, links followed by their address, bold as *bold*, entities decoded."""
    text = _LINK.sub(_link_as_text, html_fragment)
    text = _LIST_ITEM.sub("\n\n• ", text)
    text = _BOLD.sub("*", _BLOCK_END.sub("\n\n", text))
    paragraphs = (" ".join(part.split()) for part in unescape(strip_tags(text)).split("\n\n"))
    return "\n\n".join(wrap(p) for p in paragraphs if p)


def wrap(paragraph: str) -> str:
    return "\n".join(textwrap.wrap(paragraph, 78, break_long_words=False, break_on_hyphens=False))


class Alternatives(EmailMultiAlternatives):
    """An email with a text and an HTML part whose MIME boundary is chosen once per send: the
    email package would otherwise search each message's text for a fresh random boundary,
    a millisecond a message, the largest single cost of a send after the network."""

    boundary: str | None = None

    def message(self):
        mime = super().message()
        if self.boundary:
            mime.set_boundary(self.boundary)
        return mime


def boundary_not_in(*bodies: str) -> str:
    """A MIME boundary that none of the bodies contains (personal links and greetings, put in
    later, are never long enough to hold a random one)."""
    while any((boundary := f"=_briefing_{secrets.token_hex(12)}") in body for body in bodies):
        pass
    return boundary


def html_inlined(html: str, width: int = 800) -> str:
    """The HTML with its CSS inlined, and no line longer than `width`: inlined styles make
    lines of thousands of characters, which mail must then quote-print (slower to build,
    larger to send). Lines break at a space, which HTML outside <pre> reads as a space; the
    width leaves room for the links put in per subscriber."""
    lines = []
    for line in _inliner.inline(html).splitlines():
        while len(line) > width and (cut := line.rfind(" ", 0, width)) > 0:
            lines.append(line[:cut])
            line = line[cut + 1 :]
        lines.append(line)
    return "\n".join(lines)


def with_plain_text(entry):
    entry.excerpt_text = plain_text(entry.article.excerpt)
    return entry


class BriefingEmail:
    """One briefing's email, rendered once, personalised per subscriber."""

    def __init__(self, briefing: Briefing):
        self.briefing = briefing
        self.subject = briefing_subject(briefing)
        entries = (
            briefing.entries.published()
            .select_related("article__source")
            .prefetch_related("article__article_authors__author")
        )
        context = {
            "briefing": briefing,
            "entries": [with_plain_text(entry) for entry in entries],
            "subject": self.subject,
            "site_name": site_settings.current().name,
            "site_url": settings.SITE_URL,
            "briefing_url": absolute(briefing.get_absolute_url()),
            "greeting": GREETING,
            "unsubscribe_url": UNSUBSCRIBE_URL,
            "preferences_url": PREFERENCES_URL,
        }
        html = render_to_string("subscribers/email/briefing.html", context)
        self.html = html_inlined(html)
        context["intro_text"] = plain_text(briefing.intro)
        self.text = render_to_string("subscribers/email/briefing.txt", context)
        self.list_id = list_id()
        self.boundary = boundary_not_in(self.text, self.html)
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

    def message(self, subscriber: Subscriber) -> EmailMultiAlternatives:
        """The email exactly as this subscriber gets it: the one way it is built, for a send,
        a test send and a preview alike, and handed to whichever mail backend is configured."""
        text, html = self.bodies(subscriber)
        message = Alternatives(
            subject=self.subject,
            body=text,
            to=[recipient(subscriber)],
            headers=self.headers(subscriber),
        )
        message.boundary = self.boundary
        message.attach_alternative(html, "text/html")
        return message


def sample_subscriber(*, email: str = "reader@example.org", name: str = "") -> Subscriber:
    """An unsaved subscriber for previews and test sends; its links lead to a 'not found'."""
    status = Subscriber.Status.ACTIVE
    return Subscriber(email=email, name=name, token="preview", status=status)  # noqa: S106


def one_off_message(*, subscriber: Subscriber, template: str, subject: str, **context):
    """A confirmation, subscription or welcome email. None of them prints the subscriber's
    name: it may have been typed by whoever made the request, not by the mailbox's owner."""
    context = {"site_name": site_settings.current().name, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"subscribers/email/{template}.txt", context),
        to=[recipient(subscriber, with_name=False)],
        headers={"Message-ID": make_msgid(idstring=template, domain=site_domain())},
    )
    html = render_to_string(f"subscribers/email/{template}.html", context)
    message.attach_alternative(html_inlined(html), "text/html")
    return message


def confirmation_message(*, subscriber: Subscriber, token: str) -> EmailMultiAlternatives:
    return one_off_message(
        subscriber=subscriber,
        template="confirm",
        subject=f"Confirm your subscription to the {site_settings.current().name}",
        confirm_url=absolute(reverse("subscribers:confirm", kwargs={"token": token})),
        max_age_days=max(1, settings.SUBSCRIBER_CONFIRM_MAX_AGE // 86400),
    )


def subscription_message(*, subscriber: Subscriber) -> EmailMultiAlternatives:
    """To a confirmed address that signed up again: its links, so a lost one is recovered."""
    return one_off_message(
        subscriber=subscriber,
        template="subscription",
        subject=f"Your subscription to the {site_settings.current().name}",
        preferences_url=absolute(subscriber.get_absolute_url()),
        unsubscribe_url=absolute(subscriber.get_unsubscribe_url()),
    )


def welcome_message(*, subscriber: Subscriber) -> EmailMultiAlternatives:
    return one_off_message(
        subscriber=subscriber,
        template="welcome",
        subject=f"Welcome to the {site_settings.current().name}",
        preferences_url=absolute(subscriber.get_absolute_url()),
        unsubscribe_url=absolute(subscriber.get_unsubscribe_url()),
    )
