"""What an article page says about itself: its body, title, byline, date, opening paragraphs and
quotable sentences. Kept libraries do the reading (trafilatura for the body and metadata,
htmldate for the date, readability-lxml as a second opinion); this module only chooses between
their answers and drops the lines every extractor keeps that are not the article.

The choices here were measured on the extraction benchmark (bench/bench_extraction.py), each
found on one of its halves and checked on the other (bench/README.md says which).
"""

import collections
import datetime
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import htmldate
import lxml.html
import trafilatura
from readability import Document as ReadabilityDocument

WORD = re.compile(r"\w+", re.UNICODE)
# Lines that sit inside article containers but are the site talking, not the article: calls to
# follow or subscribe, "Related:" teasers, tag lists. Only short lines are dropped.
BOILERPLATE = re.compile(
    r"(follow\b.*\b(twitter|facebook|instagram|youtube)|^listen (to|live)\b|\[[A-Z ]{3,}\]\W*$"
    r"|^(related|see more|read more|don'?t miss|tags|filed under|advertisement|source)\b\s*:?"
    r"|^more\b(\s+\w+){0,3}\s*(:|$)"  # "More:", "More AP NBA: …", not "More than 2,500 …"
    r"|subscribe|newsletter|sign up|click here|contributed reporting|^\W*$|@\w+\.\w+"
    r"|copyright|©|all rights reserved"
    # the head of the comments, and a share button's call
    r"|^\W*(\d+\s*)?(comments?|leave a (reply|comment)|post a comment|add a comment"
    r"|join the (discussion|conversation)|tell us what you think)\W*$|\bshare (it|this)\b"
    # a WordPress shortcode the site failed to render: [button link="…"]…[/button]
    r"|\[\w+ \w+=|\[/\w+\])",
    re.IGNORECASE,
)
BOILERPLATE_MAX_WORDS = 40
# A line that is one link and no more, as long as a sentence: a teaser of another article or
# an advertisement for the site (the article's own links sit inside its sentences).
LINK_LINE_MIN_WORDS = 4
# A keyword list at the end ("calendar 2018, stock car, interlagos, ..."): many short phrases
# separated by commas, and no sentence.
TAG_LIST = re.compile(r"^[^.!?]*$")
TAG_LIST_MIN_ITEMS = 5
TAG_LIST_MAX_ITEM_WORDS = 6
# A dateline or timestamp standing alone near the top or the bottom ("5:45 AM PST 11/19/2019 by
# ...", "Updated at 1:23 p.m."): page furniture, not the article.
STAMP = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(19|20)\d{2}\b.*\b\d{1,2}:\d{2}|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, (19|20)\d{2}\b",
    re.IGNORECASE,
)
STAMP_MAX_WORDS = 12
# "5 min read", "Reading time: 2 minutes", "Tempo de leitura: 1 minuto" near the top or bottom.
READING_TIME = re.compile(
    r"\b\d+\s*min(ute)?s?\.? read\b|^\W*(estimated )?(reading time|read time|tempo de leitura"
    r"|tiempo de lectura|temps de lecture|lesezeit|tempo di lettura)\b",
    re.IGNORECASE,
)
EDGE_LINES = 3
# Embedded posts (tweets, Instagram) are quoted in the article but sit in wrappers whose class
# names trafilatura treats as social-media chrome.
EMBED_XPATH = (
    '//blockquote[contains(@class,"twitter-tweet") or contains(@class,"instagram-media")'
    ' or contains(@class,"tiktok-embed")]'
)
# Inside a sentence, a name that opens a card on hover (a person's latest headlines): the card
# sits in the page inside the name's own wrapper, hidden until then. The name stays.
HOVER = (
    'contains(@class,"rollover") or contains(@class,"tooltip") or contains(@class,"popover")'
    ' or contains(@class,"hovercard")'
)
HOVER_CARD_XPATH = f"//p//*[{HOVER}]//*[({HOVER}) and (.//a or .//img)]"
# Text standing bare at the start of a container, before a line break or a block, of at least this
# many words, is a paragraph.
BARE_TEXT_MIN_WORDS = 10
BREAKS = {
    "br", "p", "div", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "center", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "aside", "header", "footer", "nav",
    "form", "iframe", "script", "style", "noscript",
}  # fmt: skip
SUBHEADING_MAX_WORDS = 15
# Paragraphs trafilatura's precise setting drops between two it keeps, and its plain setting
# keeps (a short paragraph, a subheading, a list inside the article): at most this many in a row.
GAP_LINES = 3
# A line of the plain setting is the precise one's with words put back if it has at most this many
# times its words.
FULLER_MAX_RATIO = 1.5
# With this many <article> elements, those without the headline are other articles' teasers.
OTHER_ARTICLES_MIN = 3
# When readability finds this many times more text that contains all of trafilatura's, the
# article was split over several containers and trafilatura kept only one of them.
SPLIT_BODY_RATIO = 2.0
SPLIT_BODY_COVERAGE = 0.9
PULL_QUOTE_WORDS = (12, 45)
PULL_QUOTES = 5


