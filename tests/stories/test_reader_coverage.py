"""Readers see other coverage of a story on the article page and on briefing entries."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from briefing.models import Briefing
from core.site_settings import current
from stories.services import story_confirm
from tests.factories import archive, evaluation_article

pytestmark = pytest.mark.django_db

THIRD = "Wagner Group Sought Turkish Arms, Leaked Pentagon Papers Say"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_article_page_lists_other_coverage_of_its_story(client, seed_pair):
    cnn, rewrite = seed_pair
    story_confirm(article=cnn, other=rewrite)
    html = client.get(cnn.get_absolute_url()).content.decode()
    assert "Other coverage of this story" in html
    assert f'href="{rewrite.get_absolute_url()}"' in html
    assert 'IntegrityPress.org, <time datetime="2023-04-13">Apr. 13, 2023</time>' in html


def test_an_article_of_no_story_shows_no_other_coverage(client, seed_pair):
    html = client.get(seed_pair[0].get_absolute_url()).content.decode()
    assert "Other coverage of this story" not in html


def test_drafts_are_not_listed_as_other_coverage(client, seed_pair):
    cnn, rewrite = seed_pair
    draft = archive(evaluation_article(THIRD), status=Article.Status.DRAFT)
    story_confirm(article=cnn, other=draft)
    html = client.get(cnn.get_absolute_url()).content.decode()
    assert draft.title not in html
    assert "Other coverage of this story" not in html


def test_the_article_page_costs_the_same_queries_however_large_the_story(client, seed_pair):
    cnn, rewrite = seed_pair
    story_confirm(article=cnn, other=rewrite)
    current()  # the site settings are cached, as after any first page
    with CaptureQueriesContext(connection) as one_other:
        client.get(cnn.get_absolute_url())
    story_confirm(article=cnn, other=archive(evaluation_article(THIRD)))
    with CaptureQueriesContext(connection) as two_others:
        html = client.get(cnn.get_absolute_url()).content.decode()
    assert "Middle East Eye" in html
    assert len(two_others) == len(one_other)


def test_a_briefing_entry_says_who_else_covered_the_story(client, seed_pair):
    call_command("loaddata", "demo_briefings.json", verbosity=0)
    cnn, rewrite = seed_pair
    story_confirm(article=cnn, other=rewrite)
    url = Briefing.objects.get(date=datetime.date(2024, 9, 1)).get_absolute_url()
    html = client.get(url).content.decode()
    assert "Also covered by:" in html
    assert f'<a href="{rewrite.get_absolute_url()}">IntegrityPress.org</a>' in html


def test_a_new_story_shows_on_an_already_viewed_briefing(client, seed_pair):
    call_command("loaddata", "demo_briefings.json", verbosity=0)
    cnn, rewrite = seed_pair
    url = Briefing.objects.get(date=datetime.date(2024, 9, 1)).get_absolute_url()
    assert "Also covered by:" not in client.get(url).content.decode()
    story_confirm(article=cnn, other=rewrite)
    assert "Also covered by:" in client.get(url).content.decode()


def test_joining_two_stories_shows_on_an_already_viewed_briefing(
    client, seed_pair, wagner_in_mali
):
    call_command("loaddata", "demo_briefings.json", verbosity=0)
    cnn, rewrite = seed_pair
    story_confirm(article=cnn, other=wagner_in_mali)
    story_confirm(article=rewrite, other=archive(evaluation_article(THIRD)))
    url = Briefing.objects.get(date=datetime.date(2024, 9, 1)).get_absolute_url()
    rewrite_link = f'<a href="{rewrite.get_absolute_url()}">IntegrityPress.org</a>'
    assert rewrite_link not in client.get(url).content.decode()
    story_confirm(article=cnn, other=rewrite)  # the two stories become one
    assert rewrite_link in client.get(url).content.decode()
