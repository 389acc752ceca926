"""Publishing with email asks first, with the number of subscribers it reaches; the briefing's
page then shows editors the send (counts, rate, failures by reason), never an address."""

import datetime

import pytest
from django.utils import timezone

from briefing.models import Briefing
from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.services import briefing_send_create
from tests.factories import SubscriberFactory, briefing_change_url, briefing_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def list_of_three(db):
    SubscriberFactory.create_batch(3)
    SubscriberFactory(status=Subscriber.Status.PAUSED)
    SubscriberFactory(status=Subscriber.Status.PENDING)


def test_save_and_publish_with_email_asks_first_with_the_subscriber_count(
    editor_client, draft_briefing, list_of_three
):
    data = briefing_form_data(draft_briefing, email_subscribers="on", _publish="1")
    response = editor_client.post(briefing_change_url(draft_briefing), data, follow=True)

    assert "Email 3 subscribers now?" in response.text
    draft_briefing.refresh_from_db()
    assert draft_briefing.status == Briefing.Status.DRAFT
    assert not BriefingSend.objects.exists()

    confirm = f"/admin/briefing/briefing/{draft_briefing.pk}/publish/"
    response = editor_client.post(confirm, {"_confirm": "1"}, follow=True)
    draft_briefing.refresh_from_db()
    assert draft_briefing.is_published
    assert "Emailing 3 subscribers" in response.text
    assert BriefingSend.objects.get().deliveries.count() == 3


def test_the_count_is_written_with_thousands_separators(editor_client, draft_briefing):
    from django.db import connection

    with connection.cursor() as cursor:  # 12,408 subscribers without 12,408 factory calls
        cursor.execute(
            "INSERT INTO subscribers_subscriber (email, name, status, token, created_at, "
            "updated_at, confirmed_at, bounce_count) SELECT 'r' || n || '@example.org', '', "
            "'active', 't' || n, now(), now(), now() - interval '1 day', 0 "
            "FROM generate_series(1, 12408) n"
        )
    page = editor_client.get(f"/admin/briefing/briefing/{draft_briefing.pk}/publish/").text
    assert "Email 12,408 subscribers now?" in page


def test_going_back_publishes_nothing(editor_client, draft_briefing, list_of_three):
    page = editor_client.get(f"/admin/briefing/briefing/{draft_briefing.pk}/publish/").text
    assert "No, go back" in page
    draft_briefing.refresh_from_db()
    assert draft_briefing.status == Briefing.Status.DRAFT


def test_publishing_without_email_does_not_ask(editor_client, draft_briefing, list_of_three):
    data = briefing_form_data(draft_briefing, email_subscribers="", _publish="1")
    response = editor_client.post(briefing_change_url(draft_briefing), data, follow=True)
    assert "is published" in response.text
    assert not BriefingSend.objects.exists()


def test_the_bulk_publish_action_asks_first_too(editor_client, draft_briefing, list_of_three):
    data = {"action": "publish_selected", "_selected_action": [draft_briefing.pk]}
    response = editor_client.post("/admin/briefing/briefing/", data)
    assert "Email 3 subscribers now?" in response.text
    draft_briefing.refresh_from_db()
    assert draft_briefing.status == Briefing.Status.DRAFT

    response = editor_client.post(
        "/admin/briefing/briefing/", {**data, "post": "yes", "_confirm": "1"}, follow=True
    )
    draft_briefing.refresh_from_db()
    assert draft_briefing.is_published
    assert BriefingSend.objects.get().deliveries.count() == 3


def fail(delivery, error):
    delivery.status = Delivery.Status.FAILED
    delivery.last_error = error
    delivery.save()


def test_editors_see_the_send_by_state_and_failures_by_reason_without_addresses(
    editor_client, superuser_client, published_briefing
):
    SubscriberFactory.create_batch(4)
    send, _ = briefing_send_create(briefing=published_briefing)
    deliveries = list(send.deliveries.select_related("subscriber").order_by("pk"))
    start = timezone.now() - datetime.timedelta(minutes=2)
    for minute, delivery in enumerate(deliveries[:2]):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, sent_at=start + datetime.timedelta(minutes=minute)
        )
    fail(deliveries[2], f"550 5.1.1 <{deliveries[2].subscriber.email}>: mailbox unknown")
    page = editor_client.get(briefing_change_url(published_briefing)).text

    assert "Email to subscribers: Sending" in page
    assert "<td>Sent</td><td>2</td>" in page and "<td>Pending</td><td>1</td>" in page
    assert "2 emails a minute" in page
    assert "Estimated finish" in page
    assert "550 5.1.1 &lt;an address&gt;: mailbox unknown</td><td>1</td>" in page
    for subscriber in Subscriber.objects.all():
        assert subscriber.email not in page
    assert "The full send page" not in page
    assert (
        "The full send page" in superuser_client.get(briefing_change_url(published_briefing)).text
    )
