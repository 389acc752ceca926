"""The "Subscribe Now!" form: what a visitor sees, and what a bot or a prober learns."""

import re

import pytest
from django.conf import settings
from django.test import Client

from subscribers.forms import HONEYPOT_LABEL
from subscribers.models import Subscriber

pytestmark = pytest.mark.django_db


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_every_page_has_the_subscribe_box_in_its_sidebar(client):
    for url in ["/", "/subscribe/"]:
        page = client.get(url).text
        assert "Subscribe Now!" in page
        assert "Subscribe now to receive the free Daily Briefing by email" in page
        assert 'name="csrfmiddlewaretoken"' in page


def test_the_honeypot_is_hidden_by_css_not_by_script(client):
    page = client.get("/subscribe/").text
    assert HONEYPOT_LABEL in page
    assert 'class="subscribe-validation"' in page
    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    assert ".subscribe-validation { display: none; }" in css


def test_the_subscribe_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get("/subscribe/").status_code == 200


def test_signup_sends_one_confirmation_email_and_nothing_else(signup, mailoutbox):
    response = signup("ann@example.org", "Ann")
    assert response.status_code == 302
    assert response.url == "/subscribe/thanks/"
    (message,) = mailoutbox
    assert message.to == ["ann@example.org"]  # no name typed by whoever asked (issue 12)
    assert "/subscribe/confirm/" in message.body
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_the_thanks_page_asks_to_check_the_inbox(client):
    assert "Check your inbox" in client.get("/subscribe/thanks/").text


def test_address_is_stripped_and_its_domain_lower_cased(signup):
    signup("  Ann.Smith@Example.ORG  ")
    assert Subscriber.objects.get().email == "Ann.Smith@example.org"


def test_the_same_address_in_another_case_is_not_a_second_subscriber(signup, mailoutbox):
    signup("ann@example.org")
    signup("ANN@EXAMPLE.org")
    assert Subscriber.objects.count() == 1
    assert len(mailoutbox) == 2  # a pending signup may ask for its link again


@pytest.mark.parametrize("address", ["not-an-address", "ann@", "@example.org", "a b@example.org"])
def test_a_bad_address_gets_a_clear_error(signup, address, mailoutbox):
    response = signup(address)
    assert response.status_code == 400
    assert "Enter a valid email address" in response.text
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_a_known_address_gets_the_same_answer_as_a_new_one(signup, client):
    Subscriber.objects.create(email="known@example.org", status=Subscriber.Status.ACTIVE)
    known = signup("known@example.org")
    new = signup("new@example.org")
    assert (known.status_code, known.url) == (new.status_code, new.url)
    assert without_csrf(client.get(known.url).text) == without_csrf(client.get(new.url).text)


def test_a_confirmed_subscriber_signing_up_again_is_not_reset(signup, mailoutbox):
    Subscriber.objects.create(email="known@example.org", status=Subscriber.Status.ACTIVE)
    signup("known@example.org")
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE
    (message,) = mailoutbox  # "here is your subscription", not a confirmation request
    assert message.subject == "Your subscription to the Daily Briefing"
    assert "/subscribe/confirm/" not in message.body


def test_a_filled_honeypot_is_silently_dropped(signup, mailoutbox):
    response = signup("bot@example.org", website="http://spam.example")
    assert response.status_code == 302
    assert response.url == "/subscribe/thanks/"
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_one_address_cannot_be_flooded_with_confirmation_emails(signup, settings, mailoutbox):
    settings.SUBSCRIBE_RATE_PER_ADDRESS = "2/3600"
    responses = [signup("ann@example.org") for _ in range(4)]
    assert {r.url for r in responses} == {"/subscribe/thanks/"}  # same answer, no probing
    assert len(mailoutbox) == 2


def test_one_client_is_stopped_after_too_many_attempts(signup, settings, mailoutbox):
    settings.SUBSCRIBE_RATE_PER_CLIENT = "3/3600"
    for n in range(3):
        assert signup(f"reader{n}@example.org").status_code == 302
    response = signup("reader9@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert len(mailoutbox) == 3
    other_client = signup("reader9@example.org", REMOTE_ADDR="192.0.2.7")
    assert other_client.status_code == 302


def test_the_form_refuses_a_post_without_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/subscribe/", {"email": "a@example.org"})
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_the_sidebar_form_posts_with_its_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/subscribe/")
    token = page.context["csrf_token"]
    data = {"email": "ann@example.org", "csrfmiddlewaretoken": str(token)}
    assert browser.post("/subscribe/", data).status_code == 302
    assert Subscriber.objects.filter(email="ann@example.org").exists()


def test_a_name_with_line_breaks_is_kept_on_one_line(signup):
    signup("eve@example.org", "Eve\r\nBcc: victim@example.org")
    assert Subscriber.objects.get().name == "Eve Bcc: victim@example.org"
