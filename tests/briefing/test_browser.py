"""An editor composes, reorders, previews and publishes a briefing in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import EDITOR_PASSWORD, ArticleFactory

pytestmark = pytest.mark.browser

TITLES = ["Alpha report", "Bravo report", "Charlie report"]


def titles_in_order(page) -> list[str]:
    headings = page.locator("main .briefing-entry h2").all_inner_texts()
    return [t for t in headings if t in TITLES]


def pick_article(page, row, title):
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(title.split()[0])
    page.locator(".select2-results__option", has_text=title).click()


def test_editor_composes_reorders_previews_and_publishes_a_briefing(live_server, page, editor):
    for title in TITLES:
        ArticleFactory(title=title, status=Article.Status.DRAFT)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/briefing/briefing/add/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/briefing/briefing/add/$"))

    # Compose: three articles found by searching, in the order A, B, C.
    for index, title in enumerate(TITLES):
        page.click("#entries-group .add-row a")
        pick_article(page, page.locator(f"#entries-{index}"), title)
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Reorder: drag Charlie to the top.
    page.locator("#entries-2 td.original p").drag_to(page.locator("#entries-0 td.original p"))
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Preview, in a new tab: the readers' page, drafts included.
    with page.context.expect_page() as preview_tab:
        page.click("text=Preview")
    preview = preview_tab.value
    preview.wait_for_load_state()
    expect(preview.locator(".preview-notice")).to_be_visible()
    assert titles_in_order(preview) == ["Charlie report", "Alpha report", "Bravo report"]
    preview.close()

    # Publish, and see it on the home page in that order.
    page.click("input[name=_publish]")
    expect(page.get_by_role("heading", name="Email 0 subscribers now?")).to_be_visible()
    page.click("input[name=_confirm]")
    expect(page.locator(".messagelist")).to_contain_text("is published")
    expect(page.locator(".messagelist")).to_contain_text("“Alpha report”")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    expect(page.locator("main h1")).to_be_visible()
    assert titles_in_order(page) == ["Charlie report", "Alpha report", "Bravo report"]
