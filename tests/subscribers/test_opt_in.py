"""Double opt-in, the subscriber's own page, unsubscribing and coming back, and the purge."""

import datetime
import io
import re
import time

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from subscribers.models import Subscriber
from subscribers.tokens import confirm_token_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(db):
    return Subscriber.objects.create(email="ann@example.org", name="Ann")


def confirm_path(token: str) -> str:
    return f"/subscribe/confirm/{token}/"


def test_the_confirmation_link_activates_the_subscription(client, pending):
    response = client.post(confirm_path(confirm_token_make(subscriber=pending)))
    assert response.status_code == 200
    assert "Subscription confirmed" in response.text
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE
    assert pending.confirmed_at is not None


def test_confirming_twice_says_it_is_already_done(client, pending):
    token = confirm_token_make(subscriber=pending)
    client.post(confirm_path(token))
    response = client.post(confirm_path(token))
    assert response.status_code == 200
    assert "Already confirmed" in response.text


def test_an_expired_link_gets_a_clear_page(client, pending, monkeypatch, settings):
    settings.SUBSCRIBER_CONFIRM_MAX_AGE = 3600
    two_hours_ago = time.time() - 7200
    monkeypatch.setattr(signing.time, "time", lambda: two_hours_ago)
    token = confirm_token_make(subscriber=pending)
    monkeypatch.undo()
    response = client.post(confirm_path(token))
    assert response.status_code == 400
    assert "This confirmation link has expired" in response.text
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + "xx", lambda t: "A" + t, lambda t: "junk"])
def test_a_tampered_link_gets_a_clear_page(client, pending, tamper):
    response = client.post(confirm_path(tamper(confirm_token_make(subscriber=pending))))
    assert response.status_code == 400
    assert "This confirmation link is not valid" in response.text
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_a_link_for_another_address_is_not_valid(client, pending):
    token = signing.dumps(
        {"id": pending.pk, "e": "mallory@example.org", "t": 0},
        salt="subscribers.confirm",
        compress=True,
    )
    assert client.post(confirm_path(token)).status_code == 400


@pytest.fixture
def active(db):
    return Subscriber.objects.create(
        email="bob@example.org",
        name="Bob",
        status=Subscriber.Status.ACTIVE,
        confirmed_at=timezone.now(),
    )


def test_the_subscriber_page_changes_the_name_and_pauses(client, active):
    url = active.get_absolute_url()
    page = client.get(url)
    assert "bob@example.org" in page.text
    response = client.post(url, {"name": "Robert", "paused": "on"}, follow=True)
    assert "Your preferences are saved." in response.text
    active.refresh_from_db()
    assert (active.name, active.status) == ("Robert", Subscriber.Status.PAUSED)
    client.post(url, {"name": "Robert"})
    active.refresh_from_db()
    assert active.status == Subscriber.Status.ACTIVE


def test_an_unknown_subscriber_page_is_not_found(client, db):
    assert client.get("/subscription/nope/").status_code == 404
    assert client.post("/subscription/nope/unsubscribe/").status_code == 404


def test_following_the_unsubscribe_link_asks_before_unsubscribing(client, active):
    page = client.get(active.get_unsubscribe_url())
    assert page.status_code == 200
    assert "Stop sending the Daily Briefing to" in page.text
    active.refresh_from_db()
    assert active.status == Subscriber.Status.ACTIVE


def test_unsubscribing_keeps_the_record(client, active):
    response = client.post(active.get_unsubscribe_url())
    assert "You are unsubscribed" in response.text
    active.refresh_from_db()
    assert active.status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.filter(email="bob@example.org").exists()


def test_resubscribing_goes_through_opt_in_again(
    client, active, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    client.post(active.get_unsubscribe_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(active.get_absolute_url(), {"resubscribe": "1"})
    run_tasks()  # the worker sends the new confirmation
    assert response.url == "/subscribe/thanks/"
    active.refresh_from_db()
    assert active.status == Subscriber.Status.UNSUBSCRIBED  # until they click the new link
    (message,) = mailoutbox
    path = re.search(r"http://[^/]+(/subscribe/confirm/\S+/)", message.body).group(1)
    assert "Subscription confirmed" in client.post(path).text
    active.refresh_from_db()
    assert active.status == Subscriber.Status.ACTIVE


def test_a_confirmation_link_from_before_unsubscribing_does_not_resubscribe(
    client, pending, monkeypatch
):
    old = time.time() - 60
    monkeypatch.setattr(signing.time, "time", lambda: old)
    token = confirm_token_make(subscriber=pending)
    monkeypatch.undo()
    pending.status = Subscriber.Status.UNSUBSCRIBED
    pending.unsubscribed_at = timezone.now()
    pending.save()
    response = client.post(confirm_path(token))
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.UNSUBSCRIBED


def test_the_purge_deletes_only_old_unconfirmed_signups(active, settings):
    settings.PENDING_SIGNUP_PURGE_AFTER = 7 * 86400
    old = Subscriber.objects.create(email="old@example.org")
    recent = Subscriber.objects.create(email="recent@example.org")
    Subscriber.objects.filter(pk__in=[old.pk, active.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    out = io.StringIO()
    call_command("purge_pending_subscribers", "--dry-run", stdout=out)
    assert "1 unconfirmed signups would be deleted" in out.getvalue()
    call_command("purge_pending_subscribers", stdout=out)
    assert "Deleted 1 unconfirmed signups" in out.getvalue()
    remaining = set(Subscriber.objects.values_list("email", flat=True))
    assert remaining == {"bob@example.org", recent.email}
