"""What a new reader notices first: long lists, repeated titles, two dates, stray spaces,
quotes cut mid-word, doubled quotation marks, relative links in feeds."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from briefing.models import Briefing
from tests.factories import ArticleFactory, briefing_of

pytestmark = pytest.mark.django_db

LONG_EXCERPT = "<p>First paragraph of the excerpt.</p>" + "<p>More of the story here.</p>" * 30


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]


def test_article_lists_show_summaries_and_link_each_article(client):
    ArticleFactory.create_batch(25)
    article = ArticleFactory(title="Long story", excerpt=LONG_EXCERPT, label="Analysis")
    for path in ("/articles/", f"/sources/{article.source.slug}/"):
        page = main_of(client.get(path))
        assert 'class="excerpt"' not in page  # no excerpt in full
        assert page.count("More of the story here.") <= 10  # a summary, not 30 paragraphs
        assert f'<a href="{article.get_absolute_url()}" class="more">Read the excerpt' in page
        assert '<span class="label">Analysis</span>' in page
    assert main_of(client.get("/articles/")).count('class="entry entry-summary"') == 20
    assert client.get("/articles/?page=2").status_code == 200
    # The article's own page still has the excerpt in full.
    assert main_of(client.get(article.get_absolute_url())).count("More of the story here.") == 30


def test_a_summary_never_shows_markup_or_entities(client):
    ArticleFactory(excerpt="<p>Tom &amp; Jerry&nbsp;<strong>met</strong> at&nbsp;noon.</p>")
    page = main_of(client.get("/articles/"))
    assert "Tom &amp; Jerry met at noon." in page
    assert "&amp;nbsp;" not in page and "&lt;" not in page


def test_a_briefing_page_names_the_site_once_in_its_title(client, settings):
    briefing = briefing_of([ArticleFactory()], date=datetime.date(2024, 8, 30))
    assert briefing.title == "Daily Briefing"
    title = title_of(client.get(briefing.get_absolute_url()))
    assert title == "Daily Briefing — Friday, August 30, 2024"
    briefing.title = "Weekend Edition"
    briefing.save()
    title = title_of(client.get(briefing.get_absolute_url()))
    assert title == "Weekend Edition — Friday, August 30, 2024 — Daily Briefing"


def test_a_briefing_page_shows_only_the_briefings_date_not_todays(client):
    today = timezone.localdate()
    briefing = briefing_of([ArticleFactory()], date=datetime.date(2024, 8, 30))
    today_text = f"{today:%A, %B} {today.day}, {today.year}"
    for path in ("/", briefing.get_absolute_url()):
        page = client.get(path).content.decode()
        assert "Friday, August 30, 2024" in page
        assert today_text not in page and 'class="site-date"' not in page
    # Elsewhere the header still carries today's date.
    assert (
        f'<time datetime="{today:%Y-%m-%d}">{today_text}</time>' in client.get("/articles/").text
    )


def test_home_without_a_briefing_keeps_todays_date(client):
    assert Briefing.objects.count() == 0
    assert 'class="site-date"' in client.get("/").text


def test_the_first_excerpt_paragraph_never_opens_with_a_space(client, demo, seed_article):
    for path in ("/", "/briefings/2024/07/24/", seed_article.get_absolute_url()):
        response = client.get(path)
        assert 'class="excerpt"><p>' in response.text, path
        assert not re.search(r'<div class="excerpt"><p[^>]*>(\s|&nbsp;|\xa0)', response.text), path


def test_an_editor_pasting_a_leading_space_stores_none(client):
    article = ArticleFactory(excerpt="<p>\xa0 Opening words.</p><p>&nbsp;Second.</p>")
    article.refresh_from_db()
    assert article.excerpt == "<p>Opening words.</p><p>Second.</p>"
    assert (
        '<div class="excerpt"><p>Opening words.</p>' in client.get(article.get_absolute_url()).text
    )


def test_sidebar_quotes_end_at_a_word_and_close_their_quotation_mark(client):
    quote = (
        "Turkey's President Recep Tayyip Erdogan has long sought to balance ties between "
        "Moscow and the West, and the Wagner group's request tested Erdogan again"
    )
    ArticleFactory(pull_quote=quote)
    sidebar = client.get("/search/").text.split('class="recent-articles"', 1)[1]
    shown = html.unescape(re.search(r'<p class="one-line-quote">“(.*?)”</p>', sidebar, re.S)[1])
    assert shown.endswith("…") and len(shown) <= 111
    words = shown[:-1].split()
    assert quote.split()[: len(words)] == words  # whole words only: never "…Erd…"


def test_a_quoted_search_shows_its_quotation_marks_once(client):
    response = client.get('/search/?q="ceasefire talks"')
    assert title_of(response).startswith("&quot;ceasefire talks&quot; — Search")
    assert "“&quot;" not in response.text and "&quot;”" not in response.text
    plain = client.get("/search/?q=ceasefire")
    assert title_of(plain).startswith("“ceasefire” — Search")


def test_links_inside_briefing_feed_items_are_absolute(client, settings):
    briefing_of([ArticleFactory(authors=["Rita Writer"])], date=datetime.date(2024, 8, 30))
    for path in ("/briefings/feed/rss/", "/briefings/feed/atom/"):
        feed = html.unescape(client.get(path).content.decode())
        hrefs = re.findall(r'href="(.*?)"', feed)
        assert len(hrefs) >= 4, path  # the article, its source, its author, the original
        assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        assert f'href="{settings.SITE_URL}/authors/' in feed
