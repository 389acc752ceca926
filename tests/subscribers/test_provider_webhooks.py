"""The mail provider's bounce and complaint webhooks (django-anymail): real-shaped payloads of
Amazon SES (through SNS), Mailgun (signed), Postmark and SendGrid, posted through the webhook
URLs with the shared secret, each replayed three times as providers do on a timeout."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest
from django.utils import timezone

from subscribers.models import Delivery, DeliveryEvent, Subscriber
from subscribers.services import briefing_send_create
from tests.factories import ArticleFactory, SubscriberFactory, briefing_of

pytestmark = pytest.mark.django_db

SECRET = "provider:s3cret-webhook-pass"
SIGNING_KEY = "key-mailgun-signing-0123456789"
ADDRESS = "ann@example.org"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def webhook_secrets(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


@pytest.fixture
def sent():
    """Ann, confirmed, with the briefing email we sent her."""
    subscriber = SubscriberFactory(email=ADDRESS)
    send, _ = briefing_send_create(briefing=briefing_of([ArticleFactory()]))
    delivery = send.deliveries.get()
    delivery.status, delivery.sent_at = Delivery.Status.SENT, timezone.now()
    delivery.message_id = "<briefing.123.abc@briefing.example.org>"
    delivery.save()
    return subscriber, delivery


# --- Real-shaped payloads ----------------------------------------------------------------------


def ses(kind: str):
    """An SES event notification as SNS posts it (https://docs.aws.amazon.com/ses/latest/dg/
    event-publishing-retrieving-sns-examples.html)."""
    mail = {
        "timestamp": "2026-12-02T06:00:00.000Z",
        "source": "briefing@briefing.example.org",
        "messageId": "0100018c2a8f-5e0a-4e6b-9d7c-ses-message-id-000000",
        "destination": [ADDRESS],
        "headers": [{"name": "Message-ID", "value": "<briefing.123.abc@briefing.example.org>"}],
    }
    events = {
        "hard": {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {
                        "emailAddress": ADDRESS,
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                    }
                ],
                "timestamp": "2026-12-02T06:00:01.000Z",
                "feedbackId": "0100018c-feedback-bounce",
            },
        },
        "soft": {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Transient",
                "bounceSubType": "MailboxFull",
                "bouncedRecipients": [{"emailAddress": ADDRESS, "status": "4.2.2"}],
                "timestamp": "2026-12-02T06:00:01.000Z",
                "feedbackId": "0100018c-feedback-soft",
            },
        },
        "complaint": {
            "eventType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": ADDRESS}],
                "complaintFeedbackType": "abuse",
                "timestamp": "2026-12-02T07:00:00.000Z",
                "feedbackId": "0100018c-feedback-complaint",
            },
        },
    }
    message_id = str(uuid.uuid4())
    body = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:briefing-ses-events",
        "Message": json.dumps({**events[kind], "mail": mail}),
        "Timestamp": "2026-12-02T07:00:00.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fU=",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": message_id,
        "HTTP_X_AMZ_SNS_TOPIC_ARN": body["TopicArn"],
    }
    return "/anymail/amazon_ses/tracking/", json.dumps(body), headers


def mailgun(kind: str, key: str = SIGNING_KEY):
    """A Mailgun webhook (JSON, signed: HMAC-SHA256 of timestamp + token with the key)."""
    timestamp, token = str(int(time.time())), uuid.uuid4().hex * 2
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    event = {
        "hard": {
            "event": "failed",
            "severity": "permanent",
            "reason": "bounce",
            "delivery-status": {"code": 550, "message": "5.1.1 user unknown"},
        },
        "soft": {
            "event": "failed",
            "severity": "temporary",
            "reason": "generic",
            "delivery-status": {"code": 452, "message": "4.2.2 mailbox full"},
        },
        "complaint": {"event": "complained"},
    }[kind]
    body = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {
            **event,
            "id": uuid.uuid4().hex[:22],
            "timestamp": time.time(),
            "recipient": ADDRESS,
            "message": {
                "headers": {
                    "message-id": "briefing.123.abc@briefing.example.org",
                    "to": ADDRESS,
                    "subject": "Daily Briefing",
                }
            },
        },
    }
    return "/anymail/mailgun/tracking/", json.dumps(body), {}


def postmark(kind: str):
    """A Postmark bounce or spam-complaint webhook."""
    record = {
        "hard": {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "TypeCode": 1,
            "Description": "The server was unable to deliver your message",
            "Details": "smtp;550 5.1.1 user unknown",
        },
        "soft": {
            "RecordType": "Bounce",
            "Type": "SoftBounce",
            "TypeCode": 4096,
            "Description": "The server could not temporarily deliver your message",
            "Details": "452 4.2.2 mailbox full",
        },
        "complaint": {
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "TypeCode": 512,
            "Description": "The subscriber explicitly marked this message as spam.",
        },
    }[kind]
    body = {
        **record,
        "ID": int(uuid.uuid4().int % 10**15),
        "MessageID": str(uuid.uuid4()),
        "ServerID": 23,
        "MessageStream": "broadcast",
        "Email": ADDRESS,
        "From": "briefing@briefing.example.org",
        "BouncedAt": "2026-12-02T06:00:01.9070259Z",
        "Inactive": kind != "soft",
        "CanActivate": True,
        "Subject": "Daily Briefing",
        "Metadata": {},
    }
    return "/anymail/postmark/tracking/", json.dumps(body), {}


def sendgrid(kind: str):
    """A SendGrid Event Webhook batch (a JSON list of events)."""
    event = {
        "hard": {
            "event": "bounce",
            "type": "bounce",
            "status": "5.1.1",
            "reason": "550 5.1.1 user unknown",
        },
        "soft": {"event": "deferred", "attempt": "2", "response": "452 4.2.2 mailbox full"},
        "complaint": {"event": "spamreport"},
    }[kind]
    body = [
        {
            **event,
            "email": ADDRESS,
            "timestamp": int(time.time()),
            "smtp-id": "<briefing.123.abc@briefing.example.org>",
            "sg_event_id": base64.b64encode(uuid.uuid4().bytes).decode(),
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
        }
    ]
    return "/anymail/sendgrid/tracking/", json.dumps(body), {}


NAMES = {
    "amazon_ses": "Amazon SES",
    "mailgun": "Mailgun",
    "postmark": "Postmark",
    "sendgrid": "SendGrid",
}
PROVIDERS = {"amazon_ses": ses, "mailgun": mailgun, "postmark": postmark, "sendgrid": sendgrid}


def post_three_times(client, payload):
    url, body, headers = payload
    codes = [
        client.post(url, body, content_type="application/json", **AUTH, **headers).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 200]


def client_of_admin_page(send) -> str:
    """The send's page in the admin, as the list's manager sees it."""
    from django.contrib.auth.models import User
    from django.test import Client

    chief = User.objects.create_superuser("chief", "chief@example.org", "chief-pw")
    session = Client()
    session.force_login(chief)
    return session.get(f"/admin/subscribers/briefingsend/{send.pk}/change/").text


# --- What each event does, once ----------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_hard_bounce_suppresses_the_address_before_the_next_send(client, sent, provider):
    subscriber, delivery = sent
    post_three_times(client, PROVIDERS[provider]("hard"))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCED
    (event,) = DeliveryEvent.objects.all()
    assert (event.provider, event.type) == (NAMES[provider], DeliveryEvent.Type.BOUNCED)
    assert event.delivery == delivery  # recorded on the email it is about
    assert event.subscriber == subscriber
    page = client_of_admin_page(delivery.send)
    assert "ann@example.org" in page and "Hard bounce" in page
    send, _ = briefing_send_create(briefing=briefing_of([ArticleFactory()]))
    assert not send.deliveries.filter(subscriber=subscriber).exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_complaint_unsubscribes_the_address(client, sent, provider):
    subscriber, delivery = sent
    post_three_times(client, PROVIDERS[provider]("complaint"))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    (event,) = DeliveryEvent.objects.all()
    assert (event.type, event.delivery) == (DeliveryEvent.Type.COMPLAINED, delivery)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_soft_bounce_counts_once_toward_the_threshold(client, sent, provider, settings):
    settings.SUBSCRIBER_BOUNCE_THRESHOLD = 3
    subscriber, _ = sent
    post_three_times(client, PROVIDERS[provider]("soft"))  # one event, its retries
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.bounce_count) == (Subscriber.Status.ACTIVE, 1)
    assert DeliveryEvent.objects.get().type == DeliveryEvent.Type.DEFERRED
    for _ in range(2):  # two more soft bounces, on other days
        post_three_times(client, PROVIDERS[provider]("soft"))
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.bounce_count) == (Subscriber.Status.BOUNCED, 3)
    assert DeliveryEvent.objects.count() == 3


# --- Who may post ------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_without_the_shared_secret_nothing_changes(client, sent, provider):
    url, body, headers = PROVIDERS[provider]("complaint")
    wrong = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"provider:guess").decode()}
    for auth in ({}, wrong):
        response = client.post(url, body, content_type="application/json", **auth, **headers)
        assert response.status_code in (400, 401, 403)
    assert sent[0].__class__.objects.get().status == Subscriber.Status.ACTIVE
    assert not DeliveryEvent.objects.exists()


def test_a_mailgun_event_with_a_bad_signature_changes_nothing(client, sent):
    url, body, headers = mailgun("complaint", key="not-the-key")
    response = client.post(url, body, content_type="application/json", **AUTH)
    assert response.status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_the_webhooks_do_not_exist_until_their_secret_is_set(client, sent, settings):
    settings.ANYMAIL = {}
    for provider, payload in PROVIDERS.items():
        url, body, headers = payload("complaint")
        response = client.post(url, body, content_type="application/json", **AUTH, **headers)
        assert response.status_code == 404, provider
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


# --- The complaint rate in the admin -----------------------------------------------------------


def test_the_admin_shows_the_complaint_rate_of_the_last_sends_against_the_limit(
    admin_client, django_assert_max_num_queries
):
    readers = SubscriberFactory.create_batch(400)
    send, _ = briefing_send_create(briefing=briefing_of([ArticleFactory()]))
    send.deliveries.update(status=Delivery.Status.SENT, sent_at=timezone.now())
    page = admin_client.get("/admin/subscribers/briefingsend/").text
    assert "0.00% (0 of 400; under 0.3 %)" in page
    for n, reader in enumerate(readers[:2]):  # 2 of 400: 0.5 %
        DeliveryEvent.objects.create(
            provider="Amazon SES",
            event_id=f"c{n}",
            type=DeliveryEvent.Type.COMPLAINED,
            delivery=send.deliveries.get(subscriber=reader),
            subscriber=reader,
        )
    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/subscribers/briefingsend/").text
    assert "0.50% (2 of 400; over the 0.3 % limit)" in page
    assert "Spam complaints, last 1 send" in page
