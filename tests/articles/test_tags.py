"""Tags an editor types are saved in a few queries, and behave as django-taggit's do."""

import pytest
from django.db.models.signals import m2m_changed
from taggit.models import Tag

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_setting_tags_keeps_some_drops_others_and_adds_new_ones(client):
    article = ArticleFactory(tag_names=["grain", "ukraine"])
    article.tags.set(["ukraine", "wheat"])
    assert sorted(article.tags.names()) == ["ukraine", "wheat"]
    assert article.title in main_of(client.get("/tags/wheat/"))
    grain = client.get("/tags/grain/")  # the tag stays, now without the article
    assert grain.status_code == 200 and article.title not in main_of(grain)


def test_a_name_whose_slug_is_taken_gets_a_slug_of_its_own():
    ArticleFactory(tag_names=["ukraine"])
    article = ArticleFactory(tag_names=["Ukraine"])
    assert list(article.tags.names()) == ["Ukraine"]
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["ukraine", "ukraine_1"]


def test_tags_shared_by_articles_are_one_tag_each():
    first = ArticleFactory(tag_names=["grain", "wheat"])
    second = ArticleFactory()
    second.tags.set(["wheat", "grain", "grain"])
    assert Tag.objects.count() == 2
    assert set(first.tags.all()) == set(second.tags.all())


def test_adding_and_removing_sends_the_usual_signals():
    article = ArticleFactory(tag_names=["grain"])
    heard = []

    def listener(sender, action, pk_set, **kwargs):
        heard.append((action, {Tag.objects.get(pk=pk).name for pk in pk_set or ()}))

    m2m_changed.connect(listener, sender=article.tags.through)
    try:
        article.tags.set(["wheat"])
    finally:
        m2m_changed.disconnect(listener, sender=article.tags.through)
    assert heard == [
        ("pre_remove", {"grain"}),
        ("post_remove", {"grain"}),
        ("pre_add", {"wheat"}),
        ("post_add", {"wheat"}),
    ]
