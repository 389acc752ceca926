"""The same-story classifier: trained on labelled pairs with a cross-validated cutoff, and its
doubts shown to editors (real excerpts from stories/evaluation/)."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from stories import classifier, features
from stories.search import candidates_for_article
from tests.factories import ROOT, archive
from tests.stories.test_same_event import RECORDS, panel_of, record

REAL_PAIRS = ROOT / "stories" / "evaluation" / "real_pairs.json"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_training_prints_leave_one_topic_out_figures_and_saves_the_model(tmp_path):
    pairs = json.loads(REAL_PAIRS.read_text(encoding="utf-8"))["pairs"]
    chosen = [p for p in pairs if p["topic"] in {"openai", "chauvin", "moon-2023"}]
    path, model = tmp_path / "pairs.json", tmp_path / "model.json"
    path.write_text(json.dumps({"pairs": chosen}))
    out = StringIO()
    call_command(
        "train_same_story", str(path), "--write", "--output", str(model), stdout=out,
        stderr=StringIO(),
    )  # fmt: skip
    printed = out.getvalue()
    assert f"Trained on {len(chosen)} pairs of split 'tune', 3 topics" in printed
    assert "Leave-one-topic-out, both dates: precision" in printed
    assert "Leave-one-topic-out, one side undated: precision" in printed
    saved = json.loads(model.read_text())
    assert set(saved["cross_validated"]) == {"both dates", "one side undated"}
    assert 0 < saved["cutoff"] < 1 and len(saved["weights"]) == len(saved["features"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_training_on_several_splits_with_a_recall_goal_saves_a_cutoff_for_each_mode(tmp_path):
    pairs = json.loads(REAL_PAIRS.read_text(encoding="utf-8"))["pairs"]
    chosen = [
        {**p, "split": "tune" if p["topic"] == "openai" else "other"}
        for p in pairs
        if p["topic"] in {"openai", "chauvin", "moon-2023"}
    ]
    path, model = tmp_path / "pairs.json", tmp_path / "model.json"
    path.write_text(json.dumps({"pairs": chosen + [{**chosen[0], "split": "left out"}]}))
    out = StringIO()
    call_command(
        "train_same_story", str(path), "--split", "tune,other", "--precision", "0.95",
        "--recall", "0.9", "--write", "--output", str(model), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    printed = out.getvalue()
    assert f"Trained on {len(chosen)} pairs of split 'tune,other', 3 topics" in printed
    assert "Cutoff with one side undated:" in printed
    saved = json.loads(model.read_text())
    assert 0 < saved["cutoff"] < 1 and 0 < saved["undated_cutoff"] < 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_training_on_a_split_without_pairs_is_a_clear_error(tmp_path):
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps({"pairs": [json.loads(REAL_PAIRS.read_text())["pairs"][0]]}))
    with pytest.raises(Exception, match='No pairs in split "held"'):
        call_command("train_same_story", str(path), "--split", "held", stdout=StringIO())


@pytest.mark.django_db
def test_a_pair_the_classifier_doubts_is_set_aside_with_why_for_the_editor_to_overrule(
    editor_client,
):
    # the topic's coverage, so that its words weigh as in the evaluation
    archived = {r["url"]: archive(r) for r in RECORDS if r["topic"] == "wwdc-2023"}
    preview = archived[record("netzender.com/wwdc-2023")["url"]]
    day_of = archived[record("techgeeks.news/blog/2023/06/05")["url"]]
    assert day_of not in [c.article for c in candidates_for_article(preview)]
    panel = panel_of(editor_client, preview)
    set_aside = panel[panel.index("Same subject, different event") :]
    assert "watch Apple&#x27;s WWDC keynote today" in set_aside
    assert re.search(r"Unlikely the same event \(\d+%\): [^<]*3 days apart", set_aside)
    assert f"Same story after all: {day_of.title}".replace("'", "&#x27;") in set_aside
    assert reverse("admin:articles_article_change", args=[day_of.pk]) in set_aside


def test_the_classifier_weighs_no_event_conflict_since_a_conflict_sets_the_pair_aside_alone():
    conflicts = {name for name in features.NAMES if name.startswith("conflict_")}
    assert conflicts and not conflicts & set(classifier.model().names)
    assert set(classifier.model().names) == set(features.NAMES) - conflicts
    # a conflict that would predict every label perfectly still gets no weight
    rows = [
        {name: float(i % 2 if name in conflicts else i % 3 == 0) for name in features.NAMES}
        for i in range(12)
    ]
    model = classifier.fit(rows, [1 - i % 2 for i in range(12)])
    assert model.names == features.WEIGHED
    assert model.probability({**rows[1], "conflict_stage": 0.0}) == model.probability(rows[1])
