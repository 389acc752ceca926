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
_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(list(_UNITS)[:9])}))?|{'|'.join(_UNITS)})"
)
_NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|{_WORD})"
_PERCENT = r"\s?(?:%|percent|per cent)"
_RATE = r"(\d+(?:\.\d+)?)"

PATTERNS = {
    "magnitude": [
        r"magnitude(?:[- ]of)?[- ](\d\.\d)",
        r"(\d\.\d)[- ]magnitude",
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
    "ballot": [
        rf"\b(first|second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+(?:[\w-]+\s+){{0,3}}?"
        r"(?:ballot|round|roll call|vote)\b",
    ],
    "prison": [
        rf"({_NUMBER})[- ]years? (?:in (?:federal )?prison|behind bars|prison)",
        rf"({_NUMBER})-year (?:prison|sentence|term)",
    ],
}
_COMPILED = {
    kind: [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    for kind, patterns in PATTERNS.items()
}
_RANGE = re.compile(
    rf"{_RATE}(?:{_PERCENT})?\s?(?:to|-|–|and)\s?{_RATE}{_PERCENT}", re.IGNORECASE
)
_LEVEL = re.compile(rf"\bto {_RATE}{_PERCENT}", re.IGNORECASE)
_INFLATION = re.compile(r"inflation\W+(?:\w+\W+){0,4}$", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:\$|usd\s?|us\$|£|€)\s?(\d[\d,]*(?:\.\d+)?)\s?(billion|million|bn|mln|m|b|k)?\b",
    re.IGNORECASE,
)
_SCALE = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mln": 1e6, "m": 1e6, "k": 1e3}
TOLERANCE = {"magnitude": 0.25, "amount": 0.03}  # absolute for magnitudes, relative amounts


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


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


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
        for pattern in patterns:
            for match in pattern.finditer(text):
                word = match.group(1).lower()
                value = _ORDINALS.get(word) or number(re.sub(r"(st|nd|rd|th)$", "", word))
                if value is not None:
                    found.setdefault(kind, []).append((match.start(), float(value)))
    rates = _rates(text)
    if rates:
        found["rate"] = rates
    amounts = [
        (m.start(), float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1))
        for m in _AMOUNT.finditer(text)
    ]
    if amounts:
        found["amount"] = amounts
    return found


def _rates(text: str) -> list:
    """Rate levels with their positions: ranges ("4.75% to 5%") and single levels ("raised to
    4.25%"), leaving out inflation targets."""
    levels = []
    for match in _RANGE.finditer(text):
        low, high = float(match.group(1)), float(match.group(2))
        if 0 < high - low <= 0.5 and not _INFLATION.search(text[: match.start()]):
            levels.append((match.start(), (low, high)))
    rest = _RANGE.sub(lambda m: " " * len(m.group(0)), text)
    for match in _LEVEL.finditer(rest):
        if not _INFLATION.search(rest[: match.start()]):
            levels.append((match.start(), float(match.group(1))))
    return levels


def same_value(kind: str, a, b) -> bool:
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
        if kind in other
        and not any(same_value(kind, a, b) for a in values for b in other[kind])
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
    return f"{value:g}"
