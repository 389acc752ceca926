"""The reconciliation report of an import: every item of the export accounted for once."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Report:
    in_file: int = 0  # <item> elements counted on the raw file
    dry_run: bool = False
    by_type: Counter = field(default_factory=Counter)  # "post/publish": n
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    review: Counter = field(default_factory=Counter)  # imported as draft for review, by reason
    skipped: Counter = field(default_factory=Counter)  # by rule
    articles_created: int = 0
    articles_updated: int = 0
    duplicate_urls: int = 0  # excerpts whose original URL the archive already held
    briefings_created: int = 0
    redirects_created: int = 0
    redirects_updated: int = 0
    media_stored: int = 0
    media_missing: int = 0
    comments_not_imported: int = 0
    shortcodes: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def items_read(self) -> int:
        return sum(self.by_type.values())

    @property
    def accounted(self) -> int:
        return (
            self.imported
            + self.updated
            + self.unchanged
            + sum(self.review.values())
            + sum(self.skipped.values())
        )

    @property
    def adds_up(self) -> bool:
        return self.in_file == self.items_read == self.accounted

    def note(self, text: str, limit: int = 100) -> None:
        if len(self.notes) < limit:
            self.notes.append(text)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "export": {
                "items_in_file": self.in_file,
                "items_read": self.items_read,
                "by_type_and_status": dict(sorted(self.by_type.items())),
            },
            "items": {
                "imported": self.imported,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "imported_as_draft_for_review": dict(sorted(self.review.items())),
                "skipped": dict(sorted(self.skipped.items())),
                "total": self.accounted,
            },
            "articles": {
                "created": self.articles_created,
                "updated": self.articles_updated,
                "duplicate_original_url": self.duplicate_urls,
            },
            "briefings_created": self.briefings_created,
            "redirects": {"created": self.redirects_created, "updated": self.redirects_updated},
            "media": {"stored": self.media_stored, "not_found": self.media_missing},
            "comments_not_imported": self.comments_not_imported,
            "shortcodes": dict(sorted(self.shortcodes.items())),
            "notes": self.notes,
            "adds_up": self.adds_up,
        }

    def lines(self) -> list[str]:
        out = [
            f"Export: {self.in_file} items in the file, {self.items_read} read"
            + (" (dry run: nothing was saved)" if self.dry_run else ""),
        ]
        out += [f"  {kind}: {n}" for kind, n in sorted(self.by_type.items())]
        out += [
            f"Imported: {self.imported}",
            f"Updated: {self.updated}",
            f"Unchanged: {self.unchanged}",
            f"Imported as draft for review: {sum(self.review.values())}",
        ]
        out += [f"  {reason}: {n}" for reason, n in sorted(self.review.items())]
        out.append(f"Skipped: {sum(self.skipped.values())}")
        out += [f"  {rule}: {n}" for rule, n in sorted(self.skipped.items())]
        verdict = "they add up" if self.adds_up else "THEY DO NOT ADD UP"
        out.append(f"Total: {self.accounted} of {self.in_file} items — {verdict}")
        out += [
            f"Articles: {self.articles_created} created, {self.articles_updated} updated, "
            f"{self.duplicate_urls} excerpts of an original already in the archive (linked to it)",
            f"Briefings created: {self.briefings_created}",
            f"Redirects: {self.redirects_created} created, {self.redirects_updated} updated",
            f"Media: {self.media_stored} files stored, {self.media_missing} not found",
            f"Comments (not imported): {self.comments_not_imported}",
            "Shortcodes expanded or removed: "
            + (", ".join(f"[{k}] {n}" for k, n in sorted(self.shortcodes.items())) or "none"),
        ]
        out += [f"Note: {note}" for note in self.notes]
        return out
