"""Same story, not same subject: articles sharing names but reporting another event are told
apart, and the editors' panel says why (real excerpts from stories/evaluation/)."""

import datetime
import json

import pytest
from django.urls import reverse

from stories.evaluation import build_pairs
from stories.events import profile
from stories.search import candidates_for_article
from stories.verdicts import events_compare
from tests.factories import ROOT, archive

pytestmark = pytest.mark.django_db

EVALUATION = ROOT / "stories" / "evaluation"
RECORDS = json.loads((EVALUATION / "real_articles.json").read_text(encoding="utf-8"))


def record(url_part: str) -> dict:
    return next(r for r in RECORDS if url_part in r["url"])


def conflicts(a: dict, b: dict, *, undated: bool = False) -> list[str]:
    def read(r, dated=True):
        day = datetime.date.fromisoformat(r["date"]) if dated else None
        return profile(r["title"], r["text"], day)

    return events_compare(read(a), read(b, dated=not undated))[0]


def panel_of(client, article) -> str:
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    return html[html.index('id="same-story"') :]


def test_the_reinstatement_is_not_proposed_as_the_firing(editor_client):
    fired = archive(record("sfist.com"))
    reinstated = archive(record("maginative.com"))
    assert reinstated not in [c.article for c in candidates_for_article(fired)]
    assert reinstated.title not in panel_of(editor_client, fired)


def test_a_second_quake_worded_alike_is_set_aside_and_the_panel_says_why(editor_client):
    first = archive(record("newser.com/story/341103"))
    second = archive(record("wsbradio.com"))
    assert second not in [c.article for c in candidates_for_article(first)]
    panel = panel_of(editor_client, first)
    set_aside = panel[panel.index("Same subject, different event") :]
    assert second.title in set_aside
    assert "Different events: the first vs a further event" in set_aside
    assert "Same story after all" in set_aside  # the editor can overrule it


def test_two_outlets_reporting_the_firing_are_proposed_with_the_event_they_share(editor_client):
    fired = archive(record("sfist.com"))
    other = archive(record("breakinglatest.news/business/openai-fires"))
    assert other in [c.article for c in candidates_for_article(fired)]
    panel = panel_of(editor_client, fired)
    proposed = panel[panel.index("Possibly the same story") :]
    assert other.title in proposed
    assert "Same event: fired" in proposed


def test_a_second_earthquake_is_set_aside_with_both_magnitudes():
    first, second = record("dateline.ng"), record("stockholmcf.org")
    assert any(c.startswith("magnitude 7.8 vs 6.4") for c in conflicts(first, second))


def test_earthquakes_of_one_magnitude_days_apart_differ_by_their_resolved_days():
    wednesday, sunday = record("freepressjournal.in"), record("menafn.com/1107242804")
    assert "different days (Wed 11 Oct vs Sun 15 Oct)" in conflicts(wednesday, sunday)


def test_an_undated_preview_is_told_from_the_outcome_by_its_text_alone():
    outcome, preview = record("jamaica-gleaner.com"), record("macrumors.com")
    assert "a preview vs the outcome" in conflicts(outcome, preview, undated=True)


def test_a_conviction_and_the_sentence_differ_by_stage_and_prison_term():
    convicted, sentenced = record("thetechportal.com"), record("nasdaq.com")
    found = conflicts(convicted, sentenced, undated=True)
    assert "convicted vs sentenced" in found


def test_one_central_bank_decision_and_the_next_differ_by_the_rate_they_set():
    march, may = record("foxbusiness.com"), record("crainscleveland.com/economic-outlook")
    assert "rate 4.75–5% vs 5–5.25%" in conflicts(march, may, undated=True)


def test_independent_reports_of_one_decision_share_its_rate_and_day():
    a, b = record("thedailybeast.com/federal-reserve"), record("tscpa.com")
    assert conflicts(a, b) == []


def test_the_labelled_set_is_real_coverage_large_enough_and_split_deterministically():
    document = json.loads((EVALUATION / "real_pairs.json").read_text(encoding="utf-8"))
    pairs = document["pairs"]
    assert pairs == build_pairs.build(*build_pairs.records())  # the file is what it makes
    assert len(pairs) >= 150
    hard = [p for p in pairs if p["label"] == "different" and p["days_apart"] <= 10]
    assert len(hard) >= 60
    assert {p["split"] for p in pairs} == {
        "tune", "held-out", "held-out-4", "held-out-5", "held-out-6", "held-out-7", "held-out-8",
    }  # fmt: skip
    for pair in pairs:
        for side in (pair["a"], pair["b"]):
            assert side["outlet"] and side["url"].startswith("http") and side["date"]
    positives = [p for p in pairs if p["label"] == "same"]
    assert any(p["a"]["outlet"] != p["b"]["outlet"] for p in positives)
