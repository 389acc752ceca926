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
        "and prints precision and recall (overall and by kind of negative, with both dates and "
        "with one side undated, per split of the file) and candidate-search time."
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
        parser.add_argument(
            "--split", help='only the pairs of this split (e.g. "held-out"); default: each split'
        )
        parser.add_argument(
            "--mistakes", action="store_true", help="list every pair judged wrongly, with why"
        )
        parser.add_argument("--keep-database", action="store_true")

    def handle(self, *args, pairs, threshold, archive_size, archive_template, split, **options):
        threshold = configured_threshold() if threshold is None else threshold
        try:
            labelled = evaluate.read_pairs(pairs)
            if split:
                labelled = [p for p in labelled if str(p.get("split") or "all") == split]
                if not labelled:
                    raise evaluate.PairsError(f'No pairs in split "{split}".')
            if archive_template and not evaluate.database_exists(archive_template):
                raise evaluate.PairsError(f"No database named {archive_template}.")
            with evaluate.scratch_database(
                template=archive_template or None, keep=options["keep_database"]
            ) as name:
                self._fill_archive(archive_size, bool(archive_template))
                loaded = evaluate.load_articles(labelled)
                size = Article.objects.count()
                reports = self._reports(loaded, threshold)
        except evaluate.PairsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Scratch database: {name} ({size} archived articles)")
        self.stdout.write(f"Pairs: {len(labelled)}, threshold {threshold:.2f}")
        for (part, mode), report in reports.items():
            self._print(report, part=part, mode=mode, mistakes=options["mistakes"])

    def _reports(self, loaded, threshold):
        parts = sorted({pair.split for pair in loaded}, key=lambda s: (s != "tune", s))
        reports = {}
        for part in parts:
            chosen = [pair for pair in loaded if pair.split == part]
            for mode, undated in (("both dates", False), ("one side undated", True)):
                self.stderr.write(f"Evaluating {part}, {mode}: {len(chosen)} pairs…")
                reports[part, mode] = evaluate.evaluate(
                    chosen, threshold=threshold, undated=undated
                )
        return reports

    def _fill_archive(self, archive_size, copied):
        if archive_size and not copied:
            call_command("generate_archive", articles=archive_size, stdout=self.stderr)
        if archive_size or copied:
            fingerprints_backfill()

    def _print(self, report, *, part, mode, mistakes):
        write = self.stdout.write
        write("")
        write(f"== {part}, {mode} ==")
        write(
            f"Flagged same: {report.true_positive} correct, {report.false_positive} wrong; "
            f"missed: {report.false_negative}; rightly not flagged: {report.true_negative}"
        )
        write(f"Precision: {report.precision:.3f}")
        write(f"Recall: {report.recall:.3f}")
        for kind, (flagged, total) in sorted(report.kinds.items()):
            write(f"  {kind}: {flagged} of {total} flagged same")
        write(
            f"Candidate search: p50 {report.percentile(50):.1f} ms, "
            f"p95 {report.percentile(95):.1f} ms over {len(report.timings_ms)} searches"
        )
        shown = report.mistakes if mistakes else report.mistakes[:10]
        for label, kind, a, b, score, why in shown:
            verdict = "missed" if label == "same" else f"wrongly flagged ({kind})"
            write(f"  {verdict} ({score:.3f}): {a[:50]} / {b[:50]} — {why}")
        if len(shown) < len(report.mistakes):
            write(f"  … and {len(report.mistakes) - len(shown)} more (--mistakes lists them)")
