"""Measuring the same-story search on labelled pairs (`manage.py evaluate_same_story`).

Every article of the pairs file goes into the archive of a scratch database (optionally a copy
of a generated archive), then each pair asks the editors' candidate search whether `a` is
flagged for `b`: once with both dates, once with `b` undated (moved to `a`'s date, so the date
tells nothing, and its event read from its text alone). Pairs may carry a `kind` (of negative)
and a `split` ("tune", "held-out"); results are given per split and per kind.
"""

import datetime
import json
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import Article, Source
from stories import features, verdicts
from stories.fingerprints import fingerprints_refresh
from stories.search import judged_candidates, scored_candidates

LABELS = {"same", "different"}
PLACEHOLDER_DATE = datetime.date(2000, 1, 1)


class PairsError(ValueError):
    """The pairs file cannot be evaluated; the message says why."""


@dataclass
class Report:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    timings_ms: list[float] = field(default_factory=list)
    mistakes: list[tuple[str, str, str, str, float, str]] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> [flagged, pairs]

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        same = self.true_positive + self.false_negative
        return self.true_positive / same if same else 1.0

    def percentile(self, p: int) -> float:
        if len(self.timings_ms) < 2:
            return self.timings_ms[0] if self.timings_ms else 0.0
        return statistics.quantiles(self.timings_ms, n=100, method="inclusive")[p - 1]

    def count(self, pair: "Loaded", flagged: bool) -> None:
        outcome = {
            (True, "same"): "true_positive",
            (True, "different"): "false_positive",
            (False, "same"): "false_negative",
            (False, "different"): "true_negative",
        }[(flagged, pair.label)]
        setattr(self, outcome, getattr(self, outcome) + 1)
        tally = self.kinds.setdefault(pair.kind, [0, 0])
        tally[0] += flagged
        tally[1] += 1


@dataclass(frozen=True)
class Loaded:
    label: str
    kind: str
    split: str
    a: Article
    b: Article
    topic: str = ""


def read_pairs(path: str) -> list[dict]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise PairsError(f"Cannot read {path}: {error.strerror}.") from error
    except json.JSONDecodeError as error:
        raise PairsError(f"{path} is not valid JSON: {error}.") from error
    pairs = document.get("pairs") if isinstance(document, dict) else None
    if not isinstance(pairs, list) or not pairs:
        raise PairsError(f'{path} has no "pairs" list.')
    for number, pair in enumerate(pairs, start=1):
        _check_pair(pair, number)
    return pairs


def _check_pair(pair, number: int) -> None:
    if not isinstance(pair, dict) or pair.get("label") not in LABELS:
        raise PairsError(f'Pair {number}: "label" must be "same" or "different".')
    for side in ("a", "b"):
        article = pair.get(side)
        if not isinstance(article, dict) or not str(article.get("text") or "").strip():
            raise PairsError(f'Pair {number}: "{side}" must be an article with a "text".')
        if article.get("date"):
            try:
                datetime.date.fromisoformat(str(article["date"])[:10])
            except ValueError as error:
                raise PairsError(
                    f'Pair {number}: "{side}" has a date that is not YYYY-MM-DD.'
                ) from error


def load_articles(pairs: list[dict]) -> list[Loaded]:
    """Archive every article of the file once; returns the pairs with their articles."""
    archived: dict[tuple, Article] = {}
    loaded = []
    for pair in pairs:
        a_date, b_date = (_date(pair[side]) for side in ("a", "b"))
        a = _archive(pair["a"], a_date or b_date, archived)
        b = _archive(pair["b"], b_date or a_date, archived)
        kind = str(pair.get("kind") or ("same story" if pair["label"] == "same" else "other"))
        split, topic = str(pair.get("split") or "all"), str(pair.get("topic") or "")
        loaded.append(Loaded(pair["label"], kind, split, a, b, topic))
    return loaded


def _date(article: dict) -> datetime.date | None:
    value = article.get("date")
    return datetime.date.fromisoformat(str(value)[:10]) if value else None


