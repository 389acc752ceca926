"""manage.py import_article URL | --from-file FILE --url URL [--json] [--dry-run]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intake import services
from intake.fetch import FetchError


class Command(BaseCommand):
    help = (
        "Import an article from its address (or from a saved page with --from-file) as a draft "
        "with its snapshot. --json prints the extracted fields; --dry-run saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", help="The original article's URL.")
        parser.add_argument("--from-file", type=Path, help="A saved HTML page (.html or .gz).")
        parser.add_argument("--url", help="The page's address, with --from-file.")
        parser.add_argument("--json", action="store_true", help="Print the fields as JSON.")
        parser.add_argument("--dry-run", action="store_true", help="Extract only; save nothing.")

    def handle(self, *args, address=None, from_file=None, url=None, **options):
        try:
            if from_file:
                if address or not url:
                    raise CommandError("With --from-file give the page's address as --url.")
                intake = services.intake_from_html(html=_read(from_file), url=url)
            elif address:
                intake = services.intake_from_url(address)
            else:
                raise CommandError("Give a URL, or --from-file FILE --url URL.")
            article = None if options["dry_run"] else services.article_import(intake=intake)
        except FetchError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(intake.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"Title:   {intake.title}")
        self.stdout.write(f"Authors: {', '.join(intake.authors) or '(none found)'}")
        self.stdout.write(f"Source:  {intake.source or intake.domain}")
        self.stdout.write(f"Date:    {intake.date or '(none found)'}")
        self.stdout.write(f"Words:   {len(intake.body_text.split())} in the original")
        if article is not None:
            saved = f"Saved as a draft: {article.title} (id {article.pk})"
            self.stdout.write(self.style.SUCCESS(saved))
        else:
            self.stdout.write("Dry run: nothing saved.")


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from error
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")
