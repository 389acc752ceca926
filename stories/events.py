"""What an article says happened, when, and with which figures: the event under its words.

Two articles can share every name (the same chief executive, court, central bank or province)
and still report different events: a firing and the reinstatement five days later, a first
earthquake and a second one. `profile()` reads the opening of an article (its title and first
sentences, where news puts the event) for

- stages: the event words of a family of events that follow one another (fired, then
  reinstated; indicted, arraigned, convicted, sentenced; blocked, then approved; ...). An
  article about a later stage recalls the earlier ones, never the reverse, so its stage is the
  latest one it reports as done; words under "will", "could", "expected to" are not done;
- when: the day the opening puts the event on, from dates and weekdays resolved against the
  article's date (or, undated, the weekday or calendar day as written), leaving aside days
  that only recall an earlier event ("after Saturday's quake", "last Friday");
- prospect: a preview ("what to expect", "ahead of", "could be indicted") reports nothing done;
- figures: magnitudes, rate levels, vote tallies, counts of charges, prison terms, amounts.

`events_compare()` in stories/verdicts.py turns two profiles into a verdict with its reasons.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from stories import figures

OPENING_SENTENCES = 3
OPENING_WORDS = 90

# A rate decision named by its noun: "a rate cut", "the first rate hike", "a half-point rate
# rise" (not "three rate cuts later this year", nor "brakes on rate hikes").
_DECISION_NOUN = r"(?:a|its|the|first|surprise|[\w-]+-point) (?:[\w.-]+ )?rate (?:{})\b"

# Family -> stages in the order they follow one another. Each stage: regular expressions of
# the words that report it as done.
STAGES: dict[str, list[tuple[str, str]]] = {
    "leadership": [  # of a person's job: "fired its chief executive", not "fired missiles"
        (
            "fired",
            r"(?:fire[sd]?|firing|ous(?:ts|ted)|sack(?:s|ed)|dismiss(?:es|ed)|remov(?:es|ed))"
            r"(?= (?:as |its |his |her |the |their )?(?:[\w-]+ )?(?:ceo|chief|boss|head|director"
            r"|manager|coach|minister|chair\w*|president|founder|speaker|leader))"
            r"|(?:was|been|were|is) (?:\w+ )?(?:fired|ousted|sacked|dismissed)(?! upon\b)"
            r"|ouster|dismissal",
        ),
        (
            "reinstated",
            r"reinstat\w*|re-instat\w*|rehired|return(?:s|ed)? (?:to \w+ )?as (?:ceo|chief)"
            r"|return of (?!(?:the |a |an )?(?:\d|two|three|four|five|six|missing|hostages"
            r"|kidnapped))"
            r"|(?:once )?again (?:the )?(?:ceo|chief)"
            r"|(?:'s|is|are) back (?:at|as|in charge)",
        ),
    ],
    "prosecution": [
        ("indicted", r"indict(?:s|ed|ment)?|charged|votes? to indict"),
        (
            "arraigned",
            r"arraign(?:s|ed)|plead(?:s|ed)? [\"“]?not guilty|not[- ]guilty plea"
            r"|(?:at|during|for) (?:his |her |their |the )?(?:[\w-]+ ){0,2}arraignment",
        ),
        (
            "convicted",
            r"convict(?:s|ed|ion)|found guilty|guilty verdicts?|jury verdict"
            r"|finds? (?:(?!not\b)[\w.'-]+ ){1,5}guilty|(?<!not )guilty (?:on|of) (?:\w+ )?"
            r"(?:counts?|charges?)",
        ),
        ("sentenced", r"sentenced|sentencing hearing|prison term|landmark sentencing"),
    ],
    "truce": [
        (
            "agreed",
            r"agree[sd]? (?:to |on )?(?:a |an )?(?:[\w-]+[- ]day )?(?:truce|ceasefire)"
            r"|reach(?:es|ed)? (?:a |an )?(?:truce|ceasefire)|(?:truce|ceasefire) deal",
        ),
        (
            "ended",
            r"(?:truce|ceasefire) (?:collapse[sd]?|ends|ended|expire[sd]|broke down)"
            r"|resum(?:es|ed) (?:its )?(?:strikes|fighting|attacks|bombing)|fighting returns",
        ),
    ],
    "review": [
        ("blocked", r"block(?:s|ed|ing)?|prevent(?:s|ed)|denied|reject(?:s|ed)|stops"),
        (
            "approved",
            r"approv(?:e|es|ed|al)|clear(?:s|ed)|green light|responded favou?rably"
            r"|address(?:es)? (?:most |its |our |the )?(?:original )?concerns",
        ),
    ],
    "search": [
        (
            "searching",
            r"search(?:es|ed|ing)? (?:for|effort|area|and rescue)|missing|vanish\w*"
            r"|disappear\w*|lost contact|running out|oxygen|searching"
            r"|(?:has|have) not (?:yet )?been (?:found|located|reached)|rescue (?:mission"
            r"|operation)",
        ),
        (
            "found",
            r"debris field|implosion|no survivors|(?:confirmed|declared|presumed) dead"
            r"|(?:located|found) (?:the )?(?:[\w']+ )?(?:wreck|wreckage)"
            r"|wreck(?:age)? (?:was|has been) found|(?:have|has|had) been found"
            r"|found the (?:missing|kidnapped|abducted)"
            r"|recover(?:s|ed|ing)? (?:the )?bodies|bodies (?:were |have been )?recovered"
            r"|confirm\w* (?:the )?deaths|found (?:[\w-]+ ){0,4}?(?:dead|in (?:\w+ )?pieces|split"
            r"|cracked|broken)|(?:split|broke|broken|cracked) (?:apart|into)|sank|has sunk",
        ),
    ],
    "launch": [
        (
            "scrubbed",
            r"scrub(?:s|bed)?|postpone\w*|called off|scrap(?:s|ped)|abort\w*"
            r"|wave off|no launch today",
        ),
        ("launched", r"lift(?:s|ed)? off|blast(?:s|ed)? off|launched|explod\w*|soared"),
    ],
    "unveiling": [
        (
            "unveiled",
            r"unveil(?:s|ed|ing)|took the wraps off|announced the|hailed the arrival"
            r"|introduc(?:es|ed)|debut(?:s|ed)",
        ),
    ],
    "outcome": [
        ("crashed", r"crash(?:es|ed)|crash-land\w*"),
        ("landed", r"land(?:s|ed)|touch(?:es|ed) down|soft-landed|successful landing"),
    ],
    "contest": [  # of a post: a candidate leaves the race, then the winner is named
        (
            "withdrew",
            r"pull(?:s|ed|ing)? out|withdr[ae]w\w*|drop(?:s|ped)? out|quits? the race"
            r"|abandon\w* (?:his |her |their )?bid|will not (?:stand|run)|not be running",
        ),
        (
            "chosen",
            r"(?:named|elected|chosen|confirmed|declared"
            r"|appointed) (?:as )?(?:the )?(?:[\w']+ ){0,3}"
            r"(?:leader|prime minister|president|winner)|claim(?:s|ed)? victory|declared victory"
            r"|w(?:ins?|on) (?:the |a )?(?:[\w-]+ ){0,2}(?:leadership|race|contest|election"
            r"|runoff|vote)",
        ),
    ],
    "stranding": [  # a ship aground, then afloat again
        ("aground", r"r[au]ns? aground|stranded|lodged|blocking|blocks"),
        ("refloated", r"refloat\w*|freed|dislodged|(?:is|was|set) free|reopen(?:s|ed|ing)"),
    ],
    "rescue": [  # people trapped: found alive, then brought out
        ("found alive", r"found (?:[\w-]+ ){0,3}(?:alive|safe)|located alive"),
        ("rescued", r"rescued|brought out|freed from|pulled from|extracted"),
    ],
    "storm": [  # a storm's landfall, then its aftermath (the forecast is a preview)
        (
            "landfall",
            r"(?:made|makes|making) landfall|c[oa]mes? ashore|slam(?:s|med) (?:\w+ )?ashore",
        ),
        (
            "aftermath",
            r"picking up the pieces|aftermath|clean-?up (?:efforts?|crews?|begins?)"
            r"|assess\w* (?:the )?(?:\w+ )?damage|left (?:[\w.]+ ){0,3}without power",
        ),
    ],
    "rates": [
        (
            "raised",
            r"rais(?:e|es|ed|ing)|hiked|increased|lift(?:s|ed|ing)"
            r"|(?:hikes?|increases?) (?:its |the )?(?:key |benchmark )?(?:interest )?rates?"
            r"|" + _DECISION_NOUN.format("hike|increase|rise"),
        ),
        (
            "held",
            r"h[oe]ld(?:s|ing)? (?:its |the )?(?:key |benchmark )?(?:interest )?"
            r"(?:rates?|steady|flat)"
            r"|(?:left|leaves?|kept|keeps?) (?:its |the )?(?:key |benchmark )?(?:interest )?rates?"
            r"|pause[sd]?|paused|skip(?:s|ped)?|unchanged|maintain(?:s|ed)? the target range",
        ),
        (
            "cut",
            r"cut(?:s|ting)? (?:rates|interest rates|its|the)"
            r"|"
            + _DECISION_NOUN.format("cut|reduction|decrease")
            + r"|(?:lower(?:s|ed|ing)|slash(?:es|ed)?|reduc(?:es|ed)) (?:\w+ )?(?:rates|its"
            r"|interest)",
        ),
    ],
}
# Families whose stages are alternatives, not a sequence: a rate decision raises, holds or
# cuts, and two decisions that do different things are different decisions.
ALTERNATIVES = {"rates", "outcome"}

# Words that make the event word after them prospective, not done.
_MODAL = (
    r"(?:(?:will|could|may|might|can|as soon as|if|potentially|possibly|'ll|to be)\s+"
    r"|(?:expect\w*|set|likely|poised|plans?|planned|hopes?|ready|about|going|due|scheduled"
    r"|wants?|seeks?|aims?)\s+(?:[\w-]+\s+){0,4}?to\s+)(?:[\w-]+\s+){0,3}"
)
PREVIEW = re.compile(
    r"what to expect|ahead of(?! (?:[\w'’-]+ ){0,3}deadline)|preview|expect(?:s|ed)?\b|is set to"
    r"|are set to|as soon as"
    r"|could be (?:indicted|charged|arrested|named|announced|decided|approved|blocked|released)"
    r"|forecast to|headed (?:to|for|toward)|bearing down on"
    r"|kicks off tomorrow|upcoming|rumou?r\w*|will (?:unveil|announce|decide|vote|launch)"
    r"|is scheduled to|poised to|anticipat\w+|how to watch|starts (?:today|tomorrow)|kicks off",
    re.IGNORECASE,
)
# A further event of a kind ("another earthquake", "the second bank failure", "days after
# deadly tremors"), as against the first.
SEQUEL = re.compile(
    r"\b(?:another|fresh|new|second|third|two more|yet another)\b(?:\s+[\w.-]+){0,3}?\s+"
    r"(?:earthquakes?|quakes?|tremors?|temblors?|failures?|bank failures?)\b"
    r"|\b(?:days|weeks) after (?:the |a |an )?(?:\w+ ){0,2}"
    r"(?:earthquakes?|quakes?|tremors?|temblors?)",
    re.IGNORECASE,
)

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_WORDS = re.compile(
    rf"\b(?P<weekday>{'|'.join(WEEKDAYS)})\b(?P<possessive>'s)?"
    rf"|\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
    rf"|\b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH})\b"
    r"(?:,?\s+(?P<year2>(?:19|20)\d\d)\b)?"
    r"|\b(?P<relative>today|yesterday|tonight|last night|this morning)\b",
    re.IGNORECASE,
)
# A day in a clause with one of these words recalls an earlier event or announces a later one.
_BACKGROUND_BEFORE = re.compile(
    r"\b(?:after|since|earlier|previous|previously|last|following|before|where|ago|initial"
    r"|initially|than|until|prior|planned|plans|scheduled|set for|expected|will|due"
    r"|on the eve|recent|recently|next|coming|that|which|who|disappeared|vanished"
    r"|went missing|lost contact|began|forecasts?|forecasted|projected|predicted|could|would"
    r"|might)\b|\b(?:by|until)\s+$",
    re.IGNORECASE,
)
_REPORTED = re.compile(r"\b(?:said|says|told)\W+(?:\w+\W+){0,1}$", re.IGNORECASE)
_STAGE_PATTERNS = {
    family: [(stage, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for stage, words in stages]
    for family, stages in STAGES.items()
}
_PROSPECTIVE_BEFORE = re.compile(rf"{_MODAL}$", re.IGNORECASE)
# Words that make the event word after them an earlier one recalled: "began raising rates in
# March 2022", "after raising them steadily", "since its last rate hike".
_EARLIER_BEFORE = re.compile(
    r"\b(?:began|begun|after|since|following|previous"
    r"|last(?!\s+(?:week|night|month|year|weekend|\w+day)\b))\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class Day:
    """The event's day: a date when the article's date is known, else what the text says."""

    value: date | None = None
    weekday: int | None = None  # 0 = Monday
    month_day: tuple[int, int] | None = None
    words: str = ""


@dataclass(frozen=True)
class Profile:
    stages: dict[str, str] = field(default_factory=dict)  # family -> latest stage done
    all_stages: dict[str, frozenset] = field(default_factory=dict)
    day: Day | None = None
    prospective: bool = False
    sequel: bool = False
    salient: dict[str, frozenset] = field(default_factory=dict)  # figures of the opening
    figures: dict[str, frozenset] = field(default_factory=dict)  # figures of the whole text


def opening(title: str, text: str) -> str:
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    lede = " ".join(sentences[:OPENING_SENTENCES])
    words = lede.split()
    return f"{title.strip()}. {' '.join(words[:OPENING_WORDS])}" if title.strip() else lede


def profile(title: str, text: str, published: date | None) -> Profile:
    """The event an article reports, read from its title and text (plain text)."""
    lede = opening(title, text)
    done, mentioned = _stages(lede)
    return Profile(
        stages=done,
        all_stages=mentioned,
        day=_event_day(lede, published),
        prospective=_prospective(title, text, done),
        sequel=bool(SEQUEL.search(lede)),
        salient=figures.headline(lede),
        figures=figures.extract(f"{title}. {text}"),
    )


def _stages(lede: str) -> tuple[dict[str, str], dict[str, frozenset]]:
    """Family -> the stage reported as done (the latest of a sequence, the first mentioned of
    alternatives), and family -> every stage mentioned as done."""
    done, mentioned = {}, {}
    for family, stages in _STAGE_PATTERNS.items():
        if family == "rates" and not re.search(r"\brates?\b", lede, re.IGNORECASE):
            continue  # "held hostage", "a pause in the fighting"
        found = {}
        for stage, pattern in stages:
            for match in pattern.finditer(lede):
                before = lede[max(0, match.start() - 60) : match.start()]
                if not (_PROSPECTIVE_BEFORE.search(before) or _EARLIER_BEFORE.search(before)):
                    found[stage] = min(found.get(stage, match.start()), match.start())
        if found:
            mentioned[family] = frozenset(found)
            order = [stage for stage, _ in STAGES[family]]
            if family in ALTERNATIVES:
                done[family] = min(found, key=found.get)
            else:
                done[family] = max(found, key=order.index)
    return done, mentioned


def _prospective(title: str, text: str, done: dict[str, str]) -> bool:
    """A preview: its title or first sentence looks ahead, and it reports nothing as done."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    return bool(PREVIEW.search(f"{title}. {first}")) and not done