def _archive(data: dict, date, archived: dict) -> Article:
    text = str(data["text"]).strip()
    key = (str(data.get("url") or ""), text)
    if key not in archived:
        number = len(archived) + 1
        title = str(data.get("title") or "").strip() or text[:80]
        source, _ = Source.objects.get_or_create(
            name=str(data.get("outlet") or "").strip()[:200] or "Unnamed outlet",
            defaults={"slug": f"eval-source-{Source.objects.count() + 1}"},
        )
        url = str(data.get("url") or "").strip()
        if not url or Article.objects.filter(original_url=url).exists():
            url = f"https://example.invalid/same-story-evaluation/{number}"
        archived[key] = Article.objects.create(
            title=title[:300],
            slug=f"{slugify(title)[:200]}-eval-{number}",
            source=source,
            original_date=date or PLACEHOLDER_DATE,
            original_url=url,
            excerpt="".join(
                f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip()
            ),
            status=Article.Status.PUBLISHED,
        )
    return archived[key]


def evaluate(loaded: list[Loaded], *, threshold: float, undated: bool = False) -> Report:
    """Whether the search flags each pair's `b` for its `a`; with `undated`, `b` is moved to
    `a`'s date for its turn and its event is read without a date."""
    report = Report()
    for pair in loaded:
        with _dated_like(pair.b, pair.a.original_date if undated else None):
            started = time.perf_counter()
            judged = {c.article.pk: c for c in judged_candidates(pair.a, min_score=threshold)}
            report.timings_ms.append((time.perf_counter() - started) * 1000)
            verdict = _verdict(pair, judged.get(pair.b.pk), threshold, undated)
            flagged = verdict is not None and verdict.same
            report.count(pair, flagged)
            if flagged != (pair.label == "same"):
                report.mistakes.append(_mistake(pair, verdict))
    return report


def feature_rows(loaded: list[Loaded], *, undated: bool = False) -> list[dict[str, float]]:
    """The classifier's features of each pair (stories/features.py), `b` undated or not."""
    rows = []
    for pair in loaded:
        with _dated_like(pair.b, pair.a.original_date if undated else None):
            score = dict(scored_candidates(pair.a, min_score=0)).get(pair.b.pk, 0.0)
            a = features.article_side(pair.a)
            b = features.article_side(pair.b, dated=not undated)
            conflicts, _, facts = verdicts.events_compare(a.event, b.event)
            rows.append(features.pair_features(a, b, score, conflicts, facts))
    return rows


def _verdict(pair: Loaded, candidate, threshold: float, undated: bool):
    if candidate is None or not undated:
        return candidate and candidate.verdict
    mine = verdicts.article_side(pair.a)
    theirs = verdicts.article_side(pair.b, dated=False)
    return verdicts.judge(mine, theirs, candidate.score, floor=threshold)


def _mistake(pair: Loaded, verdict) -> tuple:
    if verdict is None:  # below every threshold: show how far off
        scores = dict(scored_candidates(pair.a, min_score=0))
        score, why = scores.get(pair.b.pk, 0.0), "wording too different"
    else:
        score, why = verdict.score, verdict.summary
        if not verdict.same and not (verdict.conflicts or verdict.doubts):
            why = f"under the lexical threshold ({why})"  # the classifier was not the reason
    return (pair.label, pair.kind, pair.a.title, pair.b.title, score, why)


@contextmanager
def _dated_like(article: Article, day):
    """The article (and its fingerprint) at `day` for the duration, if `day` is given."""
    original = article.original_date
    if day is None or day == original:
        yield
        return
    _redate(article, day)
    try:
        yield
    finally:
        _redate(article, original)


def _redate(article: Article, day) -> None:
    Article.objects.filter(pk=article.pk).update(original_date=day)
    article.original_date = day
    fingerprints_refresh(article_ids=[article.pk])


@contextmanager
def scratch_database(*, template: str | None = None, keep: bool = False):
    """Point the default connection at a new database (a copy of `template`, or migrated from
    scratch) for the duration, then drop it and point back."""
    connection = connections[DEFAULT_DB_ALIAS]
    original = connection.settings_dict["NAME"]
    name = f"{original}_same_story_eval"[:63]
    quoted = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted(name)}")
        suffix = f" TEMPLATE {quoted(template)}" if template else ""
        cursor.execute(f"CREATE DATABASE {quoted(name)}{suffix}")
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        if not keep:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted(name)}")


def database_exists(name: str) -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None
