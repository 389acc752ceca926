"""Small rules for editors' and readers' plain text, and links in rendered HTML."""

import re

# Opening and closing quotation marks as editors type or paste them.
QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚‛「」"
DOUBLE_QUOTE_MARKS = '"“”„‟«»'


def without_surrounding_quotes(text: str) -> str:
    """A pull quote as stored: without the quotation marks an editor typed around it (the
    templates put them back, once). Marks inside the quote, or on one end only, stay."""
    text = (text or "").strip()
    while len(text) >= 2 and text[0] in QUOTE_MARKS and text[-1] in QUOTE_MARKS:
        text = text[1:-1].strip()
    return text


def shortened(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with "…" when cut: never
    mid-word ("…Erd…"), never with a dangling comma or dash."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut[:limit].rstrip(" ,;:—–-") + "…"


def quoted(text: str) -> str:
    """A reader's words in quotation marks, unless they already bring their own ("a phrase"):
    never “"a phrase"”."""
    return text if any(mark in text for mark in DOUBLE_QUOTE_MARKS) else f"“{text}”"


_RELATIVE_LINK = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(html: str, base: str) -> str:
    """`html` with its site-relative links (href="/…", src="/…") made absolute under `base`,
    for feed readers and mail clients, which have no page address to resolve them against."""
    return _RELATIVE_LINK.sub(rf"\g<1>{base.rstrip('/')}/", html)
