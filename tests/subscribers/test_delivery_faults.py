"""When mail servers misbehave: every confirmed subscriber is still mailed once, nothing lost."""

import datetime
import io
import re
import socket

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from briefing.models import Briefing, BriefingEntry
from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.services import briefing_send_create, briefing_send_retry_failed
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def sweep(*args):
    call_command("send_pending_deliveries", *args, stdout=io.StringIO())


def deliveries(address):
    return Delivery.objects.filter(subscriber__email=address)


def test_4xx_5xx_and_a_dropped_connection_end_with_everyone_mailed_once(
    smtp, settings, published_briefing
):
    settings.DELIVERY_BATCH_SIZE = 7
    settings.DELIVERY_MAX_ATTEMPTS = 3
    SubscriberFactory.reset_sequence(0)
    readers = [s.email for s in SubscriberFactory.create_batch(20)]
    smtp.rcpt_replies_once["reader3@example.org"] = "450 4.2.1 Mailbox busy, try later"
    smtp.rcpt_replies["reader5@example.org"] = "550 5.1.1 No such user"
    smtp.rcpt_replies["reader8@example.org"] = "451 4.3.0 Temporary local problem"
    smtp.drop_on_data = {4, 11}
    send, _ = briefing_send_create(briefing=published_briefing)

    sweep("--until-complete", "--max-seconds", "30")

    counts = smtp.counts()
    refused = {"reader5@example.org", "reader8@example.org"}
    for address in readers:
        assert counts[address] == (0 if address in refused else 1), address
    send.refresh_from_db()
    assert send.finished_at is not None
    for address in refused:
        (failed,) = deliveries(address)
        assert failed.status == Delivery.Status.FAILED
    (bounced,) = deliveries("reader5@example.org")
    assert bounced.last_error.startswith("550 5.1.1")
    assert bounced.attempts == 1
    assert Subscriber.objects.get(email="reader5@example.org").bounce_count == 1
    (gave_up,) = deliveries("reader8@example.org")
    assert gave_up.attempts == 3
    assert "451 4.3.0" in gave_up.last_error
    (retried,) = deliveries("reader3@example.org")
    assert (retried.status, retried.attempts) == (Delivery.Status.SENT, 2)
    dropped = Delivery.objects.filter(status=Delivery.Status.SENT, attempts=2)
    assert dropped.count() >= 2  # the messages whose connection dropped went again, once


@pytest.fixture
def readers(db):
    SubscriberFactory.reset_sequence(0)
    return SubscriberFactory.create_batch(10)


def test_a_permanent_failure_past_the_threshold_marks_the_address_bounced(
    smtp, settings, published_briefing, readers
):
    settings.SUBSCRIBER_BOUNCE_THRESHOLD = 1
    smtp.rcpt_replies["reader2@example.org"] = "550 5.1.1 No such user"
    briefing_send_create(briefing=published_briefing)
    sweep()
    bounced = Subscriber.objects.get(email="reader2@example.org")
    assert bounced.status == Subscriber.Status.BOUNCED

    tomorrow = Briefing.objects.create(
        date=datetime.date(2024, 9, 2), status=Briefing.Status.PUBLISHED
    )
    BriefingEntry.objects.create(briefing=tomorrow, article_id=2)
    send, _ = briefing_send_create(briefing=tomorrow)
    sweep()
    assert not send.deliveries.filter(subscriber=bounced).exists()
    assert smtp.counts()["reader2@example.org"] == 0
    assert sum(smtp.counts().values()) == 18


def test_only_confirmed_active_subscribers_at_send_time_are_mailed(
    smtp, published_briefing, readers
):
    for email, status in [
        ("pending@example.org", Subscriber.Status.PENDING),
        ("paused@example.org", Subscriber.Status.PAUSED),
        ("gone@example.org", Subscriber.Status.UNSUBSCRIBED),
        ("bounced@example.org", Subscriber.Status.BOUNCED),
    ]:
        Subscriber.objects.create(email=email, status=status, confirmed_at=timezone.now())
    send, _ = briefing_send_create(briefing=published_briefing)
    SubscriberFactory(email="late@example.org", confirmed_at=timezone.now())
    leaving = readers[0]
    Subscriber.objects.filter(pk=leaving.pk).update(status=Subscriber.Status.UNSUBSCRIBED)

    sweep()

    assert set(smtp.counts()) == {r.email for r in readers[1:]}
    assert send.deliveries.get(subscriber=leaving).status == Delivery.Status.SKIPPED
    send.refresh_from_db()
    assert send.finished_at is not None


def test_a_send_is_not_complete_while_the_mail_server_is_down(
    smtp, settings, published_briefing, readers, free_port
):
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 60
    live_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # nothing listens there
    send, _ = briefing_send_create(briefing=published_briefing)
    sweep()
    send.refresh_from_db()
    assert send.finished_at is None
    assert set(send.deliveries.values_list("status", "attempts")) == {("pending", 1)}
    assert "Connection" in send.deliveries.first().last_error

    settings.EMAIL_PORT = live_port  # the server is back, and the retries fall due
    send.deliveries.update(next_attempt_at=timezone.now())
    sweep()
    send.refresh_from_db()
    assert send.finished_at is not None
    assert sorted(smtp.counts().values()) == [1] * 10


