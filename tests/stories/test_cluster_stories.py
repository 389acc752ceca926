"""`manage.py cluster_stories` backfills stories over the existing archive."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from stories.models import Fingerprint, PairDecision, Story, StoryArticle
from tests.factories import archive, evaluation_article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("cluster_stories", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot():
    return (
        sorted(StoryArticle.objects.values_list("story_id", "article_id")),
        sorted(PairDecision.objects.values_list("first_id", "second_id", "verdict")),
    )


def test_backfill_links_the_seed_pair_and_leaves_hard_negatives_apart(seed_pair, wagner_in_mali):
    Fingerprint.objects.all().delete()  # as if the archive predated same-story detection
    output = run()
    assert f"Fingerprinted {Article.objects.count()} article(s)." in output
    story = StoryArticle.objects.get(article_id=1).story
    assert {m.article_id for m in story.members.all()} == {1, 2}
    assert not StoryArticle.objects.filter(article=wagner_in_mali).exists()


def test_an_archive_copied_in_without_search_vectors_is_fingerprinted_too(seed_pair):
    """Rows loaded behind Django's back (a copy, a restore of old data) have neither."""
    Fingerprint.objects.all().delete()
    Article.objects.update(search_vector=None)
    output = run()
    assert f"Fingerprinted {Article.objects.count()} article(s)." in output
    assert Fingerprint.objects.count() == Article.objects.count()
    assert StoryArticle.objects.filter(article_id__in=[1, 2]).count() == 2


def test_running_the_backfill_twice_changes_nothing(seed_pair, wagner_in_mali):
    run()
    before = snapshot()
    assert "linked 0 pair(s)" in run()
    assert "Checked 0 article(s)" in run()
    assert "linked 0 pair(s)" in run("--restart")
    assert snapshot() == before


def test_the_backfill_resumes_after_the_last_article_it_processed(seed_pair):
    run()
    assert not Fingerprint.objects.filter(clustered=False).exists()
    third = archive(
        evaluation_article("Wagner Group Sought Turkish Arms, Leaked Pentagon Papers Say")
    )
    output = run()
    assert "Checked 1 article(s)" in output
    assert (
        StoryArticle.objects.get(article=third).story
        == StoryArticle.objects.get(article_id=1).story
    )


def test_a_dismissed_pair_is_never_auto_linked(seed_pair):
    from stories.services import pair_dismiss

    pair_dismiss(article=seed_pair[0], other=seed_pair[1])
    run()
    assert not StoryArticle.objects.filter(article_id__in=[1, 2]).exists()


def test_dry_run_links_nothing(seed_pair):
    assert "would link" in run("--dry-run")
    assert not Story.objects.exists()


def test_a_bad_batch_size_is_a_clear_error(seed_pair):
    with pytest.raises(CommandError, match="--batch-size"):
        run("--batch-size", "0")


def test_a_limited_run_stops_and_the_next_one_carries_on(seed_pair):
    total = Article.objects.count()
    assert "Checked 1 article(s)" in run("--limit", "1")
    assert f"Checked {total - 1} article(s)" in run()
    assert StoryArticle.objects.filter(article_id__in=[1, 2]).count() == 2
