import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article
from briefing.models import Briefing, BriefingEntry
from tests.factories import (
    ArticleFactory,
    BriefingFactory,
    briefing_change_url,
    briefing_form_data,
    briefing_of,
)

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/briefing/briefing/add/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_editor_composes_a_briefing_with_sections_in_order(editor_client):
    one, two, three = ArticleFactory.create_batch(3)
    data = briefing_form_data(
        articles=[one, two, three], sections={one.pk: "Israel", three.pk: "Ukraine"}
    )

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    briefing = Briefing.objects.get(date=datetime.date(2024, 9, 10))
    assert briefing.status == Briefing.Status.DRAFT
    entries = list(briefing.entries.values_list("article_id", "section"))
    assert entries == [(one.pk, "Israel"), (two.pk, ""), (three.pk, "Ukraine")]


def test_new_briefing_form_offers_the_first_free_day(editor_client):
    today = timezone.localdate()
    BriefingFactory(date=today)
    page = editor_client.get(ADD_URL)
    assert page.status_code == 200
    assert (today + datetime.timedelta(days=1)).isoformat() in page.content.decode()


def test_publishing_publishes_the_draft_articles_and_says_which(editor_client):
    draft = ArticleFactory(title="Fresh draft", status=Article.Status.DRAFT)
    briefing = briefing_of([ArticleFactory(), draft], status=Briefing.Status.DRAFT)

    response = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing, _publish="1"), follow=True
    )

    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
    assert briefing.published_at is not None
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert any("“Fresh draft”" in m and "published with it" in m for m in messages_of(response))
    assert editor_client.get(briefing.get_absolute_url()).status_code == 200


def test_an_empty_briefing_cannot_be_published(editor_client):
    briefing = BriefingFactory(status=Briefing.Status.DRAFT, published_at=None)

    response = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing, _publish="1"), follow=True
    )

    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DRAFT
    assert any("empty briefing cannot be published" in m for m in messages_of(response))


def test_scheduling_needs_a_time_and_then_holds_the_briefing_back(editor_client):
    briefing = briefing_of([ArticleFactory()], status=Briefing.Status.DRAFT, published_at=None)

    response = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing, _schedule="1"), follow=True
    )
    assert any("Set “Publish at”" in m for m in messages_of(response))

    briefing.refresh_from_db()
    data = briefing_form_data(
        briefing, _schedule="1", publish_at_0="2099-01-01", publish_at_1="06:00"
    )
    response = editor_client.post(briefing_change_url(briefing), data, follow=True)

    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.SCHEDULED
    assert any("Scheduled" in m for m in messages_of(response))
    editor_client.logout()
    assert editor_client.get(briefing.get_absolute_url()).status_code == 404


def test_second_editor_is_told_the_briefing_changed_in_between(editor_client):
    briefing = briefing_of([ArticleFactory()], status=Briefing.Status.DRAFT, published_at=None)
    first_editor_form = briefing_form_data(briefing, title="First editor's title")
    second_editor_form = briefing_form_data(briefing, title="Second editor's title")

    assert editor_client.post(briefing_change_url(briefing), first_editor_form).status_code == 302
    response = editor_client.post(briefing_change_url(briefing), second_editor_form)

    assert response.status_code == 200
    assert "Someone else saved this briefing after you opened it" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.title == "First editor's title"


def test_adding_this_weeks_articles_skips_those_already_in_a_briefing(editor_client):
    taken = ArticleFactory(title="Already used")
    briefing_of([taken], date=datetime.date(2024, 9, 1))
    fresh = ArticleFactory.create_batch(2)
    old = ArticleFactory(title="Last month's")
    Article.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    briefing = BriefingFactory(status=Briefing.Status.DRAFT, published_at=None)

    response = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing, _add_recent="1"), follow=True
    )

    assert list(briefing.entries.values_list("article_id", flat=True)) == [a.pk for a in fresh]
    assert any("Added 2 article(s)" in m for m in messages_of(response))