@dataclass
class Extraction:
    url: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    source: str = ""
    domain: str = ""
    date: datetime.date | None = None
    body_text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    pull_quote_candidates: list[str] = field(default_factory=list)
    canonical_url: str = ""
    language: str = ""
    description: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def _normal(text: str) -> str:
    return " ".join(words((text or "").lower()))


def shingles(text: str, n: int = 4) -> set[str]:
    tokens = words(text)
    return {" ".join(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1))}


def _drop_other_articles(doc) -> None:
    """Of several <article> elements, the page's article is the one with the page's headline
    (its only <h1>); the others, beside it or inside it, are other articles' teasers ("You may
    also like") or comments."""
    articles = list(doc.iter("article"))
    headlines = doc.xpath("//h1")
    if len(articles) < OTHER_ARTICLES_MIN or len(headlines) != 1:
        return
    around = set(headlines[0].iterancestors("article"))
    for article in articles if around else ():
        if article not in around and article.getparent() is not None:
            article.drop_tree()


def _wrap_bare_openings(doc) -> None:
    """A container whose text opens bare, before any paragraph ("<div>First paragraph.<br><br>
    <p>…"), gets that opening as a paragraph of its own: extractors read paragraphs and often
    drop such a lede."""
    for div in list(doc.iter("div")):
        if len(words(div.text)) < BARE_TEXT_MIN_WORDS:
            continue
        run = []
        for child in div:
            if not isinstance(child.tag, str) or child.tag in BREAKS:
                break
            run.append(child)
        else:
            continue
        if child.tag != "br":  # a div that is itself a paragraph, or a heading's kicker
            continue
        paragraph = lxml.html.Element("p")
        paragraph.text, div.text = div.text, None
        for child in run:
            paragraph.append(child)  # with its tail: the same run of text
        div.insert(0, paragraph)


def _paragraph_divs(doc) -> None:
    """A short <div> of text alone, without links, between two paragraphs (a subheading:
    <div class="subheadline">) is read as a paragraph: extractors skip text in such divs."""
    for div in list(doc.iter("div")):
        before, after = div.getprevious(), div.getnext()
        if (
            before is not None
            and after is not None
            and before.tag == after.tag == "p"
            and not any(isinstance(child.tag, str) and child.tag in BREAKS for child in div)
            and div.find(".//a") is None  # not a teaser of another article
            and 0 < len(words(div.text_content())) <= SUBHEADING_MAX_WORDS
        ):
            div.tag = "p"


@dataclass
class Page:
    """The page as the extractors read it: embedded posts unwrapped; and its links' texts."""

    html: str
    link_texts: set[str]
    headlines: set[str] = field(default_factory=set)


def _page(html: str) -> Page:
    try:
        doc = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return Page(html, set())
    links = {_normal(a.text_content()) for a in doc.iter("a")} - {""}
    headlines = {_normal(h1.text_content()) for h1 in doc.iter("h1")} - {""}
    _drop_other_articles(doc)
    for card in doc.xpath(HOVER_CARD_XPATH):
        if card.getparent() is not None:
            card.drop_tree()
    _wrap_bare_openings(doc)
    _paragraph_divs(doc)
    for quote in doc.xpath(EMBED_XPATH):
        quote.attrib.pop("class", None)
        node = quote
        while (parent := node.getparent()) is not None and parent.tag in {
            "div", "figure", "aside", "section", "span"
        }:  # fmt: skip
            children = [c for c in parent if isinstance(c.tag, str) and c.tag != "script"]
            if len(children) != 1:
                break
            node = parent
        if node is not quote:
            node.getparent().replace(node, quote)
    return Page(lxml.html.tostring(doc, encoding="unicode"), links, headlines)


