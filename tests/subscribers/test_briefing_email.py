"""From signup to the briefing in the inbox, through a real SMTP server on loopback."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article
from briefing.services import briefing_publish
from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.services import briefing_send_enqueue

pytestmark = pytest.mark.django_db

SUBJECT = "Daily Briefing — Sunday, September 1, 2024"


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def confirm_by_email(client, smtp, address):
    (message,) = smtp.messages_to(address)
    url = next(u for u in links(message.get_body(("plain",)).get_content()) if "/confirm/" in u)
    response = client.post(urlsplit(url).path)
    assert response.status_code == 200
    assert "Subscription confirmed" in response.text


@pytest.fixture
def readers(client, smtp, draft_briefing, signup):
    """Ann and Bob confirmed; Carol signed up but never confirmed."""
    for address, name in [("ann@example.org", "Ann"), ("bob@example.org", ""), ("carol@x.io", "")]:
        assert signup(address, name).status_code == 302
    confirm_by_email(client, smtp, "ann@example.org")
    confirm_by_email(client, smtp, "bob@example.org")
    return ["ann@example.org", "bob@example.org"]


@pytest.fixture
def delivered(readers, smtp, draft_briefing, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        briefing_publish(briefing=draft_briefing)
    run_tasks()
    return {address: smtp.messages_to(address) for address in readers}


def test_publishing_emails_exactly_one_briefing_to_each_confirmed_subscriber(delivered, smtp):
    briefings = [rcpt for rcpt, message in smtp.parsed() if message["Subject"] == SUBJECT]
    assert sorted(briefings) == ["ann@example.org", "bob@example.org"]
    assert smtp.messages_to("carol@x.io")[-1]["Subject"].startswith("Confirm")
    send = BriefingSend.objects.get()
    assert send.finished_at is not None
    assert set(send.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_briefing_email_has_subject_both_parts_and_list_headers(delivered):
    message = delivered["ann@example.org"][-1]
    assert message["Subject"] == SUBJECT
    assert message["To"] == "Ann <ann@example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Daily Briefing <daily-briefing.testserver>"
    header = "".join(message["List-Unsubscribe"].split())  # long headers are folded
    unsubscribe = re.fullmatch(r"<(http://testserver/subscription/[^>]+/unsubscribe/)>", header)
    assert unsubscribe
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Leaked US Military Document Reveals Russia" in part
        assert "Zachary Cohen and Jennifer Hansler" in part
        assert "CNN" in part
        assert "Representatives from the Wagner Group" in part  # the pull quote
        assert "Good morning, Ann." in part
        assert unsubscribe.group(1) in part
    assert "Good morning & welcome." in text and "&amp;" not in text
    assert 'style="' in html and "<table" in html  # CSS inlined, table layout
    assert "prefers-color-scheme: dark" in html


def test_every_subscriber_gets_a_unique_message_id(delivered):
    ids = [messages[-1]["Message-ID"] for messages in delivered.values()]
    assert all(ids) and len(set(ids)) == len(ids)


def test_links_in_the_email_are_absolute_and_work(delivered, client):
    message = delivered["bob@example.org"][-1]
    html = message.get_body(("html",)).get_content()
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(h.startswith(("http://testserver/", "https://")) for h in hrefs)
    ours = {h for h in hrefs if h.startswith("http://testserver/")}
    assert len(ours) >= 4  # the site, the briefing's page, preferences, unsubscribe
    for url in ours:
        assert client.get(urlsplit(url).path).status_code == 200, url
    text_links = set(links(message.get_body(("plain",)).get_content()))
    assert ours <= text_links | {"http://testserver/"}


def test_one_click_post_unsubscribes_at_once_without_csrf_token(delivered):
    message = delivered["ann@example.org"][-1]
    url = "".join(message["List-Unsubscribe"].split()).strip("<>")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(email="ann@example.org")
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_sending_the_same_briefing_again_sends_nothing_twice(
    delivered, draft_briefing, smtp, run_tasks
):
    before = len(smtp.received)
    briefing_send_enqueue(briefing=draft_briefing)
    briefing_send_enqueue(briefing=draft_briefing)
    run_tasks()
    call_command("send_briefing", "2024-09-01", stdout=io.StringIO())
    assert len(smtp.received) == before
    assert Delivery.objects.filter(kind=Delivery.Kind.BRIEFING).count() == 2


def test_a_name_cannot_inject_a_header(smtp, published_briefing):
    Subscriber.objects.create(
        email="eve@example.org",
        name="Eve\r\nBcc: victim@example.org",
        status=Subscriber.Status.ACTIVE,
        confirmed_at="2024-01-01T00:00:00Z",
    )
    briefing_send_enqueue(briefing=published_briefing)
    call_command("send_pending_deliveries", stdout=io.StringIO())
    assert list(smtp.counts()) == ["eve@example.org"]
    (message,) = smtp.messages_to("eve@example.org")
    assert message["Bcc"] is None
    assert "\n" not in message["To"]


def test_the_email_shows_an_articles_label_as_the_page_does(
    draft_briefing, readers, smtp, client, django_capture_on_commit_callbacks, run_tasks
):
    Article.objects.filter(pk=1).update(label="Editorial")
    with django_capture_on_commit_callbacks(execute=True):
        briefing_publish(briefing=draft_briefing)
    run_tasks()
    (message,) = smtp.messages_to("ann@example.org")[-1:]
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert '<strong class="label">Editorial</strong> · CNN, April 12, 2023</p>' in html
    assert "Editorial · CNN, April 12, 2023" in text
    assert (
        '<span class="label">Editorial</span>'
        in client.get(draft_briefing.get_absolute_url()).text
    )
