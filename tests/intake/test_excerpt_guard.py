"""The excerpt guard: editors see how much of the original an excerpt takes, and are warned
(never stopped) above the desk's limits and when the excerpt is the original's opening."""

import datetime

import pytest
from django.utils import timezone

from intake.models import ArticleSnapshot
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
ORIGINAL = " ".join(f"Sentence {n} of the original story, told in plain words." for n in range(40))


def change_page(client, excerpt):
    article = ArticleFactory(excerpt=excerpt)
    ArticleSnapshot.objects.create(
        article=article, url=article.original_url, body_text=ORIGINAL, captured_at=timezone.now()
    )
    return client.get(f"/admin/articles/article/{article.pk}/change/").text


def guard_of(page: str) -> str:
    return page[page.index('id="excerpt-guard"') :].split("</fieldset>")[0]


def test_a_short_excerpt_from_further_in_shows_its_size_without_warnings(editor_client):
    guard = guard_of(change_page(editor_client, "<p>Sentence 12 of the original story.</p>"))
    assert "<strong>6 words</strong>" in guard and "<strong>2%</strong>" in guard
    assert "of the original's 400 words" in guard
    assert "intake-warning" not in guard


def test_a_long_excerpt_of_the_opening_is_warned_about_but_saved(editor_client, settings):
    settings.INTAKE_EXCERPT_WARN_WORDS = 50
    settings.INTAKE_EXCERPT_WARN_SHARE = 0.1
    opening = " ".join(ORIGINAL.split()[:90])
    guard = guard_of(change_page(editor_client, f"<p>{opening}</p>"))
    assert "The excerpt is 90 words long, more than the desk&#x27;s limit of 50" in guard
    assert "takes 22% of the original&#x27;s text (the desk&#x27;s limit is 10%)" in guard
    assert "the original&#x27;s opening paragraphs" in guard and "Meltwater" in guard


def test_without_a_snapshot_there_is_no_guard(editor_client):
    article = ArticleFactory(original_date=datetime.date(2024, 3, 1))
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").text
    assert 'id="excerpt-guard"' not in page
