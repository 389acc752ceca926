"""Every rich-text field is cleaned on save against a corpus of XSS payloads."""

import datetime

import pytest

from briefing.models import Briefing
from core.sanitize import clean_html, desk_image_prefix, images_removed
from tests.factories import ArticleFactory
from tests.xss import PAYLOADS, dangers_in


def test_the_corpus_has_at_least_fifty_payloads():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_html_leaves_nothing_that_can_run(payload):
    assert dangers_in(clean_html(payload)) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_html_is_stable_when_cleaned_again(payload):
    once = clean_html(payload)
    assert clean_html(once) == once


@pytest.mark.django_db
def test_article_excerpt_is_cleaned_on_save_for_every_payload():
    articles = [ArticleFactory(excerpt=payload) for payload in PAYLOADS]
    for article in articles:
        article.refresh_from_db()
        assert dangers_in(article.excerpt) == [], article.excerpt


@pytest.mark.django_db
def test_briefing_intro_is_cleaned_on_save_for_every_payload():
    day = datetime.date(2020, 1, 1)
    for offset, payload in enumerate(PAYLOADS):
        briefing = Briefing(date=day + datetime.timedelta(days=offset), intro=payload)
        briefing.save()
        briefing.refresh_from_db()
        assert dangers_in(briefing.intro) == [], briefing.intro


def test_safe_formatting_and_links_survive():
    html = clean_html(
        '<p>Read <a href="https://example.org/a" target="_blank">this</a>, '
        "<strong>now</strong> <em>please</em>.</p>"
    )
    assert html == (
        '<p>Read <a href="https://example.org/a" rel="nofollow noopener">this</a>, '
        "<strong>now</strong> <em>please</em>.</p>"
    )


def test_non_breaking_spaces_are_kept_as_typed_inside_a_paragraph_but_not_opening_it():
    assert clean_html("<p>\u00a0A Russian\u00a0group</p>") == "<p>A Russian&nbsp;group</p>"
    assert clean_html('<p style="text-align:center">&nbsp; Centred</p><ul><li> One</li></ul>') == (
        '<p style="text-align:center">Centred</p><ul><li>One</li></ul>'
    )


@pytest.mark.parametrize(
    "style", ["color: #fff", "display:none", "position:fixed", "font-size:0", "opacity:0"]
)
def test_styles_that_could_hide_text_are_dropped(style):
    assert clean_html(f'<p style="{style}">text</p>') == '<p style="">text</p>'


def test_typographic_styles_are_kept():
    assert clean_html('<p style="text-align: center">t</p>') == (
        '<p style="text-align:center">t</p>'
    )


def test_script_and_style_text_goes_with_the_element():
    html = clean_html(
        "<p>Before</p><script>alert(2)</script><style>p{color:red}</style><p>after</p>"
    )
    assert html == "<p>Before</p><p>after</p>"


def test_bare_domains_in_the_text_are_not_made_links():
    assert clean_html("<p>See example.org or www.cnn.com</p>") == (
        "<p>See example.org or www.cnn.com</p>"
    )


def test_images_from_elsewhere_are_removed_and_counted():
    html = '<p>A<img src="https://tracker.example/p.gif" alt="x">B</p>'
    assert clean_html(html) == "<p>AB</p>"
    assert images_removed(html) == 1


def test_images_uploaded_through_the_desk_are_kept(settings):
    src = f"{desk_image_prefix()}2026/map.png"
    html = f'<p><img src="{src}" alt="The map"></p>'
    assert clean_html(html) == html
    assert images_removed(html) == 0


def test_a_path_escaping_the_desk_image_folder_is_not_an_upload():
    html = f'<p><img src="{desk_image_prefix()}../secret.png"></p>'
    assert clean_html(html) == "<p></p>"
