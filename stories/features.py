"""What two articles' texts have in common, as numbers a classifier weighs (stories/classifier.py).

Each feature is a general property of news text, not a rule about one kind of story:

- `lexical`: the search's TF-IDF cosine over the whole text, with archive document frequencies
  (stories/search.py);
- `opening`: the share of word pairs of the openings that both use (wire copies and rewrites
  of one report share them; two events of one subject rarely phrase their news alike);
- `title`: the share of the titles' content words in common;
- `names_new`: the largest share of one opening's proper names (capitalised words not opening a
  sentence) that the other text never mentions: a new person, place or body is a new event;
- `numbers_new`, `numbers_shared`: the same for the figures of the openings (7.8, 25, 4.5%),
  and how many figures both openings state;
- `quote`: both quote the same words (five in a row inside quotation marks);
- `conflict_*`, `shared_facts`: the event comparison of stories/verdicts.py (another stage of
  one sequence, another day, contradicting figures, a preview against an outcome, a further
  event against the first), and the facts both report;
- `date_gap`: the days between the articles' dates (log), 0 with `undated` when one has none.

The classifier weighs `WEIGHED`: every feature but the conflicts. A conflict is a veto of its
own (stories/verdicts.judge sets such a pair aside before the classifier is asked), so as a
weight it would only bend the fit towards pairs the classifier never decides; without them it
ranks the pairs it does decide better (leave-one-topic-out over the tuning split).
"""

import html
import math
import re
from dataclasses import dataclass
from datetime import date

from django.utils.html import strip_tags

from stories.events import Profile, opening, profile

NAMES = (
    "lexical",
    "opening",
    "title",
    "names_new",
    "numbers_new",
    "numbers_shared",
    "quote",
    "conflict_stage",
    "conflict_day",
    "conflict_figure",
    "conflict_prospect",
    "conflict_sequel",
    "shared_facts",
    "date_gap",
    "undated",
)
WEIGHED = tuple(name for name in NAMES if not name.startswith("conflict_"))
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*\d|\d")
_NAME = re.compile(r"(?<![.!?:\"“]\s)(?<!^)\b[A-Z][a-zA-Z’'-]+")
_QUOTE = re.compile(r"[\"“]([^\"”]{10,400})[\"”]")
_STOP_WORDS = (
    "a an the of to in on for and or but at by with from as is are was were be been has have had "
    "it its this that these those after before over under into up out new says said will would "
    "could can may more than his her their our we you they he she not no s"
)
_STOP = frozenset(_STOP_WORDS.split())
_STARTS = (
    "The A An In On At After But And As It This That He She They We His Her Its Their "
    "When While With For From By Of To If Some Two One Three"
)
_SENTENCE_STARTS = frozenset(_STARTS.split())


@dataclass(frozen=True)
class Side:
    """One article as the features read it: its title, opening, whole text, date, event."""

    title: str
    text: str
    published: date | None
    event: Profile

    @property
    def lede(self) -> str:
        return opening(self.title, self.text)


def article_side(article, *, dated: bool = True) -> Side:
    """An article (saved or not) as the features read it; without its date if not `dated`."""
    title = article.title or ""
    text = html.unescape(strip_tags(article.excerpt or ""))
    published = article.original_date if dated else None
    return Side(title, text, published, profile(title, text, published))


def pair_features(
    a: Side, b: Side, lexical: float, conflicts: list[str], facts: int
) -> dict[str, float]:
    """The features of a pair, given the lexical score and the event comparison's conflicts
    and number of shared facts (stories/verdicts.py)."""
    kinds = [_conflict_kind(c) for c in conflicts]
    a_lede, b_lede = a.lede, b.lede
    a_all, b_all = f"{a.title}. {a.text}", f"{b.title}. {b.text}"
    a_numbers, b_numbers = _numbers(a_lede), _numbers(b_lede)
    undated = a.published is None or b.published is None
    gap = 0 if undated else abs((a.published - b.published).days)
    return {
        "lexical": lexical,
        "opening": _jaccard(_bigrams(a_lede), _bigrams(b_lede)),
        "title": _jaccard(_content(a.title), _content(b.title)),
        "names_new": max(_new(_names(a_lede), a_all, b_all), _new(_names(b_lede), b_all, a_all)),
        "numbers_new": max(
            _share_missing(a_numbers, _numbers(b_all)), _share_missing(b_numbers, _numbers(a_all))
        ),
        "numbers_shared": min(len(a_numbers & b_numbers), 3) / 3,
        "quote": float(bool(_quoted(a_all) & _quoted(b_all))),
        "conflict_stage": float("stage" in kinds),
        "conflict_day": float("day" in kinds),
        "conflict_figure": float("figure" in kinds),
        "conflict_prospect": float("prospect" in kinds),
        "conflict_sequel": float("sequel" in kinds),
        "shared_facts": min(facts, 2) / 2,
        "date_gap": math.log1p(gap),
        "undated": float(undated),
    }


def _conflict_kind(conflict: str) -> str:
    if conflict.startswith("different days"):
        return "day"
    if conflict == "a preview vs the outcome":
        return "prospect"
    if "further event" in conflict:
        return "sequel"
    if re.search(r"\d", conflict):
        return "figure"
    return "stage"


def _words(text: str) -> list[str]:
    return [w.lower().strip("'’") for w in _WORD.findall(text)]


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = [w for w in _words(text) if w not in _STOP]
    return set(zip(words, words[1:], strict=False))


def _content(text: str) -> set[str]:
    return {w[:6] for w in _words(text) if w not in _STOP and len(w) > 2}


def _names(text: str) -> set[str]:
    return {
        m.group(0).rstrip("'’s").lower()
        for m in _NAME.finditer(text)
        if m.group(0) not in _SENTENCE_STARTS and len(m.group(0)) > 2
    }


def _new(names: set[str], mine: str, theirs: str) -> float:
    """The share of `names` the other text never mentions."""
    if not names:
        return 0.0
    other = theirs.lower()
    return sum(name not in other for name in names) / len(names)


def _numbers(text: str) -> set[str]:
    found = set()
    for word in re.findall(r"\d[\d,.]*\d|\d", text):
        value = word.replace(",", "").rstrip(".")
        if len(value) == 4 and value[:2] in {"19", "20"}:
            continue  # a year: both articles of one subject name it
        found.add(value)
    return found


def _share_missing(mine: set[str], theirs: set[str]) -> float:
    return sum(n not in theirs for n in mine) / len(mine) if mine else 0.0


def _quoted(text: str) -> set[tuple[str, ...]]:
    shingles = set()
    for quote in _QUOTE.findall(text):
        words = _words(quote)
        shingles |= {tuple(words[i : i + 5]) for i in range(len(words) - 4)}
    return shingles


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# What a feature pushing towards "different" means, as an editor reads it.
_DOUBTS = {
    "lexical": "little wording in common",
    "opening": "openings worded differently",
    "title": "titles share few words",
    "names_new": "names the other does not mention",
    "numbers_new": "figures the other does not state",
    "numbers_shared": "no figure in common",
    "quote": "no quotation in common",
    "date_gap": "{gap} days apart",
    "undated": "one has no date",
}


def doubts(contributions: dict[str, float], measured: dict[str, float]) -> list[str]:
    """The two features that count most against the pair being one event, in words."""
    against = sorted((c, name) for name, c in contributions.items() if c < 0 and name in _DOUBTS)
    gap = round(math.expm1(measured["date_gap"]))
    return [_DOUBTS[name].format(gap=gap) for _, name in against[:2]]
