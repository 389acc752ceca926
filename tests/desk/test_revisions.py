"""Nothing is lost by a slip: articles and briefings keep revisions to compare and restore,
a briefing's entry order and sections included."""

import html
import re

import pytest
from reversion.models import Version

from articles.models import Article
from briefing.models import Briefing
from tests.factories import ArticleFactory, briefing_change_url, briefing_form_data
from tests.html import form_fields

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/briefing/briefing/add/"


def order_of(briefing):
    return list(briefing.entries.order_by("position").values_list("article__title", "section"))


@pytest.fixture
def reordered_briefing(editor_client):
    """Saved as A, B (section "Israel"), C; then saved again as C, A, B without the section."""
    a, b, c = (ArticleFactory(title=title) for title in ("Alpha", "Bravo", "Charlie"))
    data = briefing_form_data(articles=[a, b, c], sections={b.pk: "Israel"})
    assert editor_client.post(ADD_URL, data).status_code == 302
    briefing = Briefing.objects.get()
    data = briefing_form_data(briefing)
    positions = {a.pk: 2, b.pk: 3, c.pk: 1}
    for i in range(3):
        data[f"entries-{i}-position"] = positions[data[f"entries-{i}-article"]]
        data[f"entries-{i}-section"] = ""
    assert editor_client.post(briefing_change_url(briefing), data).status_code == 302
    assert order_of(briefing) == [("Charlie", ""), ("Alpha", ""), ("Bravo", "")]
    return briefing


def test_each_save_of_a_briefing_is_a_revision_listed_in_its_history(
    editor_client, reordered_briefing
):
    page = editor_client.get(f"/admin/briefing/briefing/{reordered_briefing.pk}/history/").text
    assert Version.objects.get_for_object(reordered_briefing).count() == 2
    assert "compare" in page.lower()


def test_two_revisions_of_a_briefing_can_be_compared(editor_client, reordered_briefing):
    newer, older = Version.objects.get_for_object(reordered_briefing)
    url = f"/admin/briefing/briefing/{reordered_briefing.pk}/history/compare/"
    response = editor_client.get(url, {"version_id1": older.pk, "version_id2": newer.pk})
    assert response.status_code == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())
    assert "2. Bravo (opens “Israel”) → 3. Bravo" in text
    assert "3. Charlie → 1. Charlie" in text


def test_restoring_an_earlier_revision_brings_back_the_order_and_sections(
    editor_client, reordered_briefing
):
    older = Version.objects.get_for_object(reordered_briefing).last()
    url = f"/admin/briefing/briefing/{reordered_briefing.pk}/history/{older.pk}/"
    fields = form_fields(editor_client.get(url).text, form_index=1)
    response = editor_client.post(url, fields)

    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]],
    )
    assert order_of(reordered_briefing) == [("Alpha", ""), ("Bravo", "Israel"), ("Charlie", "")]
    assert Version.objects.get_for_object(reordered_briefing).count() == 3


def test_restoring_never_changes_whether_a_briefing_is_published(
    editor_client, reordered_briefing
):
    reordered_briefing.status = Briefing.Status.PUBLISHED
    reordered_briefing.save()
    older = Version.objects.get_for_object(reordered_briefing).last()
    url = f"/admin/briefing/briefing/{reordered_briefing.pk}/history/{older.pk}/"
    editor_client.post(url, form_fields(editor_client.get(url).text, form_index=1))
    reordered_briefing.refresh_from_db()
    assert reordered_briefing.status == Briefing.Status.PUBLISHED


def test_an_articles_earlier_excerpt_and_byline_can_be_restored(editor_client):
    from tests.articles.test_admin import ADD_URL as ARTICLE_ADD
    from tests.articles.test_admin import form_data
    from tests.factories import SourceFactory

    source = SourceFactory()
    data = form_data(source=source.pk, excerpt="<p>First draft.</p>")
    assert editor_client.post(ARTICLE_ADD, data).status_code == 302
    article = Article.objects.get()
    change = f"/admin/articles/article/{article.pk}/change/"
    fields = form_fields(editor_client.get(change).text, form_index=1)
    fields["excerpt"] = "<p>Overwritten by mistake.</p>"
    assert editor_client.post(change, fields).status_code == 302

    older = Version.objects.get_for_object(article).last()
    url = f"/admin/articles/article/{article.pk}/history/{older.pk}/"
    response = editor_client.post(url, form_fields(editor_client.get(url).text, form_index=1))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.excerpt == "<p>First draft.</p>"
