"""`manage.py evaluate_same_story PAIRS.json` measures the search on labelled pairs."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from tests.factories import PAIRS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


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
