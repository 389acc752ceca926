"""The rich-text editor offers only what the sanitizer keeps, and needs no inline script."""

import re

import pytest

from core.editor import editor_allow_list
from core.sanitize import ALLOWED_TAGS
from tests.factories import ArticleFactory, BriefingFactory

pytestmark = pytest.mark.django_db


def test_every_tag_the_editor_can_make_is_kept_by_the_sanitizer():
    assert editor_allow_list()["tags"] <= ALLOWED_TAGS


@pytest.mark.parametrize("kind", ["article", "briefing"])
def test_excerpt_and_intro_use_the_editor_without_inline_scripts(editor_client, kind):
    if kind == "article":
        url, field = f"/admin/articles/article/{ArticleFactory().pk}/change/", "excerpt"
    else:
        url, field = f"/admin/briefing/briefing/{BriefingFactory().pk}/change/", "intro"
    body = editor_client.get(url).content.decode()
    assert re.search(rf'<textarea name="{field}"[^>]*data-django-prose-editor-configurable', body)
    assert "briefing/admin/rich-text" in body
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", body) if "src=" not in tag]
    assert inline == [] or all('type="application/json"' in tag for tag in inline), inline
