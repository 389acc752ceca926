"""The desk in a real browser: publishing with email asks first and then shows the send to the
editor; an earlier order of a briefing is restored; a preview link opens without a login."""

import re

import pytest
from playwright.sync_api import expect

from briefing.models import Briefing
from tests.desk.test_editor_browser import log_in
from tests.factories import (
    ArticleFactory,
    SubscriberFactory,
    briefing_change_url,
    briefing_form_data,
    briefing_of,
)
from tests.smtp import SinkHandler

pytestmark = pytest.mark.browser


def titles_in_order(page) -> list[str]:
    return page.locator("main .briefing-entry h2").all_inner_texts()


def test_publish_with_email_asks_first_then_shows_the_send_to_the_editor(
    live_server, page, editor, smtp: SinkHandler, run_tasks
):
    briefing = briefing_of(
        [ArticleFactory(title="Grain deal signed", status="draft")],
        status=Briefing.Status.DRAFT,
        published_at=None,
        email_subscribers=True,
    )
    SubscriberFactory.create_batch(3)
    refused = SubscriberFactory(email="gone@example.org")
    smtp.rcpt_replies[refused.email] = f"550 5.1.1 <{refused.email}>: no such user"
    change_url = briefing_change_url(briefing)
    log_in(page, live_server, editor, change_url)

    page.click("input[name=_publish]")
    expect(page.get_by_role("heading", name="Email 4 subscribers now?")).to_be_visible()
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.DRAFT  # nothing sent before the answer

    page.click("input[name=_confirm]")
    expect(page.locator(".messagelist")).to_contain_text("is published")
    expect(page.locator(".messagelist")).to_contain_text("Emailing 4 subscribers")
    progress = page.locator(".send-progress")
    expect(progress).to_contain_text("Email to subscribers: Queued")

    run_tasks()  # the worker sends the briefing
    page.reload()
    expect(progress).to_contain_text("Email to subscribers: Finished")
    sent_row = progress.locator(".send-counts tr").filter(
        has=page.get_by_role("cell", name="Sent", exact=True)
    )
    expect(sent_row).to_contain_text("3")
    expect(progress.locator(".send-failures")).to_contain_text(
        "550 5.1.1 <an address>: no such user"
    )
    expect(progress).not_to_contain_text("gone@example.org")
    assert len(smtp.received) == 3


def test_editor_restores_an_earlier_order_of_a_briefing(live_server, page, editor, editor_client):
    a, b, c = (ArticleFactory(title=t) for t in ("Alpha report", "Bravo report", "Charlie report"))
    data = briefing_form_data(articles=[a, b, c])
    assert editor_client.post("/admin/briefing/briefing/add/", data).status_code == 302
    briefing = Briefing.objects.get()
    data = briefing_form_data(briefing)
    positions = {a.pk: 3, b.pk: 2, c.pk: 1}
    for i in range(3):
        data[f"entries-{i}-position"] = positions[data[f"entries-{i}-article"]]
    assert editor_client.post(briefing_change_url(briefing), data).status_code == 302

    log_in(page, live_server, editor, briefing_change_url(briefing))
    page.click("text=History")
    expect(page.locator("#content h1")).to_contain_text("Change history")
    page.locator("#change-history a[href*='/history/']").last.click()
    expect(page.locator("#content")).to_contain_text("revert to this version")
    page.locator("input[type=submit][name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/admin/briefing/briefing/{briefing.pk}/preview/")
    assert titles_in_order(page) == ["Alpha report", "Bravo report", "Charlie report"]


def test_a_preview_link_opens_in_a_fresh_browser_without_a_login(
    live_server, page, browser, editor
):
    briefing = briefing_of(
        [ArticleFactory(title="Embargoed scoop", status="draft")],
        status=Briefing.Status.DRAFT,
        published_at=None,
    )
    log_in(page, live_server, editor, briefing_change_url(briefing))
    page.click("text=Share a preview link")
    page.click("input[name=_create]")
    expect(page.locator(".messagelist")).to_contain_text("A new preview link is ready")
    url = page.locator(".preview-link-url").first.input_value()

    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        response = other.goto(url)
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        expect(other.locator("main")).to_contain_text("Embargoed scoop")
        expect(other).not_to_have_url(re.compile("/admin/"))
    finally:
        stranger.close()
