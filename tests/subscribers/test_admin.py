"""The desk's view of subscribers and sends: counts, CSV in and out, failures, previews."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.services import briefing_send_create
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/subscribers/subscriber/"


@pytest.fixture
def mixed_list(db):
    SubscriberFactory.reset_sequence(0)
    SubscriberFactory.create_batch(3)
    SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    SubscriberFactory(email="bounced@example.org", status=Subscriber.Status.BOUNCED)
    SubscriberFactory(email="new@example.org", status=Subscriber.Status.PENDING)


def test_the_list_shows_counts_by_status(admin_client, mixed_list):
    page = admin_client.get(CHANGELIST).text
    assert "<strong>Active:</strong> 3" in page
    assert "<strong>Unsubscribed:</strong> 1" in page
    assert "<strong>Bounced:</strong> 1" in page
    assert "<strong>Pending confirmation:</strong> 1" in page


def test_the_list_filters_by_status_and_searches(admin_client, mixed_list):
    page = admin_client.get(CHANGELIST, {"status__exact": "unsubscribed"}).text
    assert "gone@example.org" in page and "bounced@example.org" not in page
    page = admin_client.get(CHANGELIST, {"q": "bounced"}).text
    assert "bounced@example.org" in page and "gone@example.org" not in page


def test_editors_cannot_see_subscribers(client, editor, mixed_list):
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(CHANGELIST + "export/").status_code == 403
    assert client.get("/admin/subscribers/briefingsend/").status_code == 403


def test_export_streams_every_subscriber_as_csv(admin_client, mixed_list):
    response = admin_client.get(CHANGELIST + "export/")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "email,name,status,created_at,confirmed_at,unsubscribed_at"
    assert len(lines) == 7
    assert any(line.startswith("gone@example.org,") for line in lines)


def test_the_export_action_exports_the_selection(admin_client, mixed_list):
    chosen = Subscriber.objects.get(email="gone@example.org")
    data = {"action": "export_csv", "_selected_action": [chosen.pk]}
    response = admin_client.post(CHANGELIST, data)
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("gone@example.org,")


def test_import_never_resurrects_unsubscribed_or_bounced(admin_client, mixed_list):
    csv = (
        "email,name\n"
        "fresh@Example.ORG,Fresh Reader\n"
        "gone@example.org,Gone\n"
        "BOUNCED@example.org,\n"
        "reader0@example.org,Renamed\n"
        "not an address,\n"
    )
    upload = SimpleUploadedFile("list.csv", csv.encode(), content_type="text/csv")
    response = admin_client.post(CHANGELIST + "import/", {"csv_file": upload}, follow=True)
    page = response.text
    assert "1 added, 1 already subscribed, 2 kept unsubscribed or bounced, 1 rejected" in page
    assert "Line 6: &#x27;not an address&#x27; is not an email address" in page
    fresh = Subscriber.objects.get(email="fresh@example.org")
    assert (fresh.status, fresh.name) == (Subscriber.Status.ACTIVE, "Fresh Reader")
    assert Subscriber.objects.get(email="gone@example.org").status == "unsubscribed"
    assert Subscriber.objects.get(email="bounced@example.org").status == "bounced"


def test_the_import_page_explains_the_columns(admin_client):
    page = admin_client.get(CHANGELIST + "import/").text
    assert "Columns: email, name" in page


@pytest.fixture
def send_with_failure(published_briefing, mixed_list):
    send, _ = briefing_send_create(briefing=published_briefing)
    first, *rest = send.deliveries.order_by("pk")
    Delivery.objects.filter(pk=first.pk).update(
        status=Delivery.Status.FAILED, attempts=1, last_error="550 5.1.1 No such user"
    )
    Delivery.objects.filter(pk__in=[d.pk for d in rest]).update(status=Delivery.Status.SENT)
    return send


def test_a_send_shows_counts_by_state_and_its_failures(admin_client, send_with_failure):
    page = admin_client.get("/admin/subscribers/briefingsend/").text
    assert "Sent: 2" in page and "Failed: 1" in page
    page = admin_client.get(f"/admin/subscribers/briefingsend/{send_with_failure.pk}/change/").text
    assert "550 5.1.1 No such user" in page


def test_retry_failed_puts_failures_back_in_the_queue(admin_client, send_with_failure):
    data = {"action": "retry_failed", "_selected_action": [send_with_failure.pk]}
    response = admin_client.post("/admin/subscribers/briefingsend/", data, follow=True)
    assert "1 failed deliveries queued again." in response.text
    assert send_with_failure.deliveries.filter(status="pending").count() == 1
    assert BriefingSend.objects.get().finished_at is None


def test_staff_preview_the_email_as_a_subscriber_gets_it(admin_client, published_briefing):
    html = admin_client.get(f"/subscribers/briefings/{published_briefing.pk}/email.html").text
    assert "Good morning, Sample Reader." in html
    assert "Leaked US Military Document" in html and 'style="' in html
    response = admin_client.get(f"/subscribers/briefings/{published_briefing.pk}/email.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Zachary Cohen and Jennifer Hansler" in response.text
    assert "Unsubscribe: http" in response.text


def test_readers_cannot_see_previews(client, published_briefing):
    response = client.get(f"/subscribers/briefings/{published_briefing.pk}/email.html")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert client.get("/subscribers/briefings/999/email.txt").status_code == 302


def test_a_test_email_goes_to_the_editors_own_address(
    client, editor, published_briefing, mailoutbox
):
    client.force_login(editor)
    url = f"/subscribers/briefings/{published_briefing.pk}/send-test/"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.url == f"/admin/briefing/briefing/{published_briefing.pk}/change/"
    (message,) = mailoutbox
    assert message.to == ["Dana <desk@example.org>"]
    assert message.subject == "Daily Briefing — Sunday, September 1, 2024"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Subscriber.objects.filter(email="desk@example.org").exists()


def test_a_test_email_without_an_address_says_so(client, editor, published_briefing):
    editor.email = ""
    editor.save()
    client.force_login(editor)
    url = f"/subscribers/briefings/{published_briefing.pk}/send-test/"
    response = client.post(url, follow=True)
    assert "Your account has no email address" in response.text


def test_send_briefing_dry_run_counts_recipients(published_briefing, mixed_list):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("send_briefing", "2024-09-01", "--dry-run", stdout=out)
    assert "Dry run: 3 subscribers would receive" in out.getvalue()
    assert not BriefingSend.objects.exists()
