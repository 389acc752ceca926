import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from stories import evaluate
from stories.backfill import fingerprints_backfill
from stories.search import threshold as configured_threshold


class Command(BaseCommand):
    help = (
        "Measure same-story detection on labelled pairs: loads every article of PAIRS.json "
        "into a scratch database's archive (optionally over a generated archive of N articles) "
        "and prints precision, recall and candidate-search time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pairs", help='{"pairs": [{"label": "same"|"different", "a": …, "b": …}]}'
        )
        parser.add_argument("--threshold", type=float, help="score at which a pair is flagged")
        parser.add_argument(
            "--archive-size", type=int, default=0, help="archive this many generated articles too"
        )
        parser.add_argument(
            "--archive-template",
            default=os.environ.get("STORIES_ARCHIVE_TEMPLATE", ""),
            help="copy this database (a generated archive) instead of generating one",
        )
        parser.add_argument("--keep-database", action="store_true")

    def handle(self, *args, pairs, threshold, archive_size, archive_template, **options):
        threshold = configured_threshold() if threshold is None else threshold
        try:
            labelled = evaluate.read_pairs(pairs)
            if archive_template and not evaluate.database_exists(archive_template):
                raise evaluate.PairsError(f"No database named {archive_template}.")
            with evaluate.scratch_database(
                template=archive_template or None, keep=options["keep_database"]
            ) as name:
                self._fill_archive(archive_size, bool(archive_template))
                loaded = evaluate.load_articles(labelled)
                size = Article.objects.count()
                report = evaluate.evaluate(loaded, threshold=threshold)
        except evaluate.PairsError as error:
            raise CommandError(str(error)) from error
        self._print(report, threshold=threshold, size=size, name=name, pairs=len(labelled))

    def _fill_archive(self, archive_size, copied):
        if archive_size and not copied:
            call_command("generate_archive", articles=archive_size, stdout=self.stderr)
        if archive_size or copied:
            fingerprints_backfill()

    def _print(self, report, *, threshold, size, name, pairs):
        write = self.stdout.write
        write(f"Scratch database: {name} ({size} archived articles)")
        write(f"Pairs: {pairs}, threshold {threshold:.2f}")
        write(
            f"Flagged same: {report.true_positive} correct, {report.false_positive} wrong; "
            f"missed: {report.false_negative}; rightly not flagged: {report.true_negative}"
        )
        write(f"Precision: {report.precision:.3f}")
        write(f"Recall: {report.recall:.3f}")
        write(
            f"Candidate search: p50 {report.percentile(50):.1f} ms, "
            f"p95 {report.percentile(95):.1f} ms over {len(report.timings_ms)} searches"
        )
        for label, a, b, score in report.mistakes:
            kind = "missed" if label == "same" else "wrongly flagged"
            write(f"  {kind} ({score:.3f}): {a[:60]} / {b[:60]}")
