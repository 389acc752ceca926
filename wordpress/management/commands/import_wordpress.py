import argparse
import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from wordpress.plan import Options
from wordpress.services import wordpress_import


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR): posts become articles in daily "
        "briefings, old links redirect. Safe to run again: changed posts are updated, "
        "nothing is created twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the WXR file WordPress exported")
        parser.add_argument("--dry-run", action="store_true", help="report, save nothing")
        parser.add_argument("--since", type=_date, help="only posts from this day (YYYY-MM-DD)")
        parser.add_argument("--until", type=_date, help="only posts up to this day")
        parser.add_argument(
            "--media-dir", type=Path, help="a copy of the old site's wp-content/uploads"
        )
        parser.add_argument("--report", type=Path, help="write the report as JSON here")
        parser.add_argument(
            "--sections",
            help="categories that open briefing sections, comma-separated (default: those "
            'naming a region, e.g. "Israel", "Ukraine")',
        )
        parser.add_argument("--chunk-size", type=int, default=500, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        path = options["export"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if options["media_dir"] and not options["media_dir"].is_dir():
            raise CommandError(f"{options['media_dir']} is not a directory.")
        sections = options["sections"]
        settings = Options(
            since=options["since"],
            until=options["until"],
            media_dir=options["media_dir"],
            dry_run=options["dry_run"],
            sections={s.strip() for s in sections.split(",") if s.strip()} if sections else None,
            chunk_size=max(1, options["chunk_size"]),
        )
        bar = ProgressBar(self.stderr, 0, label="Importing", unit="items")
        report = wordpress_import(path=path, options=settings, progress=bar)
        for line in report.lines():
            self.stdout.write(line)
        if options["report"]:
            options["report"].write_text(json.dumps(report.as_dict(), indent=2) + "\n")
        if not report.adds_up:
            raise CommandError(
                f"The numbers do not add up: {report.in_file} items in the file, "
                f"{report.items_read} read, {report.accounted} accounted for."
            )
