"""The desk's dashboard: charts and tables of counts, for editors, with no personal data."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_editors_see_subscribers_sends_and_the_archive_charted_and_tabled(
    editor_client, activity, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = editor_client.get("/admin/dashboard/")
    assert response.status_code == 200
    page = response.content.decode()
    for title in ["Signups", "Confirmations", "Unsubscribes", "Bounces", "Delivered", "Failed"]:
        assert f">{title}</title>" in page
    today = timezone.localdate()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    # Today: 5 signups, 1 unsubscribe, 1 bounce; the factory's readers confirmed yesterday.
    assert f'<th scope="row">{today}</th><td>5</td><td>0</td><td>1</td><td>1</td></tr>' in page
    assert f'<th scope="row">{yesterday}</th><td>0</td><td>5</td><td>0</td><td>0</td>' in page
    assert '<tr><th scope="row">2024-09-01</th><td>3</td><td>1</td></tr>' in page
    assert ">Wire Service</title>" in page
    assert "<strong>Wire Service</strong>: 3 in all" in page


def test_the_dashboard_shows_no_subscriber_address_or_name(editor_client, activity):
    page = editor_client.get("/admin/dashboard/").content.decode()
    assert "@example.org" not in page.replace("desk@example.org", "")  # the editor's own
    assert "Private Person" not in page and "Lee Leaver" not in page


def test_the_desk_home_links_to_the_dashboard(editor_client):
    page = editor_client.get("/admin/").content.decode()
    assert 'href="/admin/dashboard/"' in page


def test_readers_are_sent_to_the_login_page(client):
    response = client.get("/admin/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_empty_site_says_so_instead_of_drawing_nothing(editor_client):
    page = editor_client.get("/admin/dashboard/").content.decode()
    assert "None in this period." in page
    assert page.count("No data yet.") == 1  # no send yet: no rows
