"""`manage.py evaluate_same_story PAIRS.json` measures the search on labelled pairs."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from tests.factories import PAIRS, ROOT

REAL_ARTICLES = ROOT / "stories" / "evaluation" / "real_articles.json"

pytestmark = pytest.mark.django_db(transaction=True)


def evaluate(path, *args) -> str:
    out = StringIO()
    call_command("evaluate_same_story", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_evaluation_prints_precision_recall_and_timing(tmp_path):
    pairs = json.loads(PAIRS.read_text())["pairs"]
    seed = pairs[0]
    negative = next(p for p in pairs if p["label"] == "different" and p["a"] == seed["a"])
    bare = {"label": "same", "a": {"text": seed["b"]["text"]}, "b": {"text": seed["a"]["text"]}}
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps({"pairs": [seed, negative, bare]}))
    output = evaluate(path)
    assert "Pairs: 3" in output
    assert "Precision: 1.000" in output
    assert "Recall: 1.000" in output
    assert "Candidate search: p50" in output
    assert Article.objects.count() == 0  # the scratch database is gone, ours untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"pairs": []}', 'no "pairs" list'),
        ('{"pairs": [{"label": "maybe", "a": {"text": "x"}, "b": {"text": "y"}}]}', "label"),
        ('{"pairs": [{"label": "same", "a": {"text": ""}, "b": {"text": "y"}}]}', '"a"'),
    ],
)
def test_a_bad_pairs_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "pairs.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        evaluate(path)


def test_evaluation_reports_each_split_by_kind_with_both_dates_and_one_side_undated(tmp_path):
    records = json.loads(REAL_ARTICLES.read_text(encoding="utf-8"))

    def side(url_part):
        found = next(r for r in records if url_part in r["url"])
        return {key: found[key] for key in ("title", "outlet", "url", "date", "text")}

    fired, reinstated = side("sfist.com"), side("maginative.com")
    also_fired = side("breakinglatest.news/business/openai-fires")
    pairs = [
        {"label": "same", "kind": "same event", "split": "tune", "a": fired, "b": also_fired},
        {"label": "different", "kind": "firing vs reinstatement", "split": "tune",
         "a": fired, "b": reinstated},
        {"label": "different", "kind": "firing vs reinstatement", "split": "held-out",
         "a": also_fired, "b": reinstated},
    ]  # fmt: skip
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps({"pairs": pairs}))
    output = evaluate(path)
    for heading in ("tune, both dates", "tune, one side undated", "held-out, one side undated"):
        assert f"== {heading} ==" in output
    assert "firing vs reinstatement: 0 of 1 flagged same" in output
    assert "same event: 1 of 1 flagged same" in output
    held_out = evaluate(path, "--split", "held-out")
    assert "== tune" not in held_out and "Pairs: 1," in held_out


def test_a_missed_pair_under_the_lexical_threshold_says_so_not_only_the_event_it_shares(tmp_path):
    pairs = json.loads((ROOT / "stories" / "evaluation" / "real_pairs.json").read_text())["pairs"]
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps({"pairs": [p for p in pairs if p["topic"] == "titan"]}))
    output = evaluate(path, "--mistakes")
    missed = [line for line in output.splitlines() if "missed (" in line]
    assert any("under the lexical threshold (Same event: searching)" in line for line in missed)
    assert not any(" — Same event" in line for line in missed)  # never as if it were flagged
