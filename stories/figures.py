"""The figures an article states, by the quantity they measure.

Two reports of one event agree on its figures (up to rounding: a 7.8 and a 7.9 magnitude, a
$3,499 and a $3,500 price); two events that share their names rarely do (a 7.8 and a 6.4 quake,
rates raised to 4.75-5% and then to 5-5.25%, 200 votes and then 199). Death tolls and other
running counts are left out: they grow while one story is reported.
"""

import re

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(list(_UNITS)[:9])}))?|{'|'.join(_UNITS)})"
_NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|{_WORD})"
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_ORDINAL = rf"(?:{'|'.join(_ORDINALS)}|\d+(?:st|nd|rd|th))"
_PERCENT = r"\s?(?:%|percent|per cent)"
_RATE = r"(\d+(?:\.\d+)?)"

PATTERNS = {
    "magnitude": [
        r"magnitude(?:[- ]of)?[- ](\d(?:\.\d)?)\b(?![.,]?\d)",
        r"(\d(?:\.\d)?)[- ]magnitude",
        r"(\d\.\d) on the richter",
        r"measur\w+ (?:at )?(\d\.\d)",
    ],
    "votes": [
        rf"({_NUMBER}) (?:gop |republican |democratic )?votes?\b"
        r"(?!,?\s+(?:\w+\s+){0,2}(?:needed|necessary|required))"
    ],
    "against": [
        rf"({_NUMBER}) (?:house )?(?:republicans|democrats|gop lawmakers|lawmakers|members)"
        r" (?:voted|went|refused|opposed|cast|broke)",
        rf"({_NUMBER}) (?:voting|voted) against",
    ],
    "charges": [
        rf"({_NUMBER})[- ](?:felony |criminal |federal |fraud and conspiracy )?"
        r"(?:counts|charges)\b",
        rf"({_NUMBER})-count",
    ],
    "ordinal": [  # which of a series: the second ballot, the tenth straight rate hike
        rf"\b({_ORDINAL})\s+(?:[\w-]+\s+){{0,3}}?(?:ballot|round|roll call|vote)\b",
        rf"\b({_ORDINAL})\s+(?:consecutive |straight |successive )?(?:interest[- ])?(?:rate )?"
        r"(?:hike|increase|rise|jump|cut|reduction)\b"
        # "the fourth this year": another count
        r"(?!\s+(?:(?:so far|in|of)\s+)?(?:this|the) year)",
        rf"\b({_ORDINAL}) (?:time|straight time) in a row\b",
    ],
    "prison": [
        rf"({_NUMBER})[- ]years? (?:in (?:federal )?prison|behind bars|prison)",
        rf"({_NUMBER})-year (?:prison|sentence|term)",
    ],
}
_COMPILED = {
    kind: [re.compile(rf"\b{pattern}", re.IGNORECASE) for pattern in patterns]
    for kind, patterns in PATTERNS.items()
}
# A quantity is only looked for in a text that names it (the patterns are slow to run).
_NAMES = {
    "magnitude": re.compile(r"magnitude|richter|measur", re.IGNORECASE),
    "votes": re.compile(r"\bvotes?\b", re.IGNORECASE),
    "against": re.compile(r"republicans|democrats|lawmakers|members|against", re.IGNORECASE),
    "ordinal": re.compile(r"ballot|round|roll call|vote|hike|increase|rise|cut|in a row", re.I),
    "charges": re.compile(r"counts?\b|charges", re.IGNORECASE),
    "prison": re.compile(r"\byears?\b|-year", re.IGNORECASE),
}
_RANGE = re.compile(rf"{_RATE}(?:{_PERCENT})?\s?(?:to|-|–|and)\s?{_RATE}{_PERCENT}", re.IGNORECASE)
_LEVEL = re.compile(rf"(?<![\d./]){_RATE}{_PERCENT}", re.IGNORECASE)
_MOVE = re.compile(rf"\bfrom {_RATE}(?:{_PERCENT})?\s?(?:pc )?to {_RATE}", re.IGNORECASE)
# Percents that are not a rate's level: inflation figures, the old level, the size of a move.
_NOT_LEVEL = re.compile(
    # the rest of the clause, unless the bank's move comes between ("inflation fell to 3% and
    # the bank cut its rate to 4.5%")
    r"\b(?:inflation|prices|growth|gdp|unemployment|jobless)\b"
    r"(?:(?!\b(?:cut|cuts|raised?|raises|hiked?|hikes|lowered|lifted|kept|held|holds)\b)[^,;:])*$"
    r"|\b(?:from|by)\s+$",
    re.IGNORECASE,
)
# A vote's tally: "voted 63-36", "passed 314-117", "by a vote of 314 to 117", "in a 6-3 decision"
# (one value, yes * 1000 + no).
_TALLY = re.compile(
    r"\b(?:voted|passed|approved|adopted|rejected|vote of|margin of)\s+(?P<yes>\d{1,3})\s?"
    r"(?:-|–|to)\s?(?P<no>\d{1,3})\b(?![.,]\d|\s*(?:%|percent|per cent|basis|points?|bps))"
    r"|\b(?P<yes2>\d{1,3})\s?(?:-|–|to)\s?(?P<no2>\d{1,3})\s+(?:vote|votes|ruling|decision)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?:\$|usd\s?|us\$|£|€)\s?(\d[\d,]*(?:\.\d+)?)\s?(billion|million|bn|mln|m|b|k)?\b",
    re.IGNORECASE,
)
_SCALE = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mln": 1e6, "m": 1e6, "k": 1e3}
TOLERANCE = {
    "magnitude": 0.31,
    "amount": 0.03,
}  # agencies differ by up to 0.3  # absolute for magnitudes, relative amounts


