"""The XSS corpus (tests/xss_payloads.txt) and what counts as dangerous in cleaned HTML."""

from html.parser import HTMLParser
from pathlib import Path

from core.sanitize import ALLOWED_TAGS, LINK_REL

CORPUS = Path(__file__).with_name("xss_payloads.txt")
PAYLOADS = [
    line
    for line in CORPUS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("# ")
]
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
UNSAFE_CSS = ("position", "display", "visibility", "z-index", "url(", "expression", "binding")


class DangerFinder(HTMLParser):
    """Collects anything in cleaned HTML that a browser could run or use to hide content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.dangers = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.dangers.append(f"<{tag}>")
        for name, value in attrs:
            value = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.dangers.append(f"{name}=")
            if name in {"href", "src", "cite", "action", "formaction"} and value.startswith(
                UNSAFE_SCHEMES
            ):
                self.dangers.append(f"{name}={value}")
            if name == "style" and any(word in value for word in UNSAFE_CSS):
                self.dangers.append(f"style={value}")
            if name == "target":
                self.dangers.append("target=")
        if tag == "a" and dict(attrs).get("href") and dict(attrs).get("rel") != LINK_REL:
            self.dangers.append("a without rel=nofollow noopener")


def dangers_in(html: str) -> list[str]:
    finder = DangerFinder()
    finder.feed(html)
    finder.close()
    return finder.dangers
