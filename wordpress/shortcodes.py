"""WordPress shortcodes, expanded or removed, and counted: no `[shortcode]` reaches a reader.

- `[caption]…[/caption]`: the caption text stays (as a paragraph), the image goes (the
  sanitizer drops images anyway);
- `[embed]URL[/embed]` and a bare `[video src=…]`/`[audio src=…]`: a link to the URL;
- `[gallery ids=…]`: links to the gallery's images, when `--media-dir` stored them;
- any other (`[contact-form-7 id=…]`, `[tweet …]`): the tags removed, text between them kept.

Square brackets that are not shortcodes stay: "[To read the full article, click here]",
"[sic]". A shortcode is a lower-case name with attributes (`[tweet id="1"]`), one that is
closed (`[x]…[/x]`), or a bare name WordPress or its plugins use.
"""

import re
from collections import Counter
from collections.abc import Callable
from html import escape

KNOWN = {
    "caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist",
    "contact-form-7", "contact-form", "gravityform", "gravityforms", "tweet", "youtube",
    "vimeo", "soundcloud", "googlemaps", "instagram", "facebook", "button", "column",
    "one_half", "one_third", "row", "vc_row", "vc_column", "vc_column_text", "et_pb_section",
    "et_pb_row", "et_pb_column", "et_pb_text", "fusion_builder_container", "su_quote",
}  # fmt: skip
NAME = r"[a-z][a-z0-9_-]*"
OPEN = re.compile(rf"\[(?P<name>{NAME})(?P<attrs>(?:\s[^\[\]]*)?)\s*/?\]")
CLOSE = re.compile(rf"\[/(?P<name>{NAME})\]")
ATTR = re.compile(
    r"""(?P<key>[\w-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))"""
)
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def attributes(text: str) -> dict[str, str]:
    return {
        m["key"].lower(): m["dq"] if m["dq"] is not None else (m["sq"] or m["bare"] or "")
        for m in ATTR.finditer(text)
    }


def _link(url: str, text: str | None = None) -> str:
    url = url.strip()
    return f'<a href="{escape(url)}">{escape(text or url)}</a>'


class Shortcodes:
    """`expand(html)` with counts kept across posts in `counts` (by shortcode name)."""

    def __init__(self, gallery_links: Callable[[list[str]], list[str]] | None = None):
        self.counts: Counter[str] = Counter()
        self.gallery_links = gallery_links or (lambda ids: [])

    def expand(self, html: str) -> str:
        if "[" not in html:
            return html
        closed = {m["name"] for m in CLOSE.finditer(html)}
        return self._expand(html, closed)

    def _is_shortcode(self, match: re.Match, closed: set[str]) -> bool:
        name, attrs = match["name"], match["attrs"].strip()
        return name in KNOWN or name in closed or bool(ATTR.search(attrs))

    def _expand(self, html: str, closed: set[str]) -> str:
        out, position = [], 0
        for match in OPEN.finditer(html):
            if match.start() < position or not self._is_shortcode(match, closed):
                continue
            name = match["name"]
            end_tag = re.compile(rf"\[/{re.escape(name)}\]")
            closing = end_tag.search(html, match.end()) if name in closed else None
            inner = html[match.end() : closing.start()] if closing else ""
            out.append(html[position : match.start()])
            out.append(self._render(name, attributes(match["attrs"]), inner, closed))
            position = closing.end() if closing else match.end()
            self.counts[name] += 1
        out.append(html[position:])
        # Orphan closing tags ([/x] without an opening) are removed too.
        result = "".join(out)
        return CLOSE.sub(lambda m: self._orphan(m), result)

    def _orphan(self, match: re.Match) -> str:
        self.counts[f"/{match['name']}"] += 1
        return ""

    def _render(self, name: str, attrs: dict[str, str], inner: str, closed: set[str]) -> str:
        if name in ("caption", "wp_caption"):
            text = TAG.sub("", IMG.sub("", inner)).strip() or attrs.get("caption", "")
            return f"<p><small>{escape(text)}</small></p>" if text else ""
        if name in ("embed", "video", "audio"):
            url = TAG.sub("", inner).strip() or attrs.get("src", "") or attrs.get("mp4", "")
            return f"<p>{_link(url)}</p>" if url.startswith(("http://", "https://")) else ""
        if name == "gallery":
            ids = [part.strip() for part in attrs.get("ids", "").split(",") if part.strip()]
            links = self.gallery_links(ids)
            return "".join(f"<p>{_link(url, 'Image')}</p>" for url in links)
        # Unknown: the tags go, what they wrapped stays (expanded in turn).
        return self._expand(inner, closed) if inner else ""
