"""Files of the old site's `wp-content/uploads`, stored through Django's storage API, and the
links to them rewritten to where they are now."""

import re
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

UPLOADS = re.compile(
    r"""(?P<url>(?:https?://[^\s"'<>()\]]+?)?/wp-content/uploads/(?P<rel>[^\s"'<>()\]?#]+))"""
)
PREFIX = "wordpress"


class Media:
    """`store(rel)` copies `media_dir/rel` into storage once and returns its URL (None when
    the file is not there); `rewrite(html)` points every uploads link it can at the copy."""

    def __init__(self, media_dir: Path | None, *, dry_run: bool, report):
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.dry_run, self.report = dry_run, report
        self.urls: dict[str, str | None] = {}

    def store(self, rel: str) -> str | None:
        if self.media_dir is None:
            return None
        if rel in self.urls:
            return self.urls[rel]
        source = (self.media_dir / rel).resolve()
        url = None
        if source.is_file() and source.is_relative_to(self.media_dir):
            name = f"{PREFIX}/{rel}"
            if not self.dry_run and not default_storage.exists(name):
                with source.open("rb") as file:
                    name = default_storage.save(name, File(file))
            url = default_storage.url(name)
            self.report.media_stored += 1
        else:
            self.report.media_missing += 1
        self.urls[rel] = url
        return url

    def rewrite(self, html: str) -> str:
        if self.media_dir is None or "/wp-content/uploads/" not in html:
            return html

        def replace(match: re.Match) -> str:
            return self.store(match["rel"]) or match["url"]

        return UPLOADS.sub(replace, html)


def uploads_path(url: str) -> str | None:
    """ "2024/09/map.png" for ".../wp-content/uploads/2024/09/map.png"."""
    match = UPLOADS.search(url)
    return match["rel"] if match else None
