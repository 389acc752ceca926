"""Article extraction measured from outside: `manage.py import_article --from-file PAGE --url URL
--json --dry-run` on each page of the extraction benchmark, `body_text` scored against the
page's true body with the benchmark's own metric (its README).

    .venv/bin/python bench/bench_extraction.py [--benchmark ../shared/extraction-benchmark]
        [--jobs 2] [--half tuning|report|all]

The 97 pages are split once, deterministically: sorted by sha256 of their key, the first 48 are
the TUNING half and the other 49 the REPORT half. Rules in intake/extract.py were found on one
half and checked on the other, but since round 2 both halves have been looked at (bench/README.md
says which rule came from which half): neither figure is held out any more. On another set of
pages (`--benchmark DIR` with the same layout) nothing was tuned: read the "all" line.
"""

import argparse
import collections
import hashlib
import json
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import common

TOKEN = re.compile(r"\w+", re.UNICODE)
TUNING_SIZE = 48


def shingles(text: str, n: int = 4) -> collections.Counter:
    """Runs of n tokens, with multiplicity; a text shorter than n is one shorter run."""
    tokens = TOKEN.findall(text or "")
    runs = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return collections.Counter(run for run in runs if run)


def page_counts(true: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of shingles, counted with multiplicity, normalised to sum to 1."""
    expected, got = shingles(true), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _share(tp: float, other: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + other) if tp + other else 0.0


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Precision and recall are each the mean over pages of the page's own (so each page weighs
    one), leaving out pages where it is undefined; F1 from the two means."""
    precisions = [_share(tp, fp, fp, fn) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [_share(tp, fn, fp, fn) for tp, fp, fn in counts if tp + fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def split(keys) -> tuple[list[str], list[str]]:
    ordered = sorted(keys, key=lambda key: hashlib.sha256(key.encode()).hexdigest())
    return ordered[:TUNING_SIZE], ordered[TUNING_SIZE:]


def extract(page: Path, url: str, env) -> dict:
    out = common.manage(
        "import_article", "--from-file", str(page), "--url", url, "--json", "--dry-run",
        env=env, capture=True, timeout=120,
    )  # fmt: skip
    return json.loads(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--benchmark", type=Path, default=common.ROOT.parent / "shared" / "extraction-benchmark"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--half", choices=["tuning", "report", "all"], default="all")
    args = parser.parse_args()
    if not (args.benchmark / "ground-truth.json").exists():
        args.benchmark = Path("/work/shared/extraction-benchmark")
    truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    tuning, report = split(truth)
    halves = {"tuning": tuning, "report": report}
    if args.half != "all":
        halves = {args.half: halves[args.half]}
    env = common.production_env(DATABASE_URL=common.database_url("briefing_bench_extraction"))
    # import_article --dry-run reads the archive (sources, authors, tags): an empty one will do.
    if common.database_create("briefing_bench_extraction"):
        common.manage("migrate", "-v0", env=env)
    wanted = [key for keys in halves.values() for key in keys]
    started = time.monotonic()
    done = 0

    def run(key):
        nonlocal done
        page = args.benchmark / "html" / f"{key}.html.gz"
        try:
            body = extract(page, truth[key]["url"], env)["body_text"]
        except RuntimeError as error:  # a page the command refuses scores as empty
            print(f"  {key[:12]}: {str(error).splitlines()[-1]}", file=sys.stderr)
            body = ""
        done += 1
        if done % 10 == 0:
            common.log(f"{done}/{len(wanted)} pages")
        return key, page_counts(truth[key]["articleBody"], body)

    with ThreadPoolExecutor(args.jobs) as pool:
        counts = dict(pool.map(run, wanted))
    seconds = time.monotonic() - started
    print(f"{len(wanted)} pages in {seconds:.0f} s ({args.jobs} at a time, one process each)")
    print("half     pages  precision  recall  F1")
    for name, keys in halves.items():
        precision, recall, f1 = scores([counts[k] for k in keys])
        print(f"{name:<8} {len(keys):>5}  {precision:9.3f}  {recall:6.3f}  {f1:.3f}")
    if args.half == "all":
        precision, recall, f1 = scores(list(counts.values()))
        print(f"{'all':<8} {len(counts):>5}  {precision:9.3f}  {recall:6.3f}  {f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
