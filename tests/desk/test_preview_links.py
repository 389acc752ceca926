"""A draft can be shown to someone without a desk login through a signed, expiring,
revocable, noindex preview link."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from briefing.models import Briefing
from core.models import PreviewLink
from tests.factories import ArticleFactory, briefing_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_article():
    return ArticleFactory(title="Embargoed scoop", status=Article.Status.DRAFT)


@pytest.fixture
def draft_briefing(draft_article):
    return briefing_of([draft_article], status=Briefing.Status.DRAFT, published_at=None)


def create_link(editor_client, admin_url: str) -> str:
    editor_client.post(admin_url + "preview-links/", {"_create": "1"})
    page = editor_client.get(admin_url + "preview-links/").text
    return page.split('class="preview-link-url"', 1)[0].rsplit('value="', 1)[1].split('"')[0]


def test_a_draft_briefing_opens_from_its_link_without_a_login(editor_client, draft_briefing):
    url = create_link(editor_client, f"/admin/briefing/briefing/{draft_briefing.pk}/")
    response = Client().get(url)
    assert response.status_code == 200
    assert "Embargoed scoop" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "Back to editing" not in response.text


def test_a_draft_article_opens_from_its_link_without_a_login(editor_client, draft_article):
    assert Client().get(draft_article.get_absolute_url()).status_code == 404
    url = create_link(editor_client, f"/admin/articles/article/{draft_article.pk}/")
    response = Client().get(url)
    assert response.status_code == 200
    assert "Embargoed scoop" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_revoked_link_no_longer_opens(editor_client, draft_article):
    admin_url = f"/admin/articles/article/{draft_article.pk}/"
    url = create_link(editor_client, admin_url)
    link = PreviewLink.objects.get()
    editor_client.post(admin_url + "preview-links/", {"_revoke": link.pk})
    assert Client().get(url).status_code == 404


def test_a_link_expires_after_the_configured_days(editor_client, draft_article, settings):
    settings.PREVIEW_LINK_DAYS = 2
    url = create_link(editor_client, f"/admin/articles/article/{draft_article.pk}/")
    link = PreviewLink.objects.get()
    assert link.expires_at - link.created_at == pytest.approx(
        datetime.timedelta(days=2), abs=datetime.timedelta(seconds=5)
    )
    PreviewLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(url).status_code == 404


def test_a_tampered_link_does_not_open(editor_client, draft_article):
    url = create_link(editor_client, f"/admin/articles/article/{draft_article.pk}/")
    assert Client().get(url[:-3] + "abc/").status_code == 404


def test_a_briefing_link_does_not_open_an_article(editor_client, draft_briefing, draft_article):
    url = create_link(editor_client, f"/admin/briefing/briefing/{draft_briefing.pk}/")
    assert (
        Client().get(url.replace("/preview/briefings/", "/preview/articles/")).status_code == 404
    )


def test_the_change_form_offers_to_share_a_preview(editor_client, draft_article):
    page = editor_client.get(f"/admin/articles/article/{draft_article.pk}/change/").text
    assert "Share a preview link" in page
