"""The embedded PostgreSQL's lifecycle, timed: initdb and first start, stop, a warm start, and
a start after the server was killed (SIGKILL, stale postmaster.pid). Wall and CPU time (this
process and its children: initdb, pg_ctl, psql), in a scratch directory under var/.

    .venv/bin/python bench/bench_embedded_postgres.py [--rounds 3]
"""

import argparse
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.embedded_postgres import EmbeddedPostgres  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, action, figures: dict) -> None:
    wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
    action()
    figures.setdefault(label, []).append(
        (time.perf_counter() - wall, time.process_time() + children_cpu() - cpu)
    )


def kill(server: EmbeddedPostgres) -> None:
    pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    while server.is_running():
        time.sleep(0.01)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    figures: dict = {}
    for _ in range(args.rounds):
        scratch = tempfile.mkdtemp(prefix="bench-postgres-", dir=ROOT / "var")
        server = EmbeddedPostgres(Path(scratch) / "postgres")
        try:
            timed("initdb + first start", server.acquire, figures)
            timed("stop", server.stop, figures)
            timed("warm start", server.acquire, figures)
            kill(server)
            timed("start after SIGKILL", server.acquire, figures)
            timed("stop ", server.stop, figures)
        finally:
            server.stop()
            shutil.rmtree(scratch)
    print(f"embedded PostgreSQL, {args.rounds} rounds; median wall s / CPU s (with children)")
    for label, runs in figures.items():
        walls, cpus = sorted(w for w, _ in runs), sorted(c for _, c in runs)
        print(f"  {label.strip():<22} {walls[len(walls) // 2]:6.2f}  {cpus[len(cpus) // 2]:6.2f}")


if __name__ == "__main__":
    main()
