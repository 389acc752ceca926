from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stories import classifier, evaluate, training


class Command(BaseCommand):
    help = (
        "Train the same-story classifier on one split of a labelled pairs file (default "
        '"tune"): features of every pair, with both dates and with one side undated, in a '
        "scratch database; a cutoff chosen on leave-one-topic-out predictions; prints the "
        "cross-validated precision and recall, and with --write saves stories/model.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("pairs", help="a labelled pairs file (see evaluate_same_story)")
        parser.add_argument(
            "--split",
            default="tune",
            help='train on this split, or these, comma-separated (default "tune")',
        )
        parser.add_argument(
            "--precision",
            type=float,
            default=0.96,
            help="precision asked for (0.96: a margin over the goal of 0.95 for unseen topics)",
        )
        parser.add_argument(
            "--recall",
            type=float,
            default=None,
            help="with it, the cutoff that misses the precision and this recall by the least",
        )
        parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty of the weights")
        parser.add_argument("--write", action="store_true", help="save the model")
        parser.add_argument(
            "--output", default=str(classifier.MODEL_PATH), help="where --write saves it"
        )

    def handle(self, *args, pairs, split, precision, recall, l2, write, output, **options):
        try:
            splits = {name.strip() for name in split.split(",")}
            labelled = [p for p in evaluate.read_pairs(pairs) if str(p.get("split")) in splits]
            if not labelled:
                raise evaluate.PairsError(f'No pairs in split "{split}".')
            with evaluate.scratch_database():
                loaded = evaluate.load_articles(labelled)
                rows = []
                for undated in (False, True):
                    self.stderr.write(f"Features of {len(loaded)} pairs (undated: {undated})…")
                    measured = evaluate.feature_rows(loaded, undated=undated)
                    rows += [
                        training.Row(f, pair.label == "same", pair.topic or pair.kind, undated)
                        for pair, f in zip(loaded, measured, strict=True)
                    ]
        except evaluate.PairsError as error:
            raise CommandError(str(error)) from error
        topics = len({row.topic for row in rows})
        model, cross_validated = training.train(rows, l2=l2, precision=precision, recall=recall)
        self.stdout.write(f"Trained on {len(labelled)} pairs of split {split!r}, {topics} topics")
        self.stdout.write(f"Cutoff: {model.cutoff:.2f}")
        if model.undated_cutoff is not None:
            self.stdout.write(f"Cutoff with one side undated: {model.undated_cutoff:.2f}")
        for mode, figures in cross_validated.items():
            self.stdout.write(
                f"Leave-one-topic-out, {mode}: precision {figures.precision:.3f}, "
                f"recall {figures.recall:.3f} ({figures.pairs} pairs)"
            )
        for name, weight in zip(model.names, model.weights, strict=True):
            self.stdout.write(f"  {name:<18} {weight:+.2f}")
        if write:
            Path(output).write_text(
                model.as_json(
                    trained_on=f"{pairs} split {split}",
                    cross_validated={
                        mode: {"precision": f.precision, "recall": f.recall}
                        for mode, f in cross_validated.items()
                    },
                ),
                encoding="utf-8",
            )
            self.stdout.write(self.style.SUCCESS(f"Saved {output}"))
