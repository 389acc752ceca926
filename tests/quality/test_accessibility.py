"""Accessibility in a real browser: axe-core on every page type, the keyboard, and no JavaScript.

axe-core comes from npm (package.json; `make test` and .ci/run install it); it is injected into
each page of a context that bypasses the CSP, since the site itself allows no inline scripts.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from articles.models import Article
from subscribers.models import Subscriber
from subscribers.tokens import confirm_token_make

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe.min.js from node_modules (`npm ci` if missing); a clear skip without npm."""
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=settings.BASE_DIR, check=False
        )
    if not AXE.exists():
        reason = "needs axe-core from npm: install Node.js and npm, then run `npm ci`"
        if os.environ.get("CI_REQUIRE_POSTGRES"):
            pytest.fail(f"skipped in CI: {reason}")
        pytest.skip(reason)
    return AXE


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def site(demo, live_server):
    """The demo archive served live, with a pending and an active subscriber."""
    pending = Subscriber.objects.create(email="pending@example.org", name="Pat")
    active = Subscriber.objects.create(
        email="active@example.org", name="Ann", status=Subscriber.Status.ACTIVE
    )
    article = Article.objects.get(pk=1)
    cache.clear()
    return {
        "url": live_server.url,
        "article": article.get_absolute_url(),
        "confirm": f"/subscribe/confirm/{confirm_token_make(subscriber=pending)}/",
        "preferences": active.get_absolute_url(),
        "unsubscribe": active.get_unsubscribe_url(),
    }


def axe_violations(page, axe_path: Path) -> list[dict]:
    assert page.evaluate("() => document.styleSheets[0].cssRules.length") > 0  # styled page
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"] or result["violations"]  # axe really ran its rules
    return result["violations"]


def describe(violation: dict) -> str:
    targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
    return f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}"


def test_every_page_type_has_no_serious_or_critical_axe_violation(site, page, axe_path):
    pages = {
        "home": "/",
        "briefing day": "/briefings/2024/09/01/",
        "archive": "/briefings/",
        "archive year": "/briefings/2024/",
        "archive month": "/briefings/2024/09/",
        "article list": "/articles/",
        "article": site["article"],
        "tag": "/tags/russia/",
        "source": "/sources/cnn/",
        "author": "/authors/zachary-cohen/",
        "search with results": "/search/?q=Wagner",
        "search filters": "/search/?q=&source=cnn&date_from=2024-01-01&date_to=2023-01-01",
        "subscribe": "/subscribe/",
        "subscribe thanks": "/subscribe/thanks/",
        "confirm": site["confirm"],
        "subscription preferences": site["preferences"],
        "unsubscribe": site["unsubscribe"],
        "404": "/no-such-page/",
    }
    blocking, minor = {}, {}
    for name, path in pages.items():
        page.goto(site["url"] + path)
        for violation in axe_violations(page, axe_path):
            bucket = blocking if violation["impact"] in BLOCKING else minor
            bucket.setdefault(name, []).append(describe(violation))
    # The subscribe form after a mistake: errors must be tied to their fields.
    page.goto(site["url"] + "/subscribe/")
    page.locator("main").get_by_label("Email address").fill("not-an-address")
    page.locator("main").get_by_role("button").first.click()
    for violation in axe_violations(page, axe_path):
        bucket = blocking if violation["impact"] in BLOCKING else minor
        bucket.setdefault("subscribe with errors", []).append(describe(violation))
    # Dark mode has its own colours: check their contrast too.
    page.emulate_media(color_scheme="dark")
    for name in ["home", "article", "search with results", "subscribe"]:
        page.goto(site["url"] + pages[name])
        for violation in axe_violations(page, axe_path):
            bucket = blocking if violation["impact"] in BLOCKING else minor
            bucket.setdefault(f"{name} (dark)", []).append(describe(violation))
    print("moderate and minor axe findings:", json.dumps(minor, indent=2))
    assert blocking == {}, json.dumps(blocking, indent=2)


def test_tab_reaches_the_skip_link_first_and_it_jumps_to_the_content(site, page):
    page.goto(site["url"] + site["article"])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), location.hash]")
    assert focused[0] == "Skip to content"
    assert page.locator(".skip-link").is_visible()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def outline_when_focused(page, selector: str) -> tuple[str, str]:
    """Focus by keyboard (Tab until the element is reached) and read its computed outline."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth]; }"
            )
    raise AssertionError(f"Tab never reached {selector}")


FOCUSABLE = [
    ("/", ".site-nav a"),
    ("article", "main a[href]"),
    ("/", "aside a[href]"),
    ("/", "aside input[type=email]"),
    ("/subscribe/", "main input[type=email]"),
    ("/subscribe/", "main input[autocomplete=name]"),
    ("/subscribe/", "main button"),
]


def test_focus_is_visible_on_links_and_the_subscribe_form(site, page):
    invisible = []
    for path, selector in FOCUSABLE:
        page.goto(site["url"] + site.get(path, path))
        style, width = outline_when_focused(page, selector)
        if style == "none" or float(width.removesuffix("px")) < 2:
            invisible.append((path, selector, style, width))
    assert invisible == []


@pytest.fixture
def browser_without_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_a_reader_can_read_a_briefing_and_subscribe(site, browser_without_js):
    page = browser_without_js
    page.goto(site["url"] + "/")
    page.get_by_role("link", name="Leaked US military document").first.click()
    page.wait_for_url("**" + site["article"])  # the page loaded, not only begun
    expect(page.get_by_role("link", name="Read the full article").first).to_be_visible()

    page.goto(site["url"] + "/subscribe/")
    form = page.locator("main form")
    form.get_by_label("Email address").fill("nojs@example.org")
    form.get_by_role("button").first.click()
    assert page.url.endswith("/subscribe/thanks/")
    assert "Check your inbox" in page.content()
    assert Subscriber.objects.filter(email="nojs@example.org").exists()
