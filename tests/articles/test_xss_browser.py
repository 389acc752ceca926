"""A real browser loads pages full of XSS payloads (saved through the model) and runs none."""

import pytest

from articles.models import Article
from tests.factories import ArticleFactory
from tests.xss import PAYLOADS

pytestmark = pytest.mark.browser


def fired_scripts(page, url: str) -> list[str]:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    page.mouse.move(10, 10)
    page.mouse.move(400, 300)
    marker = page.evaluate("() => window.__xss === undefined ? null : String(window.__xss)")
    return dialogs + ([f"window.__xss={marker}"] if marker else [])


@pytest.fixture
def poisoned_article(db) -> Article:
    return ArticleFactory(
        title="<script>window.__xss='title'</script>" + PAYLOADS[5],
        pull_quote="</p><script>window.__xss='quote'</script>" + PAYLOADS[3],
        excerpt="\n".join(PAYLOADS),
        label="<img src=x onerror=alert('label')>",
        authors=["<svg onload=alert('author')>"],
        tag_names=["<script>alert('tag')</script>"],
    )


def test_article_page_with_every_payload_runs_no_script(page, live_server, poisoned_article):
    assert fired_scripts(page, live_server.url + poisoned_article.get_absolute_url()) == []
    # The payloads are on the page, as harmless text: the test did load them.
    assert "window.__xss='title'" in page.inner_text("h1")


def test_list_search_and_feed_pages_with_payloads_run_no_script(
    page, live_server, poisoned_article
):
    for path in (
        "/articles/",
        "/search/?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
        "/search/?q=alert",
        f"/sources/{poisoned_article.source.slug}/",
    ):
        assert fired_scripts(page, live_server.url + path) == [], path


def test_no_text_of_a_pasted_script_or_style_is_left_visible(page, live_server, poisoned_article):
    page.goto(live_server.url + poisoned_article.get_absolute_url())
    # What the browser itself reads as script or style text in the raw paste (never run).
    hidden_texts = page.evaluate(
        """(html) => [...new DOMParser().parseFromString(html, "text/html")
                .querySelectorAll("script, style")]
            .map((element) => element.textContent.trim()).filter((text) => text.length > 3)""",
        "\n".join(PAYLOADS),
    )
    visible = page.inner_text(".excerpt")
    assert any("alert(" in text for text in hidden_texts)  # the corpus has such scripts
    assert [text for text in hidden_texts if text in visible] == []
