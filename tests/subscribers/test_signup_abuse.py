"""What an attacker tried against signup and opt-in (issue 12), and what they get now."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from subscribers.models import Delivery, Subscriber
from subscribers.tokens import confirm_token_make

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # the documented proxy in front of gunicorn: REMOTE_ADDR of every request


def confirm_link(message) -> str:
    return re.search(r"http://[^/]+(/subscribe/confirm/\S+/)", message.body).group(1)


# --- Item 3: no enumeration by timing ---------------------------------------------------------


def test_new_pending_and_confirmed_addresses_do_the_same_work_in_the_request(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="pending@example.org")
    Subscriber.objects.create(email="known@example.org", status=Subscriber.Status.ACTIVE)
    statements = {}
    for address in ["new@example.org", "pending@example.org", "known@example.org"]:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post("/subscribe/", {"email": address, "name": ""})
        assert response.status_code == 302
        statements[address] = [q["sql"].split()[0] for q in queries.captured_queries]
    assert mailoutbox == []  # no mail is sent inside any request: the worker sends it
    assert len(set(map(tuple, statements.values()))) == 1, statements
    assert DBTaskResult.objects.count() == 3  # one queued email for each


# --- Item 4: mail bombing and phishing through our emails -------------------------------------


def test_sub_addresses_and_dotted_gmail_spellings_share_one_mailbox_limit(signup, mailoutbox):
    variants = [
        "victim+1@gmail.com",
        "victim+2@gmail.com",
        "v.ictim@gmail.com",
        "vic.tim+x@googlemail.com",
        "VICTIM@gmail.com",
        "victim+3@gmail.com",
    ]
    for address in variants:
        assert signup(address).status_code == 302  # the same answer for every one
    assert len(mailoutbox) == 3  # SUBSCRIBE_RATE_PER_ADDRESS, for the one mailbox


def test_the_name_an_unconfirmed_request_typed_is_not_printed_in_the_email(signup, mailoutbox):
    signup("victim@example.org", "URGENT: verify at https://evil.example")
    (message,) = mailoutbox
    assert "evil" not in message.body
    assert "evil" not in message.alternatives[0][0]
    assert "evil" not in str(message.message())


@pytest.mark.parametrize("status", [Subscriber.Status.PENDING, Subscriber.Status.UNSUBSCRIBED])
def test_a_signup_never_overwrites_the_stored_name(signup, status):
    Subscriber.objects.create(email="ann@example.org", name="Ann", status=status)
    signup("ann@example.org", "URGENT: verify at https://evil.example")
    assert Subscriber.objects.get().name == "Ann"


def test_the_person_confirming_sees_and_sets_the_name(signup, client, mailoutbox):
    signup("ann@example.org", "URGENT: verify at https://evil.example")
    link = confirm_link(mailoutbox[0])
    assert "URGENT" in client.get(link).text  # shown to the mailbox's owner, in the form
    client.post(link, {"name": "Ann"})
    assert Subscriber.objects.get().name == "Ann"


# --- Item 5: one signup bucket per client behind the proxy ------------------------------------


def test_behind_the_proxy_each_client_has_its_own_signup_bucket(signup, settings, mailoutbox):
    settings.SUBSCRIBE_RATE_PER_CLIENT = "3/3600"
    for n in range(3):
        signup(f"r{n}@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    blocked = signup("r9@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert blocked.status_code == 429
    other = signup("s@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302


def test_a_forged_forwarded_for_does_not_open_a_new_bucket(signup, settings):
    settings.SUBSCRIBE_RATE_PER_CLIENT = "3/3600"
    codes = [
        signup(
            f"r{n}@example.org",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.1",
        ).status_code
        for n in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]


# --- Item 6: confirmation by a POST from the page the link opens ------------------------------


@pytest.fixture
def pending(db):
    return Subscriber.objects.create(email="ann@example.org", name="Ann")


def test_opening_the_link_confirms_nothing_and_reveals_no_personal_link(client, pending):
    page = client.get(f"/subscribe/confirm/{confirm_token_make(subscriber=pending)}/")
    assert page.status_code == 200
    assert "Confirm my subscription" in page.text
    assert pending.token not in page.text
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_the_button_on_that_page_confirms(client, pending):
    path = f"/subscribe/confirm/{confirm_token_make(subscriber=pending)}/"
    response = client.post(path, {"name": "Ann"})
    assert "Subscription confirmed" in response.text
    assert pending.token in response.text  # the preferences link, once, to who clicked
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE


def test_a_used_link_reveals_nothing(client, pending):
    path = f"/subscribe/confirm/{confirm_token_make(subscriber=pending)}/"
    client.post(path)
    for again in (client.get(path), client.post(path)):
        assert "Already confirmed" in again.text
        assert pending.token not in again.text


def test_a_superseded_link_reveals_nothing_and_confirms_nothing(signup, client, mailoutbox):
    signup("ann@example.org")
    signup("ann@example.org")
    old, new = (confirm_link(m) for m in mailoutbox)
    for response in (client.get(old), client.post(old)):
        assert response.status_code == 400
        assert "has been replaced" in response.text
        assert Subscriber.objects.get().token not in response.text
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert "Subscription confirmed" in client.post(new).text


# --- Item 11: an internationalised domain with a name --------------------------------------------


def test_an_internationalised_domain_with_a_name_is_mailed_and_can_confirm(signup, client, smtp):
    assert signup("ann@bücher.example", "Ann Ü").status_code == 302
    assert set(smtp.counts()) == {"ann@xn--bcher-kva.example"}
    (message,) = smtp.messages_to("ann@xn--bcher-kva.example")
    link = re.search(r"/subscribe/confirm/\S+/", message.get_body(("plain",)).get_content())
    assert "Subscription confirmed" in client.post(link.group(0)).text


# --- Item 12: resubscribing from the preferences page is limited too ---------------------------


def test_resubscribing_from_the_preferences_page_is_limited_per_mailbox(
    client, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    gone = Subscriber.objects.create(
        email="ann@example.org",
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    codes = []
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            codes.append(client.post(gone.get_absolute_url(), {"resubscribe": "1"}).status_code)
        run_tasks()
    assert codes == [302, 302, 302, 429, 429, 429]
    assert len(mailoutbox) == 3


def test_the_preferences_page_and_the_signup_form_share_the_mailbox_limit(signup, client):
    gone = Subscriber.objects.create(
        email="ann@example.org", status=Subscriber.Status.UNSUBSCRIBED
    )
    for _ in range(3):
        signup("ann+x@example.org")
    assert client.post(gone.get_absolute_url(), {"resubscribe": "1"}).status_code == 429


# --- List hygiene: the lost link, and the welcome ---------------------------------------------


def test_a_confirmed_address_signing_up_again_gets_its_links_by_email(signup, client, mailoutbox):
    known = Subscriber.objects.create(email="known@example.org", status=Subscriber.Status.ACTIVE)
    response = signup("known@example.org")
    assert response.url == "/subscribe/thanks/"
    (message,) = mailoutbox
    assert message.subject == "Your subscription to the Daily Briefing"
    assert known.get_absolute_url() in message.body
    assert known.get_unsubscribe_url() in message.body


def test_confirming_sends_a_welcome_email(
    signup, client, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    signup("ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mailoutbox[0]))
    run_tasks()
    welcome = mailoutbox[1]
    assert welcome.subject == "Welcome to the Daily Briefing"
    assert Subscriber.objects.get().get_absolute_url() in welcome.body
    assert Delivery.objects.filter(kind=Delivery.Kind.WELCOME, status="sent").count() == 1


def test_the_welcome_email_can_be_turned_off(
    signup, client, mailoutbox, run_tasks, settings, django_capture_on_commit_callbacks
):
    settings.SUBSCRIBER_WELCOME_EMAIL = False
    signup("ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_link(mailoutbox[0]))
    run_tasks()
    assert len(mailoutbox) == 1
