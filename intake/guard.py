"""The excerpt guard: how much of the original an excerpt takes, in words and as a share of the
original's text, and whether it is the original's opening — the factors the court weighed
against an excerpting service in AP v. Meltwater (S.D.N.Y. 2013). It warns; it never blocks."""

from django.conf import settings
from django.utils.html import strip_tags

from intake.extract import words

# The excerpt "is the opening" when its first words are the original's first words.
OPENING_WORDS = 20


def limits() -> tuple[int, float]:
    return (
        int(getattr(settings, "INTAKE_EXCERPT_WARN_WORDS", 150)),
        float(getattr(settings, "INTAKE_EXCERPT_WARN_SHARE", 0.15)),
    )


def measure(*, excerpt_html: str, original_text: str) -> dict:
    excerpt = [w.lower() for w in words(strip_tags(excerpt_html or ""))]
    original = [w.lower() for w in words(original_text or "")]
    share = len(excerpt) / len(original) if original else None
    opening = len(excerpt) >= OPENING_WORDS and excerpt[:OPENING_WORDS] == original[:OPENING_WORDS]
    max_words, max_share = limits()
    warnings = []
    if len(excerpt) > max_words:
        warnings.append(
            f"The excerpt is {len(excerpt)} words long, more than the desk's limit of "
            f"{max_words}: quote less and link to the rest."
        )
    if share is not None and share > max_share:
        warnings.append(
            f"The excerpt takes {share:.0%} of the original's text (the desk's limit is "
            f"{max_share:.0%})."
        )
    if opening:
        warnings.append(
            "The excerpt is the original's opening paragraphs. Excerpting the lede is what "
            "courts weighed against an excerpting service (AP v. Meltwater): consider quoting "
            "from further in, or summarising the opening in your own words."
        )
    return {
        "words": len(excerpt),
        "original_words": len(original),
        "share": share,
        "opening": opening,
        "warnings": warnings,
        "max_words": max_words,
        "max_share": max_share,
    }
