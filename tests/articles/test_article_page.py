"""The seed article's page shows what the seed page shows, and the data others rely on."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import Article
from briefing.models import Briefing, BriefingEntry
from tests.factories import SEED_SLUG, seed_page_lines

pytestmark = pytest.mark.django_db


class TextOf(HTMLParser):
    """The text of the elements with a given class, as a reader sees it."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.depth, self.parts = css_class, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.parts.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts[-1] += data


def text_of(html: str, css_class: str) -> list[str]:
    parser = TextOf(css_class)
    parser.feed(html)
    return parser.parts


def test_seed_article_page_shows_every_field_as_the_seed_page_does(client, seed_article):
    lines = seed_page_lines()
    html = client.get(f"/articles/{SEED_SLUG}/").content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]

    assert re.search(r"<h1>\s*" + re.escape(lines[6]) + r"\s*</h1>", main)
    assert text_of(main, "byline") == [lines[8]] == ["Zachary Cohen and Jennifer Hansler"]
    assert text_of(main, "dateline") == [lines[9]] == ["CNN, Apr. 12, 2023"]
    assert text_of(main, "pull-quote")[0].strip() == lines[11]
    excerpt = text_of(main, "excerpt")[0]
    for paragraph in (lines[12], lines[14], lines[15], lines[17], lines[19]):
        # Exact, non-breaking spaces included, but none opening a paragraph (the seed's first
        # one opens with one: readers saw the excerpt start indented).
        assert paragraph.lstrip("\xa0 ") in excerpt
    assert not excerpt[0].isspace()
    assert text_of(main, "read-more") == ["… [Read the full article at CNN]"]
    assert f'href="{seed_article.original_url}" rel="nofollow noopener"' in main


def test_seed_excerpt_keeps_its_inner_non_breaking_spaces_but_none_opening_it(seed_article):
    assert seed_article.excerpt.startswith("<p>A Russian\u00a0paramilitary group\u00a0fighting")


def test_article_page_lists_only_published_briefings_it_appeared_in(client, seed_article):
    published = Briefing.objects.create(
        date=datetime.date(2024, 9, 2),
        status=Briefing.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    draft = Briefing.objects.create(date=datetime.date(2024, 9, 3), title="Secret draft briefing")
    for briefing in (published, draft):
        BriefingEntry.objects.create(briefing=briefing, article=seed_article)

    html = client.get(seed_article.get_absolute_url()).content.decode()

    assert published.get_absolute_url() in html
    assert draft.get_absolute_url() not in html
    assert "Secret draft briefing" not in html


def test_article_page_has_opengraph_and_json_ld_naming_the_original(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()

    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{seed_article.title}">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["isBasedOn"]["url"] == seed_article.original_url
    assert data["isBasedOn"]["publisher"]["name"] == "CNN"
    assert [a["name"] for a in data["isBasedOn"]["author"]] == [
        "Zachary Cohen",
        "Jennifer Hansler",
    ]


def test_json_ld_cannot_close_its_script_element(client, seed_article):
    seed_article.title = "</script><script>window.__xss=1</script>"
    seed_article.save()

    html = client.get(seed_article.get_absolute_url()).content.decode()

    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["headline"] == seed_article.title


def test_tags_link_to_their_pages(client, seed_article):
    html = client.get(seed_article.get_absolute_url()).content.decode()
    assert 'href="/tags/wagner-group/"' in html


def test_unknown_article_is_a_404(client, demo_archive):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_editorial_shows_its_label_in_the_dateline(client, demo_archive):
    html = client.get("/articles/britain-moves-left-but-how-far/").content.decode()
    assert text_of(html.split("<main", 1)[1], "dateline") == ["Editorial WSJ, July 5, 2024"]


@pytest.mark.parametrize(
    ("month", "expected"),
    [(1, "Jan. 5, 2024"), (3, "Mar. 5, 2024"), (5, "May 5, 2024"), (6, "June 5, 2024"),
     (7, "July 5, 2024"), (9, "Sept. 5, 2024"), (12, "Dec. 5, 2024")],
)  # fmt: skip
def test_dates_are_written_in_the_seed_pages_style(client, demo_archive, month, expected):
    article = Article.objects.get(pk=3)
    article.original_date = article.original_date.replace(month=month, day=5)
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"WSJ, {expected}" in html
