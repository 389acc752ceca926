"""Editors confirm ("Same story") or dismiss ("Not the same") a candidate, and it sticks."""

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import PairDecision, Story
from tests.factories import archive, evaluation_article

pytestmark = pytest.mark.django_db


def decide(client, article, other, verdict):
    url = reverse("admin:articles_article_same_story_decide", args=[article.pk, other.pk, verdict])
    return client.post(url, follow=True)


def panel_of(client, article) -> str:
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    return html[html.index('id="same-story"') :]


def test_confirming_puts_both_articles_in_one_story(editor_client, seed_pair, editor):
    cnn, rewrite = seed_pair
    page = decide(editor_client, cnn, rewrite, "same")
    assert "is now in the same story" in page.content.decode()
    story = Story.objects.get()
    assert {m.article_id for m in story.members.all()} == {cnn.pk, rewrite.pk}
    assert PairDecision.objects.get().decided_by == editor
    panel = panel_of(editor_client, rewrite)
    assert "In this story" in panel and cnn.title in panel
    assert "First reported by CNN, Apr. 12, 2023" in panel


def test_a_third_confirmed_article_joins_the_existing_story(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    third = archive(
        evaluation_article("Wagner Group Sought Turkish Arms, Leaked Pentagon Papers Say")
    )
    decide(editor_client, cnn, rewrite, "same")
    decide(editor_client, third, rewrite, "same")
    story = Story.objects.get()
    assert story.members.count() == 3


def test_a_dismissed_pair_is_not_proposed_again_from_either_side(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    page = decide(editor_client, cnn, rewrite, "different")
    assert "will not be proposed again" in page.content.decode()
    assert PairDecision.objects.get().verdict == PairDecision.Verdict.DIFFERENT
    assert rewrite.title not in panel_of(editor_client, cnn)
    assert cnn.title not in panel_of(editor_client, rewrite)
    assert not Story.objects.exists()


def test_not_the_same_takes_an_article_out_of_its_story(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    decide(editor_client, cnn, rewrite, "same")
    decide(editor_client, cnn, rewrite, "different")
    assert not Story.objects.exists()
    assert PairDecision.objects.get().verdict == PairDecision.Verdict.DIFFERENT


def test_decisions_need_a_post_from_staff_with_a_csrf_token(client, editor, seed_pair):
    cnn, rewrite = seed_pair
    url = reverse("admin:articles_article_same_story_decide", args=[cnn.pk, rewrite.pk, "same"])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(editor)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(url).status_code == 403
    assert not Story.objects.exists()


def test_an_unknown_verdict_or_article_is_refused(editor_client, seed_pair):
    cnn, rewrite = seed_pair
    url = reverse("admin:articles_article_same_story_decide", args=[cnn.pk, rewrite.pk, "maybe"])
    assert editor_client.post(url).status_code == 403
    missing = reverse("admin:articles_article_same_story_decide", args=[cnn.pk, 999, "same"])
    assert editor_client.post(missing).status_code == 404
    assert not PairDecision.objects.exists()