def number(text: str) -> float | None:
    text = text.lower().replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    parts = re.split(r"[- ]", text)
    total = 0
    for part in parts:
        if part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        else:
            return None
    return float(total)


def extract(text: str) -> dict[str, frozenset]:
    """Quantity -> the values the text states for it."""
    return {kind: frozenset(v for _, v in found) for kind, found in _found(text).items()}


def headline(text: str) -> dict[str, frozenset]:
    """Quantity -> the first value the text states for it: the event's own (later values of a
    quantity in an opening are most often an earlier event's)."""
    return {kind: frozenset([min(found)[1]]) for kind, found in _found(text).items()}


def _found(text: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for kind, patterns in _COMPILED.items():
        if not _NAMES[kind].search(text):
            continue
        for pattern in patterns:
            for match in pattern.finditer(text):
                word = match.group(1).lower()
                value = _ORDINALS.get(word) or number(re.sub(r"(st|nd|rd|th)$", "", word))
                if value is not None:
                    found.setdefault(kind, []).append((match.start(), float(value)))
    rates = _rates(text)
    if rates:
        found["rate"] = rates
    tallies = [
        (m.start(), float(int(m["yes"] or m["yes2"]) * 1000 + int(m["no"] or m["no2"])))
        for m in _TALLY.finditer(text)
    ]
    if tallies:
        found["tally"] = tallies
    amounts = [
        (m.start(), float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1))
        for m in _AMOUNT.finditer(text)
    ]
    if amounts:
        found["amount"] = amounts
    return found


def _rates(text: str) -> list:
    """Rate levels with their positions, from sentences about rates: ranges ("4.75% to 5%")
    and single levels ("to 4.25%", "a record-high 4.00 percent")."""
    levels = []
    for sentence in re.finditer(r"[^.!?]*(?:\.\d[^.!?]*)*", text):
        part, offset = sentence.group(0), sentence.start()
        if not re.search(r"\brates?\b", part, re.IGNORECASE):
            continue
        for match in _RANGE.finditer(_MOVE.sub(lambda m: " " * len(m.group(0)), part)):
            low, high = float(match.group(1)), float(match.group(2))
            if 0 < high - low <= 0.5 and not _NOT_LEVEL.search(part[: match.start()]):
                levels.append((offset + match.start(), (low, high)))
        for match in _MOVE.finditer(part):  # "hikes rates from 3.5 to 3.75"
            levels.append((offset + match.start(), float(match.group(2))))
        rest = _MOVE.sub(lambda m: " " * len(m.group(0)), part)
        rest = _RANGE.sub(lambda m: " " * len(m.group(0)), rest)
        for match in _LEVEL.finditer(rest):
            if not _NOT_LEVEL.search(rest[: match.start()]):
                levels.append((offset + match.start(), float(match.group(1))))
    return levels


def same_value(kind: str, a, b) -> bool:
    if kind == "rate" and isinstance(a, tuple) != isinstance(b, tuple):
        low, high = a if isinstance(a, tuple) else b
        level = b if isinstance(a, tuple) else a
        return low <= level <= high  # "to 5.5%" is the top of "5.25% to 5.5%"
    if kind == "magnitude":
        return abs(a - b) <= TOLERANCE["magnitude"]
    if kind == "amount":
        return abs(a - b) <= TOLERANCE["amount"] * max(a, b)
    return a == b


def disagreements(salient: dict[str, frozenset], other: dict[str, frozenset]) -> list[str]:
    """Quantities for which the opening of one article states values the other article,
    stating the same quantity, does not."""
    return [
        kind
        for kind, values in salient.items()
        if kind in other and not any(same_value(kind, a, b) for a in values for b in other[kind])
    ]


def describe(kind: str, values) -> str:
    shown = sorted(values, key=lambda v: v if isinstance(v, float) else v[0])[:3]
    return ", ".join(_format(kind, value) for value in shown)


def _format(kind: str, value) -> str:
    if isinstance(value, tuple):
        return f"{value[0]:g}–{value[1]:g}%"
    if kind == "rate":
        return f"{value:g}%"
    if kind == "amount":
        return f"{value:,.0f}"
    if kind == "tally":
        return f"{int(value) // 1000}–{int(value) % 1000}"
    return f"{value:g}"
