"""HTML pasted by an editor or typed by a subscriber is shown, or cleaned, but never runs."""

import pytest
from django.core.cache import cache
from django.test import Client

from briefing.models import Briefing
from briefing.services import briefing_publish
from subscribers.models import Subscriber
from tests.html import form_fields, script_capabilities

PAYLOADS = [
    "<script>window.__pwned = 1; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 1; alert('img')\">",
    '<a href="javascript:window.__pwned = 1">a link</a>',
    '<a href="jav&#x09;ascript:alert(1)">an encoded link</a>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "\"><script>alert('attribute breakout')</script>",
    "'><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://attacker.example/">',
    "<p onmouseover=alert(1)>hover</p><details open ontoggle=alert(1)>",
    "{{ request.META }}{% debug %}",
]
PASTE = "\n".join(PAYLOADS)


def compose_briefing_with_pasted_intro(editor_client) -> Briefing:
    url = "/admin/briefing/briefing/add/"
    fields = form_fields(editor_client.get(url).text, form_index=1)
    prefix = next(n.removesuffix("-TOTAL_FORMS") for n in fields if n.endswith("-TOTAL_FORMS"))
    fields.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-article": "1"})
    fields.update({f"{prefix}-0-position": "1", "date": "2030-05-05", "intro": PASTE})
    fields["title"] = "<script>alert('title')</script>Briefing"
    response = editor_client.post(url, fields)
    assert response.status_code == 302, response.text
    briefing = Briefing.objects.get(date="2030-05-05")
    briefing_publish(briefing=briefing)
    cache.clear()
    return briefing


@pytest.mark.django_db
def test_an_editors_pasted_intro_is_stored_clean_and_renders_inert(editor_client, demo):
    briefing = compose_briefing_with_pasted_intro(editor_client)
    assert script_capabilities(briefing.intro) == []
    # The text is kept, up to the unclosed <style> of the <math> payload: what follows it is
    # style text to a browser too, and goes with the element.
    assert "a link" in briefing.intro and "styled" in briefing.intro
    for url in ["/", "/briefings/2030/05/05/", "/briefings/feed/rss/"]:
        page = Client().get(url).text
        assert "a link" in page, url
        assert script_capabilities(page) == [], url
        assert "<script>alert(" not in page, url
    admin_page = editor_client.get(f"/admin/briefing/briefing/{briefing.pk}/change/").text
    assert "<script>alert(" not in admin_page


@pytest.mark.django_db
def test_a_subscribers_name_full_of_markup_is_shown_as_text(
    client, demo, editor_client, signup, mailoutbox
):
    assert signup("mallory@example.org", PAYLOADS[1][:100]).status_code == 302
    subscriber = Subscriber.objects.get()
    subscriber.name = PASTE[:100]
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.save()
    pages = {
        "preferences": client.get(subscriber.get_absolute_url()).text,
        "unsubscribe": client.get(subscriber.get_unsubscribe_url()).text,
        "admin list": editor_client.get("/admin/subscribers/subscriber/").text,
    }
    (confirmation,) = mailoutbox
    (pages["confirmation email"],) = [b for b, k in confirmation.alternatives if k == "text/html"]
    for name, page in pages.items():
        assert script_capabilities(page) == [], name
        assert "<script>" not in page and "<img src=x" not in page, name


@pytest.mark.browser
def test_in_the_browser_no_payload_runs_even_without_the_csp(
    live_server, demo, browser, superuser_client
):
    compose_briefing_with_pasted_intro(superuser_client)
    subscriber = Subscriber.objects.create(
        email="mallory@example.org", name=PASTE[:100], status=Subscriber.Status.ACTIVE
    )
    context = browser.new_context(bypass_csp=True)  # the markup alone must be inert
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ["/briefings/2030/05/05/", subscriber.get_absolute_url()]:
        page.goto(live_server.url + path)
        page.mouse.move(200, 300)
        for link in page.locator("main a").all():
            link.hover()
        assert page.evaluate("() => window.__pwned") is None, path
    context.close()
    assert dialogs == []
