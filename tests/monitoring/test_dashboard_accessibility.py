"""The dashboard in a real browser: axe-core finds nothing serious, in light and dark mode."""

import json

import pytest
from playwright.sync_api import expect

from tests.factories import EDITOR_PASSWORD
from tests.quality.test_accessibility import BLOCKING, axe_violations, describe

pytestmark = pytest.mark.browser


def test_the_dashboard_has_no_serious_or_critical_axe_violation(
    live_server, page, axe_path, editor, activity
):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/dashboard/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/dashboard/")
    page.locator("details.chart-numbers").first.locator("summary").click()  # open a table
    expect(page.get_by_role("img", name="Signups")).to_have_count(1)
    found = {}
    for scheme in ["light", "dark"]:
        page.emulate_media(color_scheme=scheme)
        page.reload()
        blocking = [describe(v) for v in axe_violations(page, axe_path) if v["impact"] in BLOCKING]
        found[scheme] = blocking
    assert found == {"light": [], "dark": []}, json.dumps(found, indent=2)
