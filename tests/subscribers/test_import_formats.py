"""The old site's subscribers come in as the tools exported them: a Gravity Forms entries
export, a Mailchimp audience export (subscribed, unsubscribed and cleaned files), and keep
the states they had there."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from subscribers.models import Subscriber
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/subscribers/subscriber/import/"
MAILCHIMP = (
    '"Email Address","First Name","Last Name",Address,"Phone Number",MEMBER_RATING,OPTIN_TIME,'
    "OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,"
    "LAST_CHANGED,LEID,EUID,NOTES,TAGS"
)
MAILCHIMP_UNSUB = MAILCHIMP + (
    ",UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER"
)
MAILCHIMP_CLEANED = MAILCHIMP + ",CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID"
# CONFIRM_IP through TAGS: the columns after CONFIRM_TIME, as Mailchimp fills them.
EMPTY_MC = "," + ",".join(
    ["", "", "", "", "", "", "", "", "2024-05-01 10:00:00", "1", "a", "", ""]
)


def upload(admin_client, text, name="export.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")
    return admin_client.post(IMPORT, {"csv_file": file}, follow=True).text


def test_a_gravity_forms_entries_export_adds_its_subscribers(admin_client):
    csv = (
        '"Name (First)","Name (Last)",Email,"Entry Id","Entry Date","Date Updated",'
        '"Source Url","Transaction Id","Payment Amount","Payment Date","Payment Status",'
        '"Post Id","User Agent","User IP"\n'
        'Dana,Levi,dana@example.org,41,"2023-04-12 10:15:00","2023-04-12 10:15:00",'
        "https://briefing.example.org/,,,,,,Mozilla/5.0,203.0.113.5\n"
        ',,READER@Example.ORG,42,"2023-04-13 08:00:00","2023-04-13 08:00:00",'
        "https://briefing.example.org/,,,,,,Mozilla/5.0,203.0.113.6\n"
    )
    page = upload(admin_client, csv)
    assert "2 added, 0 already subscribed" in page
    dana = Subscriber.objects.get(email="dana@example.org")
    assert (dana.name, dana.status) == ("Dana Levi", Subscriber.Status.ACTIVE)
    assert dana.confirmed_at.isoformat() == "2023-04-12T10:15:00+00:00"
    assert Subscriber.objects.filter(email="READER@example.org").exists()


def test_mailchimp_subscribed_unsubscribed_and_cleaned_keep_their_states(admin_client):
    subscribed = (
        f"{MAILCHIMP}\nnora@example.org,Nora,Katz,,,2,2022-01-03 09:00:00,,"
        f"2022-01-03 09:05:00{EMPTY_MC}\n"
    )
    unsubscribed = (
        f"{MAILCHIMP_UNSUB}\nomar@example.org,Omar,Haddad,,,2,2021-01-01 09:00:00,,"
        f"2021-01-01 09:05:00{EMPTY_MC},2023-06-01 12:00:00,Daily Briefing,c1,NORMAL,\n"
    )
    cleaned = (
        f"{MAILCHIMP_CLEANED}\ngone@example.org,,,,,1,,,{EMPTY_MC},"
        "2023-07-01 12:00:00,Daily Briefing,c2\n"
    )
    upload(admin_client, subscribed)
    page = upload(admin_client, unsubscribed)
    assert "From the old list: 1 unsubscribed and 0 bounced addresses, kept so." in page
    upload(admin_client, cleaned)
    nora = Subscriber.objects.get(email="nora@example.org")
    assert (nora.name, nora.status) == ("Nora Katz", "active")
    assert nora.confirmed_at.isoformat() == "2022-01-03T09:05:00+00:00"
    omar = Subscriber.objects.get(email="omar@example.org")
    assert omar.status == "unsubscribed"
    assert omar.unsubscribed_at.isoformat() == "2023-06-01T12:00:00+00:00"
    assert Subscriber.objects.get(email="gone@example.org").status == "bounced"
    # Re-importing the subscribed list later never resurrects them.
    upload(admin_client, f"{MAILCHIMP}\nomar@example.org,Omar,Haddad,,,2,,,{EMPTY_MC}\n")
    assert Subscriber.objects.get(email="omar@example.org").status == "unsubscribed"


def test_who_unsubscribed_on_the_old_list_is_unsubscribed_here_too(admin_client):
    reader = SubscriberFactory(email="leah@example.org", status=Subscriber.Status.ACTIVE)
    upload(
        admin_client,
        f"{MAILCHIMP_UNSUB}\nleah@example.org,Leah,,,,2,,,{EMPTY_MC},2024-01-01 00:00:00,,,,\n",
    )
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.receiving("briefing").filter(pk=reader.pk).count() == 0


def test_a_status_column_keeps_states_and_pending_rows_are_not_opted_in(admin_client):
    csv = (
        "email,name,status\n"
        "a@example.org,A,subscribed\n"
        "b@example.org,B,unsubscribed\n"
        "c@example.org,C,cleaned\n"
        "d@example.org,D,pending\n"
    )
    page = upload(admin_client, csv)
    states = dict(Subscriber.objects.values_list("email", "status"))
    assert states == {
        "a@example.org": "active",
        "b@example.org": "unsubscribed",
        "c@example.org": "bounced",
    }
    assert "never confirmed on the old list" in page


def test_the_import_page_names_the_formats_it_reads(admin_client):
    page = admin_client.get(IMPORT).text
    assert "Gravity Forms entries export" in page and "Mailchimp audience export" in page
