"""Same story or same subject: two articles' events compared, with the reasons an editor sees.

The lexical score (stories/search.py) says two articles talk about the same things; the event
profiles (stories/events.py) say whether they report the same thing happening. Any one
conflict makes them different events: a different stage of one sequence (fired vs reinstated),
different alternatives (raised vs held), a preview against an outcome, event days two or more
days apart, or a figure of the opening of one that the other contradicts (magnitude 7.8 vs
6.4), or one reporting "another" quake or bank failure and the other not, on no common day.
Without a conflict, the pair is the same story when its lexical score reaches the threshold;
facts both report (the same date, the same figures) let a lower score through, since
independent coverage of one event shares those facts but not always its wording. A shared
stage is shown but proves nothing: two cases against one person are both "indicted".
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from stories import classifier, features, figures
from stories.events import WEEKDAYS, Day, Profile

# Quantities that identify an event: one value per event (its magnitude, the rate it set, the
# counts charged, the prison term), so one article's value missing from the other's is a
# conflict even when the other states it only further down.
IDENTITIES = {"magnitude", "rate", "charges", "prison", "tally"}
# Quantities of which one event has several values (a central bank's deposit, refinancing and
# lending rates): a conflict only when neither article's first value is among the other's.
SEVERAL = {"rate", "tally"}  # a procedural vote, then the vote itself
# Quantities that agree when two reports are of one event, but whose different values prove
# nothing: an article cites several sums of money.
ANECDOTAL = {"amount"}
FIGURE_NAMES = {
    "magnitude": "magnitude",
    "rate": "rate",
    "votes": "votes",
    "tally": "vote",
    "against": "votes against",
    "ordinal": "in the series",
    "charges": "counts charged",
    "prison": "years in prison",
    "amount": "amount",
}


@dataclass(frozen=True)
class Verdict:
    same: bool
    score: float  # the lexical score
    conflicts: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    facts: int = field(default=0, compare=False)
    probability: float = field(default=1.0, compare=False)  # the classifier's
    doubts: tuple[str, ...] = field(default=(), compare=False)

    @property
    def summary(self) -> str:
        if self.conflicts:
            return "Different events: " + "; ".join(self.conflicts)
        if self.doubts:
            return f"Unlikely the same event ({self.probability:.0%}): " + "; ".join(self.doubts)
        if self.shared:
            return "Same event: " + "; ".join(self.shared)
        return "Same wording; no event, day or figure to compare"


def threshold() -> float:
    return settings.STORIES_THRESHOLD


def corroborated_threshold() -> float:
    return settings.STORIES_CORROBORATED_THRESHOLD


def article_side(article, *, dated: bool = True) -> features.Side:
    return features.article_side(article, dated=dated)


def events_compare(a: Profile, b: Profile) -> tuple[list[str], list[str], int]:
    """(conflicts, shared facts, number of shared facts) between two event profiles."""
    conflicts, shared = [], []
    facts = _stages(a, b, conflicts, shared)
    if a.prospective != b.prospective and (a.stages if b.prospective else b.stages):
        conflicts.append("a preview vs the outcome")
    days = _days(a.day, b.day, conflicts, shared)
    if a.sequel != b.sequel and not (days or _same_weekday(a.day, b.day)):
        first = "a further event vs the first" if a.sequel else "the first vs a further event"
        conflicts.append(first)
    facts += days
    facts += _figures(a, b, conflicts, shared)
    return conflicts, shared, facts


def judge(
    a: features.Side, b: features.Side, score: float, *, floor: float | None = None
) -> Verdict:
    """Different events when the event comparison finds a conflict; otherwise the same story
    when the lexical score reaches the threshold (a lower one with shared facts) and the
    classifier, weighing every feature of the pair, finds it likely enough."""
    conflicts, shared, facts = events_compare(a.event, b.event)
    needed = threshold() if floor is None else floor
    if facts and needed <= threshold():  # proposals to editors; auto-linking stays strict
        needed = min(needed, corroborated_threshold())
    model = classifier.model()
    measured = features.pair_features(a, b, score, conflicts, facts)
    probability = model.probability(measured)
    doubts = ()
    cutoff = model.cutoff_for(measured)
    if not conflicts and probability < cutoff:
        doubts = tuple(features.doubts(model.contributions(measured), measured))
    same = not conflicts and score >= needed and probability >= cutoff
    return Verdict(same, score, tuple(conflicts), tuple(shared), facts, probability, doubts)


def _stages(a: Profile, b: Profile, conflicts: list, shared: list) -> int:
    facts = 0
    for family in sorted(set(a.stages) & set(b.stages)):
        if a.stages[family] != b.stages[family]:
            conflicts.append(f"{a.stages[family]} vs {b.stages[family]}")
        else:  # shown, but no proof: articles of one subject share its usual event words
            shared.append(a.stages[family])
    return facts


def _days(a: Day | None, b: Day | None, conflicts: list, shared: list) -> int:
    if a is None or b is None:
        return 0
    apart = _days_apart(a, b)
    if apart is None:
        return 0
    if apart >= 2:
        conflicts.append(f"different days ({_show(a)} vs {_show(b)})")
        return 0
    shared.append(f"same day ({_show(a)})" if apart == 0 else f"{_show(a)} / {_show(b)}")
    return 1 if a.value and b.value else 0  # the same weekday is no proof of the same day


def _same_weekday(a: Day | None, b: Day | None) -> bool:
    return a is not None and b is not None and _days_apart(a, b) == 0


def _days_apart(a: Day, b: Day) -> int | None:
    if a.value and b.value:
        return abs((a.value - b.value).days)
    undated = a.value is None or b.value is None
    if undated and a.month_day and b.month_day and a.month_day[0] == b.month_day[0]:
        return abs(a.month_day[1] - b.month_day[1])
    if a.weekday is not None and b.weekday is not None:
        distance = abs(a.weekday - b.weekday) % 7
        return min(distance, 7 - distance)
    return None


def _show(day: Day) -> str:
    if day.value:
        return day.value.strftime("%a %-d %b")
    if day.month_day:
        return date(2000, *day.month_day).strftime("%-d %b")
    return WEEKDAYS[day.weekday].capitalize()


def _figures(a: Profile, b: Profile, conflicts: list, shared: list) -> int:
    """Quantities both openings state, or an identity one opening states and the other article
    states anywhere: a conflict when the first value one opening gives is not among the values
    the other article gives (a follow-up recalls the earlier figure; the earlier report cannot
    know the later one)."""
    facts = 0
    kinds = set(a.salient) & set(b.salient)
    kinds |= {k for k in IDENTITIES if k in a.salient and k in b.figures}
    kinds |= {k for k in IDENTITIES if k in b.salient and k in a.figures}
    for kind in sorted(kinds):
        if kind in ANECDOTAL and figures.disagreements({kind: a.salient[kind]}, b.salient):
            continue  # sums of money: one article cites the loss, another the forfeit
        mine = a.salient.get(kind) or a.figures[kind]
        theirs = b.salient.get(kind) or b.figures[kind]
        misses = [
            _misses(kind, side, other) for side, other in ((a, b), (b, a)) if kind in side.salient
        ]
        if all(misses) if kind in SEVERAL else any(misses):
            named = FIGURE_NAMES[kind]
            conflicts.append(
                f"{named} {figures.describe(kind, mine)} vs {figures.describe(kind, theirs)}"
            )
        else:
            shared.append(f"{FIGURE_NAMES[kind]} {figures.describe(kind, mine)}")
            facts += 1
    return facts


def _misses(kind: str, side: Profile, other: Profile) -> bool:
    """Whether the first value `side` gives for `kind` is missing from `other`'s values."""
    return bool(figures.disagreements({kind: side.salient[kind]}, other.figures))