def _repeats(normal: str, other: str) -> bool:
    return bool(other) and (
        normal == other or (len(normal) > 10 and (normal in other or other in normal))
    )


def _tag_list(line: str) -> bool:
    items = line.split(",")
    return (
        len(items) >= TAG_LIST_MIN_ITEMS
        and bool(TAG_LIST.match(line))
        and all(len(item.split()) <= TAG_LIST_MAX_ITEM_WORDS for item in items)
    )


def _drop_chrome(
    lines: list[str],
    title: str,
    link_texts: set[str] = frozenset(),
    headlines: set[str] = frozenset(),
) -> list[str]:
    """Without the headline repeated at the top (the title, or the page's <h1> when it words the
    headline otherwise), timestamps and keyword lists at either end,
    short boilerplate lines and lines that are a link alone. (Not the standfirst: sites often
    repeat their lede as the description.)"""
    headline = _normal(title)
    kept = []
    for position, line in enumerate(lines):
        normal = _normal(line)
        at_edge = position < EDGE_LINES or position >= len(lines) - EDGE_LINES
        short = len(normal.split()) < BOILERPLATE_MAX_WORDS
        if position < EDGE_LINES and short and (_repeats(normal, headline) or normal in headlines):
            continue
        if at_edge and len(line.split()) <= STAMP_MAX_WORDS and STAMP.search(line):
            continue
        if at_edge and len(line.split()) <= STAMP_MAX_WORDS and READING_TIME.search(line):
            continue
        if at_edge and _tag_list(line):
            continue
        if BOILERPLATE.search(line) and len(line.split()) < BOILERPLATE_MAX_WORDS:
            continue
        if len(normal.split()) >= LINK_LINE_MIN_WORDS and normal in link_texts:
            continue
        kept.append(line)
    return kept


def _readability_lines(html: str) -> list[str]:
    try:
        summary = ReadabilityDocument(html).summary(html_partial=True)
        tree = lxml.html.fromstring(summary)
    except Exception:  # noqa: BLE001 - a second opinion only: any failure means "no opinion"
        return []
    text = tree.text_content()
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _trafilatura_lines(page: Page, url: str, **options) -> list[str]:
    text = trafilatura.extract(
        page.html, url=url, include_comments=False, deduplicate=False, **options
    )
    return [line for line in (text or "").split("\n") if line.strip()]


def _subsequence(short: list[str], long: list[str]) -> bool:
    remaining = iter(long)
    return all(token in remaining for token in short)


def _fuller_version(line: str, fuller: list[str], start: int) -> int | None:
    """Where `fuller` has `line` with words put back (trafilatura's precise setting cuts some
    links' text out of a sentence: "reported that [the NFL will fine him] for his role"): the
    first of the next lines whose words hold the line's words in order."""
    tokens = words(line.lower())
    if len(tokens) < LINK_LINE_MIN_WORDS:
        return None
    for position in range(start, min(len(fuller), start + GAP_LINES + 1)):
        theirs = words(fuller[position].lower())
        if len(tokens) < len(theirs) <= FULLER_MAX_RATIO * len(tokens) and _subsequence(
            tokens, theirs
        ):
            return position
    return None


def _fill_gaps(lines: list[str], fuller: list[str]) -> list[str]:
    """`lines` with the lines `fuller` has between two of them (at most GAP_LINES in a row),
    and with fuller's version of a line that lost words."""
    where = collections.defaultdict(list)
    for position, line in enumerate(fuller):
        where[_normal(line)].append(position)
    filled, previous = [], None
    for line in lines:
        start = 0 if previous is None else previous + 1
        # a line said twice (a tweet's "— Name (@name) date") is the next one of its copies
        # (a line without words, a table's "|---|", is no landmark)
        copies = where.get(_normal(line) or None, ())
        position = next((p for p in copies if p >= start), None)
        if position is None:
            position = _fuller_version(line, fuller, start)
            if position is not None:
                line = fuller[position]
        if position is not None:
            if previous is not None and 0 < position - previous - 1 <= GAP_LINES:
                filled.extend(fuller[previous + 1 : position])
            previous = position
        filled.append(line)
    return filled