def _event_day(lede: str, published: date | None) -> Day | None:
    for match in _DAY_WORDS.finditer(lede):
        if match["possessive"] or _recalled(lede, match.start()):
            continue
        day = _resolve(match, published)
        if day is not None:
            return day
    return None


def _recalled(lede: str, start: int) -> bool:
    """Whether the day at `start` only recalls an earlier event, announces a later one, or
    dates a statement: a cue word in its clause before it."""
    clause = re.split(r"[,;:!?()—–]|\.(?=\s)", lede[max(0, start - 400) : start])[-1]
    named = re.search(r"\b(?:the|a|an)\s+$", clause, re.IGNORECASE)  # "the April 1 strike"
    return bool(_BACKGROUND_BEFORE.search(clause) or _REPORTED.search(clause) or named)


def _resolve(match: re.Match, published: date | None) -> Day | None:
    words = match.group(0)
    if match["weekday"]:
        weekday = WEEKDAYS.index(match["weekday"].lower())
        if published is None:
            return Day(weekday=weekday, words=words)
        back = (published.weekday() - weekday) % 7
        # The day after the article's date is that day, not six days before: an article's
        # date is often the day before in its publisher's time zone.
        return _dated(published - timedelta(days=back if back < 6 else -1), words)
    if match["relative"]:
        if published is None:
            return None
        back = 1 if match["relative"].lower() in {"yesterday", "last night"} else 0
        return _dated(published - timedelta(days=back), words)
    month = MONTHS[(match["month"] or match["month2"]).lower()]
    day = int(match["day"] or match["day2"])
    if not 1 <= day <= 31:
        return None
    if published is None:
        return Day(month_day=(month, day), words=words)
    written = match["year"] or match["year2"]
    for year in (int(written),) if written else (published.year, published.year - 1):
        try:
            value = date(year, month, day)
        except ValueError:
            return None
        if value <= published + timedelta(days=1):
            # A day more than a week before the article's date recalls an earlier event
            # ("the June 7, 2021, shooting deaths"); a later one announces the next.
            return _dated(value, words) if value >= published - timedelta(days=7) else None
    return None


def _dated(value: date, words: str) -> Day:
    return Day(
        value=value, weekday=value.weekday(), month_day=(value.month, value.day), words=words
    )
