"""Small rules for editors' plain text."""

# Opening and closing quotation marks as editors type or paste them.
QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚‛「」"


def without_surrounding_quotes(text: str) -> str:
    """A pull quote as stored: without the quotation marks an editor typed around it (the
    templates put them back, once). Marks inside the quote, or on one end only, stay."""
    text = (text or "").strip()
    while len(text) >= 2 and text[0] in QUOTE_MARKS and text[-1] in QUOTE_MARKS:
        text = text[1:-1].strip()
    return text