def test_a_server_that_never_answers_times_out_and_is_retried(
    smtp, settings, published_briefing, readers
):
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 60
    settings.EMAIL_TIMEOUT = 1
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        settings.EMAIL_PORT = silent.getsockname()[1]
        send, _ = briefing_send_create(briefing=published_briefing)
        sweep()
    assert set(send.deliveries.values_list("status", flat=True)) == {"pending"}
    assert "timed out" in send.deliveries.first().last_error


def test_retry_failed_sends_the_failures_again(smtp, published_briefing, readers):
    smtp.rcpt_replies["reader4@example.org"] = "554 5.7.1 Rejected"
    send, _ = briefing_send_create(briefing=published_briefing)
    sweep()
    assert send.deliveries.get(status="failed").subscriber.email == "reader4@example.org"
    del smtp.rcpt_replies["reader4@example.org"]
    assert briefing_send_retry_failed(send=send) == 1
    assert BriefingSend.objects.get().finished_at is None
    sweep()
    assert smtp.counts()["reader4@example.org"] == 1
    assert set(send.deliveries.values_list("status", flat=True)) == {"sent"}


def test_send_briefing_sends_from_the_shell_with_a_progress_bar(smtp, published_briefing, readers):
    out = io.StringIO()
    call_command("send_briefing", "2024-09-01", stdout=out)
    assert "10/10" in out.getvalue()
    assert "sent: 10" in out.getvalue()
    assert sorted(smtp.counts().values()) == [1] * 10


def test_send_briefing_refuses_a_day_without_a_published_briefing(draft_briefing):
    with pytest.raises(CommandError, match="No published briefing for 2024-09-01"):
        call_command("send_briefing", "2024-09-01")
    with pytest.raises(ValueError, match="not published"):
        briefing_send_create(briefing=draft_briefing)


def test_signing_up_while_the_mail_server_is_down_is_confirmed_once_it_is_back(
    client, smtp, settings, free_port, run_tasks, django_capture_on_commit_callbacks
):
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 60
    live_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/subscribe/", {"email": "ann@example.org", "website": ""})
    assert (response.status_code, response.url) == (302, "/subscribe/thanks/")
    assert "Check your inbox" in client.get(response.url).text

    run_tasks()  # the worker tries, the server refuses: the request kept and a retry queued
    (confirmation,) = Delivery.objects.filter(kind=Delivery.Kind.CONFIRMATION)
    assert (confirmation.status, confirmation.attempts) == (Delivery.Status.PENDING, 1)
    assert "Connection" in confirmation.last_error
    assert smtp.counts() == {}

    settings.EMAIL_PORT = live_port  # the server is back, and a minute later the retry is due
    a_minute_later = timezone.now()
    Delivery.objects.update(next_attempt_at=a_minute_later)
    DBTaskResult.objects.update(run_after=a_minute_later)
    run_tasks()
    sweep()  # the cron sweep finds nothing more to send
    assert smtp.counts() == {"ann@example.org": 1}
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (Delivery.Status.SENT, 2)
    (message,) = smtp.messages_to("ann@example.org")
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://testserver(/subscribe/confirm/\S+/)", text)
    assert "Subscription confirmed" in client.post(link.group(1)).text


def test_asking_twice_while_the_server_is_down_sends_one_confirmation_when_it_is_back(
    smtp, settings, free_port, signup, run_tasks
):
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 60
    live_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()
    signup("ann@example.org")
    signup("ann@example.org")  # "I never got it": the reader asks again
    settings.EMAIL_PORT = live_port
    Delivery.objects.update(next_attempt_at=timezone.now())
    DBTaskResult.objects.update(run_after=timezone.now())
    run_tasks()
    sweep()
    assert smtp.counts() == {"ann@example.org": 1}
    statuses = Delivery.objects.order_by("pk").values_list("status", "last_error")
    assert [status for status, _ in statuses] == [Delivery.Status.SKIPPED, Delivery.Status.SENT]
    assert statuses[0][1] == "superseded"


def test_a_greylisted_confirmation_is_sent_again_and_arrives_once(smtp, signup):
    smtp.rcpt_replies_once["bob@example.org"] = "450 4.2.0 Greylisted, try again later"
    signup("bob@example.org")
    assert smtp.counts() == {"bob@example.org": 1}
    confirmation = Delivery.objects.get(kind=Delivery.Kind.CONFIRMATION)
    assert (confirmation.status, confirmation.attempts) == (Delivery.Status.SENT, 2)


def test_a_confirmation_refused_for_good_is_recorded_and_counted(smtp, signup):
    smtp.rcpt_replies["nobody@example.org"] = "550 5.1.1 No such user"
    signup("nobody@example.org")
    confirmation = Delivery.objects.get(kind=Delivery.Kind.CONFIRMATION)
    assert confirmation.status == Delivery.Status.FAILED
    assert confirmation.last_error.startswith("550 5.1.1")
    assert Subscriber.objects.get().bounce_count == 1


def test_a_briefing_sent_through_the_console_backend_is_recorded_as_sent(
    settings, published_briefing, readers, capsys
):
    """`make run` prints emails instead of sending them: a send must still finish."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    send, _ = briefing_send_create(briefing=published_briefing)
    sweep()
    assert set(send.deliveries.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert all(send.deliveries.values_list("message_id", flat=True))
    send.refresh_from_db()
    assert send.finished_at is not None
    printed = capsys.readouterr().out
    assert printed.count("\nSubject: ") == 10
    assert printed.count("Message-ID: <") == 10
