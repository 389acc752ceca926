"""An editor pastes a news page's HTML into the excerpt editor; readers and subscribers get
the same structure (paragraphs, a list, a link, bold) on the page and in both email parts."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from subscribers.emails import BriefingEmail, sample_subscriber
from tests.factories import EDITOR_PASSWORD, ArticleFactory, briefing_of

pytestmark = pytest.mark.browser

# As a browser puts a selection of a news page on the clipboard: its classes, styles, spans,
# a script and an image from the page's CDN included.
NEWS_PAGE_HTML = """
<meta charset="utf-8"><div class="article-body" style="font-family: Georgia">
<p class="paragraph" data-uri="cms/p1" style="margin: 0 0 1em">A Russian paramilitary group
tried to buy weapons from <strong>NATO member Turkey</strong>, a leaked document shows.</p>
<p class="paragraph"><span style="font-weight: 400">The document was
<a href="https://edition.cnn.com/leak" target="_blank" class="link">obtained by CNN</a>.</span></p>
<script>window.__pasted = 1</script>
<ul class="list"><li><p>Weapons from Mali</p></li><li><p>Meetings in Ankara</p></li></ul>
<p class="paragraph">Officials declined to comment.</p>
<img src="https://cdn.cnn.example/tracking.gif" width="1" height="1">
</div>
"""


def log_in(page, live_server, editor, next_url):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def paste_html(page, selector: str, html: str) -> None:
    page.locator(selector).click()
    page.keyboard.press("Control+A")
    page.locator(selector).evaluate(
        """(element, html) => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", element.innerText)
            element.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }))
        }""",
        html,
    )


def test_pasted_news_page_keeps_its_structure_on_the_page_and_in_both_emails(
    live_server, page, editor
):
    article = ArticleFactory(
        title="Wagner sought arms",
        excerpt="<p>Old text.</p>",
        status=Article.Status.PUBLISHED,
        original_date=datetime.date(2023, 4, 12),  # the factory's dates run into the future
    )
    change_url = f"/admin/articles/article/{article.pk}/change/"
    log_in(page, live_server, editor, change_url)

    editor_area = ".field-excerpt .ProseMirror[contenteditable=true]"
    expect(page.locator(editor_area)).to_be_visible()
    paste_html(page, editor_area, NEWS_PAGE_HTML)
    expect(page.locator(f"{editor_area} li")).to_have_count(2)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".messagelist")).to_contain_text("1 image(s) were removed")

    article.refresh_from_db()
    assert "window.__pasted" not in article.excerpt and "class=" not in article.excerpt

    page.goto(live_server.url + article.get_absolute_url())
    excerpt = page.locator(".excerpt")
    expect(excerpt.locator(":scope > p")).to_have_count(3)
    expect(excerpt.locator("ul > li")).to_have_text(["Weapons from Mali", "Meetings in Ankara"])
    expect(excerpt.locator("strong")).to_have_text("NATO member Turkey")
    expect(excerpt.locator('a[href="https://edition.cnn.com/leak"]')).to_have_text(
        "obtained by CNN"
    )
    expect(excerpt).not_to_contain_text("__pasted")

    text, html = BriefingEmail(briefing_of([article])).bodies(sample_subscriber())
    assert "<strong>NATO member Turkey</strong>" in html
    assert re.search(r"<ul[^>]*>\s*<li[^>]*>(<p[^>]*>)?Weapons from Mali", html)
    assert re.search(r'<a href="https://edition.cnn.com/leak"[^>]*>obtained by CNN</a>', html)
    assert "*NATO member Turkey*" in text
    assert "obtained by CNN (https://edition.cnn.com/leak)" in text
    assert "\n\n• Weapons from Mali\n\n• Meetings in Ankara\n\n" in text
    assert "Officials declined to comment." in text
    assert "__pasted" not in text + html