def test_editor_is_warned_when_an_article_is_already_in_another_briefing(editor_client):
    shared = ArticleFactory(title="Twice used")
    briefing_of([shared], date=datetime.date(2024, 9, 1))
    briefing = briefing_of([shared], date=datetime.date(2024, 9, 2), status=Briefing.Status.DRAFT)

    page = editor_client.get(briefing_change_url(briefing)).content.decode()
    assert "Already in another briefing" in page
    assert "Sunday, September 1, 2024" in page

    response = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing), follow=True
    )
    assert any("“Twice used” is also in the briefing of" in m for m in messages_of(response))


def test_preview_shows_a_draft_exactly_as_readers_will_see_it_to_staff_only(editor_client):
    draft_article = ArticleFactory(title="Not yet public", status=Article.Status.DRAFT)
    briefing = briefing_of([draft_article], status=Briefing.Status.DRAFT, published_at=None)
    preview_url = f"/admin/briefing/briefing/{briefing.pk}/preview/"

    preview = editor_client.get(preview_url)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Not yet public" in page
    assert "Get the Daily Briefing by Email" in page
    assert "Preview of a draft briefing" in page

    editor_client.logout()
    assert editor_client.get(preview_url).status_code == 302  # to the login page
    assert editor_client.get(briefing.get_absolute_url()).status_code == 404


def test_change_form_links_to_the_preview(editor_client):
    briefing = briefing_of([ArticleFactory()], status=Briefing.Status.DRAFT)
    page = editor_client.get(briefing_change_url(briefing)).content.decode()
    assert f"/admin/briefing/briefing/{briefing.pk}/preview/" in page


def test_entries_keep_a_reordering_made_in_the_form(editor_client):
    first, second = ArticleFactory.create_batch(2)
    briefing = briefing_of([first, second], status=Briefing.Status.DRAFT)
    data = briefing_form_data(briefing)
    data["entries-0-position"], data["entries-1-position"] = 2, 1  # what the drag and drop sends

    assert editor_client.post(briefing_change_url(briefing), data).status_code == 302

    assert list(
        BriefingEntry.objects.filter(briefing=briefing).values_list("article_id", flat=True)
    ) == [
        second.pk,
        first.pk,
    ]


def test_editors_group_holds_the_briefing_permissions():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_briefing", "change_briefing", "view_briefing", "add_briefingentry"} <= codenames


def test_change_form_offers_the_email_previews_and_a_test_email(editor_client):
    briefing = briefing_of([ArticleFactory()], status=Briefing.Status.DRAFT)
    page = editor_client.get(briefing_change_url(briefing)).content.decode()
    assert f"/subscribers/briefings/{briefing.pk}/email.html" in page
    assert f"/subscribers/briefings/{briefing.pk}/email.txt" in page
    assert f'action="/subscribers/briefings/{briefing.pk}/send-test/"' in page


def test_unpublishing_takes_the_briefing_off_the_site(editor_client):
    briefing = briefing_of([ArticleFactory()])
    response = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing, _unpublish="1"), follow=True
    )
    assert any("off the site" in m for m in messages_of(response))
    editor_client.logout()
    assert editor_client.get(briefing.get_absolute_url()).status_code == 404


def test_unknown_briefing_preview_is_a_404(editor_client):
    assert editor_client.get("/admin/briefing/briefing/999/preview/").status_code == 404


def test_briefing_list_finds_briefings_by_article_title_and_publishes_in_bulk(editor_client):
    wanted = briefing_of(
        [ArticleFactory(title="Needle story")], date=datetime.date(2024, 9, 3), status="draft"
    )
    briefing_of([ArticleFactory(title="Haystack")], date=datetime.date(2024, 9, 4), status="draft")
    empty = BriefingFactory(date=datetime.date(2024, 9, 5), status="draft", published_at=None)

    listing = editor_client.get("/admin/briefing/briefing/", {"q": "Needle"}).content.decode()
    assert "Sept. 3, 2024" in listing or "Sep. 3, 2024" in listing
    assert "Sept. 4, 2024" not in listing and "Sep. 4, 2024" not in listing

    response = editor_client.post(
        "/admin/briefing/briefing/",
        {"action": "publish_selected", "_selected_action": [wanted.pk, empty.pk]},
        follow=True,
    )
    wanted.refresh_from_db()
    empty.refresh_from_db()
    assert wanted.status == Briefing.Status.PUBLISHED
    assert empty.status == Briefing.Status.DRAFT
    assert any("empty briefing cannot be published" in m for m in messages_of(response))
