"""Editors see same-story candidates on the article form."""

import pytest
from django.urls import reverse

from tests.factories import archive, evaluation_article

pytestmark = pytest.mark.django_db


def change_page(client, article):
    return client.get(reverse("admin:articles_article_change", args=[article.pk]))


def candidates_on(page) -> str:
    html = page.content.decode()
    return html[html.index('id="same-story"') :]


def test_the_rewrite_is_flagged_as_the_same_story_as_the_cnn_article(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    panel = candidates_on(change_page(editor_client, cnn))
    assert "Possibly the same story" in panel
    assert rewrite.title in panel
    assert "IntegrityPress.org" in panel
    assert "Apr. 13, 2023" in panel


def test_the_cnn_article_is_flagged_from_the_rewrite_and_came_first(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    panel = candidates_on(change_page(editor_client, rewrite))
    assert cnn.title in panel
    assert "First reported by CNN, Apr. 12, 2023" in panel


def test_wagner_in_mali_is_not_flagged_for_wagner_buying_turkish_weapons(
    editor_client, seed_pair, wagner_in_mali, grain_deal
):
    cnn, rewrite = seed_pair
    for article in (cnn, rewrite):
        panel = candidates_on(change_page(editor_client, article))
        assert wagner_in_mali.title not in panel
        assert grain_deal.title not in panel
    panel = candidates_on(change_page(editor_client, wagner_in_mali))
    assert cnn.title not in panel
    assert "No other article in the archive looks like the same story." in panel


def test_a_paraphrase_with_another_title_is_found_among_unrelated_coverage(
    editor_client, seed_pair
):
    archive(evaluation_article("Pardoned Wagner Convicts Return Home, and Some Return to Crime"))
    third = archive(
        evaluation_article("Wagner Group Sought Turkish Arms, Leaked Pentagon Papers Say")
    )
    panel = candidates_on(change_page(editor_client, third))
    assert seed_pair[0].title in panel and seed_pair[1].title in panel
    assert "Pardoned Wagner Convicts" not in panel


def test_an_article_being_added_shows_candidates_from_the_posted_text(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    page = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Wagner tried to buy Turkish arms",
            "original_date": "2023-04-14",
            "excerpt": rewrite.excerpt,
            "original_url": "",  # invalid on purpose: the form comes back with candidates
        },
    )
    assert page.status_code == 200
    panel = candidates_on(page)
    assert cnn.title in panel
    assert "Save the article to confirm or dismiss." in panel


def test_saving_an_article_with_candidates_points_the_editor_to_them(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    page = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Wagner reportedly sought weapons in Turkey",
            "slug": "wagner-sought-weapons-in-turkey",
            "source": rewrite.source_id,
            "original_date": "2023-04-14",
            "original_url": "https://example.org/wagner-turkey",
            "excerpt": rewrite.excerpt,
            "status": "draft",
            "article_authors-TOTAL_FORMS": "0",
            "article_authors-INITIAL_FORMS": "0",
            "article_authors-MIN_NUM_FORMS": "0",
            "article_authors-MAX_NUM_FORMS": "1000",
        },
        follow=True,
    )
    html = page.content.decode()
    assert "may report the same story as 2 archived article(s)" in html
    assert '#same-story">review them</a>' in html
