"""In a real browser: an editor pastes the address of a page (served on loopback), the form
fills, the editor picks a pull quote and saves, and readers see the original's excerpt."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from intake.models import ArticleSnapshot
from tests.factories import EDITOR_PASSWORD

pytestmark = pytest.mark.browser


def test_editor_imports_an_article_picks_a_pull_quote_and_publishes_it(
    live_server, page, editor, web
):
    url = web.page("/2024/03/14/sea-wall-vote")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/articles/article/add/$"))

    page.fill("#import-url", url)
    page.click(".intake-import-form button[type=submit]")
    expect(page.locator("#id_title")).to_have_value(
        "Harbour town votes to rebuild its flooded sea wall"
    )
    expect(page.locator("#id_original_date")).to_have_value("2024-03-14")
    expect(page.locator(".intake-found")).to_contain_text("The Coastal Ledger")

    # The source and the author are new to the archive: add them as proposed.
    page.click("text=Add the proposed source and authors to the archive")
    expect(page.locator(".messagelist")).to_contain_text("were added to the archive")
    expect(page.locator("#select2-id_source-container")).to_contain_text("The Coastal Ledger")
    expect(page.locator("#select2-id_article_authors-0-author-container")).to_contain_text(
        "Maria Okafor"
    )

    quote = page.locator(".intake-use-quote").first
    chosen = quote.get_attribute("data-quote")
    quote.click()
    expect(page.locator("#id_pull_quote")).to_have_value(chosen)
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get()
    assert ArticleSnapshot.objects.filter(article=article).exists()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("main")).to_contain_text("The council of Port Alder voted late on")
    expect(page.locator("main")).to_contain_text(chosen)
    expect(page.locator("main")).to_contain_text("Maria Okafor")
    expect(page.locator("main")).to_contain_text("The Coastal Ledger")
    expect(page.locator(f'main a[href="{url}"]').first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("dunes to the north")  # not the whole text
