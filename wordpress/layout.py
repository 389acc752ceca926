"""Reading the excerpts out of a post of the old site's shape.

A post holds one or more excerpts, one after another, each:

    [title — a heading, or the post's title for a post of one excerpt]
    author line            "Zachary Cohen and Jennifer Hansler" (optional)
    source line            "CNN, Apr. 12, 2023", "Editorial WSJ, July 5, 2024"
    pull quote             a paragraph in quotation marks (optional)
    excerpt                paragraphs
    read-full link         "… [To read the full article, click here]"

Block-editor posts come as paragraphs; classic-editor posts as text with blank lines between
paragraphs, which WordPress turned into paragraphs on display (`autop` does the same here).
What cannot be read with confidence raises `Unreadable` with a reason the desk can filter on.
"""

import datetime
import re
from dataclasses import dataclass, field
from html import unescape

import lxml.html
from lxml import etree

READ_FULL = re.compile(r"read\s+the\s+full\s+(?:article|story|piece|text)", re.IGNORECASE)
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE = re.compile(
    rf"\b(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:1[89]|20)\d\d)\b"
)
SOURCE_LINE = re.compile(rf"^(?P<lead>.+?),?\s+(?={MONTH}\.?\s+\d)(?P<date>.+)$")
LABELS = (
    "Editorial", "Op-Ed", "Op-ed", "Opinion", "Analysis", "News Analysis", "Interview",
    "Commentary", "Column", "Review", "Essay", "Report",
)  # fmt: skip
AUTHOR_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
QUOTES_OPEN = "“\"«„‘'"
QUOTES_CLOSE = "”\"»“’'"
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "div", "figure")
BLOCK_START = re.compile(r"^\s*<(?:{})\b".format("|".join((*BLOCK_TAGS, "table", "hr"))), re.I)
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)


class Unreadable(Exception):
    """The post is not of a shape the importer can read with confidence; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Excerpt:
    title: str
    authors: list[str]
    source: str
    label: str
    original_date: datetime.date
    original_url: str
    pull_quote: str
    body: str  # HTML, cleaned by the one sanitizer when stored
    sections: list[str] = field(default_factory=list)


@dataclass
class Block:
    tag: str
    html: str
    text: str
    lines: list[str]
    links: list[tuple[str, str]]


def autop(html: str) -> str:
    """Blank-line separated text to paragraphs, single line breaks to <br>, as WordPress's
    wpautop() shows a classic-editor post; block-editor markup passes through."""
    html = BLOCK_COMMENT.sub("", html).replace("\r\n", "\n")
    out = []
    for chunk in re.split(r"\n\s*\n", html):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


def _squash(text: str) -> str:
    # str.split() splits where the regex \s matches (no-break spaces too), and faster.
    return " ".join(unescape(text).split())


def blocks(html: str) -> list[Block]:
    html = autop(html)
    if not html.strip():
        return []
    found = []
    for element in lxml.html.fragments_fromstring(html):
        if isinstance(element, str):
            if text := _squash(element):
                found.append(Block("p", f"<p>{element}</p>", text, [text], []))
            continue
        for br in element.iter("br"):
            br.tail = "\n" + (br.tail or "")
        text = element.text_content()
        lines = [line for line in map(_squash, text.split("\n")) if line]
        links = [(_squash(a.text_content()), a.get("href", "")) for a in element.iter("a")]
        for br in element.iter("br"):
            br.tail = (br.tail or "")[1:]
        markup = etree.tostring(element, encoding="unicode", method="html", with_tail=False)
        found.append(Block(element.tag, markup, " ".join(lines), lines, links))
    return found


def parse_date(text: str) -> datetime.date:
    match = DATE.search(text)
    month = MONTHS[match["month"][:3].lower()]
    try:
        return datetime.date(int(match["year"]), month, int(match["day"]))
    except ValueError as error:
        raise Unreadable("date that does not exist") from error


def source_line(line: str) -> tuple[str, str, datetime.date] | None:
    """(source, label, date) from "Editorial WSJ, July 5, 2024"; None if not a source line."""
    dates = DATE.findall(line)
    match = SOURCE_LINE.match(line)
    if not dates or not match or not DATE.fullmatch(match["date"].rstrip(" .")):
        if len(dates) > 1:
            raise Unreadable("two candidate dates")
        return None
    if len(dates) > 1:
        raise Unreadable("two candidate dates")
    lead = match["lead"].strip(" ,–—-|")
    label = ""
    for candidate in sorted(LABELS, key=len, reverse=True):
        if lead.lower().startswith(candidate.lower() + " "):
            label, lead = candidate, lead[len(candidate) :].strip()
            break
    if not lead:
        return None
    return lead, label, parse_date(match["date"])


def authors(line: str) -> list[str]:
    line = re.sub(r"^by\s+", "", line.strip(), flags=re.IGNORECASE)
    return [name.strip(" .") for name in AUTHOR_SPLIT.split(line) if name.strip(" .")]


def _is_read_full(block: Block) -> str | None:
    for text, href in block.links:
        if READ_FULL.search(text):
            return href
    return None


def _pull_quote(block: Block) -> str | None:
    text = block.text.strip()
    if len(text) > 2 and text[0] in QUOTES_OPEN and text[-1] in QUOTES_CLOSE:
        return text[1:-1].strip()
    return None


def _excerpt(segment: list[Block], title: str | None, url: str) -> Excerpt:
    index = 0
    if segment and segment[0].tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        title, index = segment[0].text, 1
    if not title:
        raise Unreadable("excerpt without a title")
    header_lines: list[str] = []
    found = None
    while index < len(segment) and found is None and len(header_lines) < 4:
        block = segment[index]
        index += 1
        for position, line in enumerate(block.lines):
            found = source_line(line)
            if found:
                header_lines += block.lines[:position]
                rest = block.lines[position + 1 :]
                if rest:  # text after the source line in the same paragraph: not a header
                    raise Unreadable("unknown layout")
                break
        else:
            header_lines += block.lines
    if found is None:
        raise Unreadable("no source line")
    if len(header_lines) > 1:
        raise Unreadable("unknown layout")
    source, label, day = found
    names = authors(header_lines[0]) if header_lines else []
    if len(source) > 200 or any(len(name) > 200 for name in names):
        raise Unreadable("unknown layout")
    quote = _pull_quote(segment[index]) if index < len(segment) else None
    if quote is not None:
        index += 1
    body = [block.html for block in segment[index:]]
    if not body:
        raise Unreadable("no excerpt text")
    if not url.startswith(("http://", "https://")):
        raise Unreadable("read-full link is not a web address")
    return Excerpt(
        title=title,
        authors=names,
        source=source,
        label=label,
        original_date=day,
        original_url=url,
        pull_quote=quote or "",
        body="\n".join(body),
    )


def excerpts(html: str, *, title: str) -> list[Excerpt]:
    """The excerpts of a post, in order; raises Unreadable."""
    segments, current = [], []
    for block in blocks(html):
        url = _is_read_full(block)
        if url is None:
            current.append(block)
            continue
        segments.append((current, url))
        current = []
    if not segments:
        raise Unreadable("no read-full link")
    if any(block.text.strip(" .…") for block in current):
        raise Unreadable("text after the last read-full link")
    single = len(segments) == 1
    return [_excerpt(blocks_, title if single else None, url) for blocks_, url in segments]