def _body_lines(html: str, url: str, title: str) -> list[str]:
    page = _page(html)
    precise = _trafilatura_lines(page, url, favor_precision=True)
    lines = _fill_gaps(precise, _trafilatura_lines(page, url))
    lines = _drop_chrome(lines, title, page.link_texts, page.headlines)
    second = _drop_chrome(_readability_lines(html), title, page.link_texts, page.headlines)
    ours, theirs = "\n".join(lines), "\n".join(second)
    if len(words(theirs)) > SPLIT_BODY_RATIO * len(words(ours)):
        mine = shingles(ours)
        if not mine or len(mine & shingles(theirs)) / len(mine) >= SPLIT_BODY_COVERAGE:
            return second
    return lines


def _date(html: str, url: str, metadata_date: str | None) -> datetime.date | None:
    found = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
    for value in (found, metadata_date):
        if value:
            try:
                return datetime.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _authors(byline: str | None) -> list[str]:
    if not byline:
        return []
    names = re.split(r"\s*(?:;|,|\band\b|&|\|)\s*", byline)
    return [n.strip() for n in names if n.strip() and len(n.split()) <= 5][:6]


QUOTED = re.compile(r"[“\"]([^“”\"]+)[”\"]")


def pull_quote_candidates(paragraphs: list[str]) -> list[str]:
    """Quotable lines, without quotation marks (the page adds them): what people said first
    (the words inside the quotation marks), then whole sentences that quote nobody, each of
    quotable length, in reading order."""
    low, high = PULL_QUOTE_WORDS
    spoken, sentences = [], []
    for paragraph in paragraphs:
        for match in QUOTED.finditer(paragraph):
            words_said = match.group(1).strip().rstrip(",;:")
            if low - 4 <= len(words_said.split()) <= high:
                spoken.append(words_said if words_said[-1:] in ".!?…" else words_said + ".")
        for sentence in re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"‘])", paragraph):
            sentence = sentence.strip()
            plain = not any(mark in sentence for mark in '“”"')
            if plain and low <= len(sentence.split()) <= high and sentence[-1:] in ".!?":
                sentences.append(sentence)
    return list(dict.fromkeys(spoken + sentences))[:PULL_QUOTES]


def opening_html(html: str, url: str, *, keep: list[str], max_words: int) -> str:
    """The article's opening blocks as HTML (paragraphs, emphasis and links kept), in order,
    up to `max_words`: only blocks whose text is among `keep` (the body lines), so the
    headline and chrome dropped from the body stay out of the excerpt too. Not yet sanitized."""
    marked = trafilatura.extract(
        _page(html).html,
        url=url,
        output_format="html",
        include_comments=False,
        include_formatting=True,
        include_links=True,
        include_images=False,
        include_tables=False,
        favor_precision=True,
    )
    if not marked:
        return ""
    wanted = {_normal(line) for line in keep}
    body = lxml.html.fromstring(marked).find(".//body")
    parts, count = [], 0
    for block in body if body is not None else []:
        if block.tag not in {"p", "blockquote", "ul", "ol", "h2", "h3", "h4"}:
            continue
        text = " ".join(block.text_content().split())
        if not text or _normal(text) not in wanted:
            continue
        size = len(text.split())
        if parts and count + size > max_words:
            break
        block.tail = None
        parts.append(lxml.html.tostring(block, encoding="unicode"))
        count += size
    return "\n".join(parts)


def extract(html: str, url: str) -> Extraction:
    """Everything the article form needs, from a page's HTML and its address."""
    meta = trafilatura.extract_metadata(html, default_url=url)
    title = (meta.title or "").strip() if meta else ""
    lines = _body_lines(html, url, title)
    domain = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return Extraction(
        url=url,
        title=title,
        authors=_authors(meta.author if meta else None),
        source=((meta.sitename or "") if meta else "").strip(),
        domain=domain,
        date=_date(html, url, meta.date if meta else None),
        body_text="\n".join(lines),
        paragraphs=lines,
        pull_quote_candidates=pull_quote_candidates(lines),
        canonical_url=((meta.url or "") if meta else "") or url,
        language=((meta.language or "") if meta else "") or _html_lang(html),
        description=((meta.description or "") if meta else "").strip(),
    )


def _html_lang(html: str) -> str:
    match = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z-]+)", html[:5000], re.IGNORECASE)
    return match.group(1).split("-")[0].lower() if match else ""
