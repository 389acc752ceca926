"""An editor reaches no personal data anywhere in the desk (issue 12, item 1).

The sweep logs in as an Editor and opens every admin page it can reach by following links from
the index (change lists, searches, change, add, history and delete pages), plus every
autocomplete endpoint of every registered model's relations, and checks that no subscriber's
address, and no staff account's address, appears in any of them.
"""

import re
from collections import deque
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from subscribers.models import Delivery, Subscriber
from subscribers.services import briefing_send_create
from tests.factories import ArticleFactory, SubscriberFactory, briefing_of

pytestmark = pytest.mark.django_db

SECRETS = ["alice@example.org", "bob.private@example.net", "chief@example.org"]
MAX_PAGES = 400
HREF = re.compile(r'href="(/admin/[^"#]*)"')


@pytest.fixture
def personal_data(superuser):
    """Subscribers with deliveries, a send, an admin history of a subscriber, and the rows
    the old Tag inline let an editor make: tags on a Subscriber and on a User."""
    alice = SubscriberFactory(email="alice@example.org", name="Alice Private")
    SubscriberFactory(email="bob.private@example.net")
    article = ArticleFactory(tag_names=["ukraine"])
    briefing_send_create(briefing=briefing_of([article]))
    assert Delivery.objects.filter(subscriber=alice).exists()
    LogEntry.objects.log_actions(superuser.pk, [alice], CHANGE, change_message="edited")
    tag = Tag.objects.get(name="ukraine")
    for obj in (alice, superuser):
        TaggedItem.objects.create(
            tag=tag, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
    return article


def crawl(client) -> dict[str, str]:
    pages, queue = {}, deque(["/admin/"])
    while queue and len(pages) < MAX_PAGES:
        url = unescape(queue.popleft())
        if url in pages or "/logout/" in url:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode(errors="replace")
        pages[url] = body
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in HREF.findall(body):
                queue.append(link)
            if "/changelist/" in url or url.endswith("/") and url.count("/") == 4:
                queue.append(f"{url}?q=example")
    return pages


def autocomplete_urls() -> list[str]:
    urls = []
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                urls.append(
                    f"/admin/autocomplete/?app_label={model._meta.app_label}"
                    f"&model_name={model._meta.model_name}&field_name={field.name}&term=e"
                )
    return urls


def test_no_admin_page_an_editor_opens_shows_a_subscriber_or_staff_address(
    editor_client, personal_data
):
    pages = crawl(editor_client)
    assert "/admin/taggit/tag/" in pages  # the sweep reached the tags ...
    assert any(re.match(r"/admin/taggit/tag/\d+/delete/", url) for url in pages)  # ... deeply
    assert any("/history/" in url for url in pages)
    for url in autocomplete_urls():
        pages[url] = editor_client.get(url).content.decode()
    for url, body in pages.items():
        for secret in SECRETS:
            assert secret not in body, f"{secret} appears on {url}"


def test_the_tag_form_no_longer_takes_tagged_items_of_any_content_type(
    editor_client, personal_data
):
    tag = Tag.objects.get(name="ukraine")
    subscriber_type = ContentType.objects.get_for_model(Subscriber)
    before = TaggedItem.objects.filter(content_type=subscriber_type).count()
    inline = {
        "taggit-taggeditem-content_type-object_id-TOTAL_FORMS": "1",
        "taggit-taggeditem-content_type-object_id-INITIAL_FORMS": "0",
        "taggit-taggeditem-content_type-object_id-0-content_type": subscriber_type.pk,
        "taggit-taggeditem-content_type-object_id-0-object_id": "2",
        "tagged_items-TOTAL_FORMS": "1",
        "tagged_items-INITIAL_FORMS": "0",
        "tagged_items-0-content_type": subscriber_type.pk,
        "tagged_items-0-object_id": "2",
    }
    data = {"name": "ukraine", "slug": "ukraine", **inline}
    editor_client.post(f"/admin/taggit/tag/{tag.pk}/change/", data)
    assert TaggedItem.objects.filter(content_type=subscriber_type).count() == before
    page = editor_client.get(f"/admin/taggit/tag/{tag.pk}/change/").text
    assert "content_type" not in page
