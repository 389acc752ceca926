"""An admin edits the site's settings in the desk; pages and emails follow at once; the
environment's values remain the defaults; the demo fills the seed page's support box."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core.models import SiteSettings
from core.site_settings import current
from subscribers.emails import briefing_subject
from tests.factories import ArticleFactory, briefing_of

pytestmark = pytest.mark.django_db
URL = "/admin/core/sitesettings/1/change/"


def form(**fields) -> dict:
    data = {
        "site_name": "", "tagline": "", "footer_text": "", "donation_text": "",
        "donation_url": "", "membership_text": "", "membership_url": "", "email_subject": "",
    }  # fmt: skip
    return {**data, **fields}


def png(size: int = 8) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def published_briefing():
    return briefing_of([ArticleFactory(status="published")])


def test_without_settings_the_environment_gives_the_defaults(settings, client):
    settings.DONATION_URL = "https://env.example/give"
    settings.DONATION_TEXT = "Give"
    site = current()
    assert site.name == settings.SITE_NAME
    assert site.support_links == [
        {"url": "https://env.example/give", "text": "Give", "kind": "donate"}
    ]


def test_an_admin_sets_the_site_and_pages_and_emails_follow(
    superuser_client, client, published_briefing, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    superuser_client.get("/admin/core/sitesettings/")  # the one row, made on first visit
    response = superuser_client.post(
        URL,
        form(
            site_name="CIJR Daily Briefing",
            tagline="Israel and the world, every morning",
            footer_text="© CIJR",
            donation_text="Donate CIJR",
            donation_url="https://cijr.example/donate",
            membership_text="Become a CIJR Supporting Member!",
            membership_url="https://cijr.example/member",
            email_subject="{site_name}: {weekday} {day} {month}",
            logo=png(),
        ),
    )
    assert response.status_code == 302, response.text[:2000]

    page = client.get(published_briefing.get_absolute_url()).text
    assert "CIJR Daily Briefing" in page and "Israel and the world, every morning" in page
    assert '<a href="https://cijr.example/donate">Donate CIJR</a>' in page
    assert '<a href="https://cijr.example/member">Become a CIJR Supporting Member!</a>' in page
    assert "© CIJR" in page and 'class="site-logo"' in page
    day = published_briefing.date
    assert briefing_subject(published_briefing) == (
        f"CIJR Daily Briefing: {day:%A} {day.day} {day:%B}"
    )


def test_settings_are_cached_and_a_save_shows_at_once(client):
    SiteSettings.objects.create(tagline="First")
    assert current().tagline == "First"
    with CaptureQueriesContext(connection) as captured:
        current()
    assert len(captured) == 0
    row = SiteSettings.objects.get()
    row.tagline = "Second"
    row.save()
    assert current().tagline == "Second"
    assert "Second" in client.get("/articles/").text


def test_editors_cannot_change_the_site_settings(editor_client):
    SiteSettings.objects.create()
    assert editor_client.get(URL).status_code == 403
    assert "Site settings" not in editor_client.get("/admin/").text


@pytest.mark.parametrize("pattern", ["{subject}", "{title", "{0}"])
def test_a_subject_pattern_with_unknown_fields_is_explained(superuser_client, pattern):
    SiteSettings.objects.create()
    response = superuser_client.post(URL, form(email_subject=pattern))
    assert "Use only {title}, {weekday}" in response.text


def test_a_logo_larger_than_1_mb_is_refused(superuser_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SiteSettings.objects.create()
    big = SimpleUploadedFile("logo.png", png().read() + b"\0" * (1024 * 1024), "image/png")
    response = superuser_client.post(URL, form(logo=big))
    assert "larger than 1 MB" in response.text


def test_the_demo_fills_the_support_box_as_the_seed_page_shows_it(client, demo):
    call_command("loaddata", "demo_site", verbosity=0)
    page = client.get("/").text
    assert "Donate CIJR" in page
    assert "Become a CIJR Supporting Member!" in page
