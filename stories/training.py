"""Training the same-story classifier (`manage.py train_same_story`) and cross-validating it.

Rows are the features of labelled pairs (stories/evaluate.py feature_rows), each pair once
with both dates and once with one side undated. Cross-validation leaves one topic out at a
time, so every out-of-fold prediction is of a topic the model never saw, as a new story is;
the cutoff is the lowest probability at which those predictions, through the whole decision
(no event conflict, the lexical threshold, the classifier), reach the precision asked for; or,
given a recall too, one cutoff for each mode that misses both goals by the least.
"""

from dataclasses import dataclass

from django.conf import settings

from stories import classifier

CUTOFFS = [step / 100 for step in range(5, 96)]


@dataclass(frozen=True)
class Row:
    features: dict[str, float]
    same: bool
    topic: str
    undated: bool


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    pairs: int


def passes_rules(features: dict[str, float]) -> bool:
    """The decision without the classifier (stories/verdicts.judge at the editors' threshold)."""
    if any(features[name] for name in features if name.startswith("conflict_")):
        return False
    needed = settings.STORIES_THRESHOLD
    if features["shared_facts"]:
        needed = min(needed, settings.STORIES_CORROBORATED_THRESHOLD)
    return features["lexical"] >= needed


def figures(predictions: list[tuple[float, Row]], cutoff: float) -> Figures:
    flagged = [(p >= cutoff and passes_rules(row.features), row) for p, row in predictions]
    tp = sum(f and row.same for f, row in flagged)
    fp = sum(f and not row.same for f, row in flagged)
    fn = sum(not f and row.same for f, row in flagged)
    return Figures(
        tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, len(flagged)
    )


def out_of_fold(rows: list[Row], *, l2: float) -> list[tuple[float, Row]]:
    """Each row's probability from a model trained without its topic."""
    predictions = []
    for topic in sorted({row.topic for row in rows}):
        train = [row for row in rows if row.topic != topic]
        model = classifier.fit([r.features for r in train], [r.same for r in train], l2=l2)
        predictions += [(model.probability(r.features), r) for r in rows if r.topic == topic]
    return predictions


def choose_cutoff(predictions: list[tuple[float, Row]], *, precision: float) -> float:
    """The cutoff of the best recall at which both the dated and the undated predictions reach
    `precision` (the lowest such cutoff); the one of the best precision if none does."""
    modes = [[p for p in predictions if p[1].undated == u] for u in (False, True)]

    def worst(cutoff):
        return min(figures(mode, cutoff).precision for mode in modes)

    def recall(cutoff):
        return min(figures(mode, cutoff).recall for mode in modes)

    good = [c for c in CUTOFFS if worst(c) >= precision]
    if not good:
        return max(CUTOFFS, key=lambda c: (worst(c), recall(c)))
    return max(good, key=lambda c: (recall(c), -c))


def balanced_cutoff(
    predictions: list[tuple[float, Row]], *, precision: float, recall: float
) -> float:
    """The cutoff whose worst shortfall from either goal is the smallest: when no cutoff
    reaches both goals, the one that misses them by the least."""

    def margin(cutoff):
        found = figures(predictions, cutoff)
        return min(found.precision - precision, found.recall - recall)

    return max(CUTOFFS, key=lambda c: (margin(c), -c))


def train(
    rows: list[Row], *, l2: float = 1.0, precision: float = 0.96, recall: float | None = None
):
    """The model trained on every row, its cutoff, and the cross-validated figures by mode:
    the cutoff of the best recall at `precision`, or with `recall` too, the balanced one."""
    predictions = out_of_fold(rows, l2=l2)
    by_mode = {u: [p for p in predictions if p[1].undated == u] for u in (False, True)}
    undated_cutoff = None
    if recall is None:
        cutoff = choose_cutoff(predictions, precision=precision)
    else:  # one cutoff for each mode: an undated pair has less to go on
        cutoff, undated_cutoff = (
            balanced_cutoff(by_mode[u], precision=precision, recall=recall) for u in (False, True)
        )
    fitted = classifier.fit([r.features for r in rows], [r.same for r in rows], l2=l2)
    model = classifier.Model(
        fitted.names, fitted.mean, fitted.scale, fitted.weights, fitted.bias, cutoff,
        undated_cutoff,
    )  # fmt: skip
    cross_validated = {
        "both dates": figures(by_mode[False], cutoff),
        "one side undated": figures(by_mode[True], model.cutoff_for({"undated": 1.0})),
    }
    return model, cross_validated
