"""The embedded PostgreSQL of config/embedded_postgres/ against the `pgserver` wheel, measured the
same way: what bench_embedded_postgres.py times (initdb and first start, stop, warm start, start
after SIGKILL, stop), then the server's version and contrib (pg_trgm), and what happens on a
client's Ctrl-C (SIGINT to its process group, as a terminal sends it), after a client killed
with SIGKILL (does the last live client still stop the server?), after the server was killed
under a running client (the same process asks for it again, as Django reconnecting does), and
with a stale postmaster.pid whose pid is now another live process. Everything in --scratch
(default: a new directory under /tmp), deleted at the end.

    .venv/bin/python bench/compare_embedded_postgres.py ours
    python3 -m venv /tmp/pgserver-venv && /tmp/pgserver-venv/bin/pip install pgserver
    /tmp/pgserver-venv/bin/python bench/compare_embedded_postgres.py pgserver
    runuser -u SOMEUSER -- …   # the same as a user (the venv's python must be theirs to run)
"""

import argparse
import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def children_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


class PgServer:
    name = "pgserver"

    def __init__(self, pgdata: Path):
        import pgserver
        from pgserver._commands import POSTGRES_BIN_PATH

        self.pgserver, self.bin, self.pgdata, self.handle = (
            pgserver,
            POSTGRES_BIN_PATH,
            pgdata,
            None,
        )

    def start(self, fresh=True):
        self.pgdata.mkdir(parents=True, exist_ok=True)
        if fresh:  # as a new process would: get_server() returns a cached handle unchecked
            self.pgserver.PostgresServer._instances.pop(self.pgdata.resolve(), None)
        self.handle = self.pgserver.get_server(self.pgdata, cleanup_mode="stop")
        if not self.psql("SELECT 1 FROM pg_database WHERE datname = 'briefing'", "postgres"):
            self.psql("CREATE DATABASE briefing", "postgres")

    def stop(self):
        self.handle._cleanup()

    def psql(self, sql, db="briefing"):
        uri = self.pgserver.postgres_server.PostmasterInfo.read_from_pgdata(self.pgdata).get_uri(
            database=db
        )
        done = subprocess.run(
            [str(self.bin / "psql"), uri, "-XAtc", sql], capture_output=True, text=True, timeout=30
        )
        if done.returncode:
            raise RuntimeError(done.stderr.strip())
        return done.stdout.strip()

    def running(self):
        return postmaster_alive(self.pgdata)


class Ours:
    name = "embedded-postgres (config/embedded_postgres)"

    def __init__(self, pgdata: Path):
        from config.embedded_postgres import EmbeddedPostgres, binaries

        self.server, self.bin, self.pgdata = EmbeddedPostgres(pgdata), binaries(), pgdata

    def start(self, fresh=True):
        self.server.acquire()

    def stop(self):
        self.server.stop()

    def psql(self, sql, db="briefing"):
        done = subprocess.run(
            [str(self.bin / "psql"), "-h", str(self.server.socket_dir), "-U", "postgres",
             "-d", db, "-XAtc", sql],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(done.stderr.strip())
        return done.stdout.strip()

    def running(self):
        return postmaster_alive(self.pgdata)


def postmaster_pid(pgdata: Path):
    try:
        return int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def postmaster_alive(pgdata: Path) -> bool:
    """A live (not zombie) postgres process with this data directory."""
    pid = postmaster_pid(pgdata)
    if pid is None:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return state != "Z" and b"postgres" in cmd


def any_postgres_of(pgdata: Path) -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes()
            except OSError:
                continue
            if b"postgres" in cmd and str(pgdata).encode() in cmd:
                pids.append(int(p.name))
    return pids


def make(kind, pgdata):
    return PgServer(pgdata) if kind == "pgserver" else Ours(pgdata)


def child(kind, pgdata):
    """A client: start, say up, wait to be interrupted or killed."""
    s = make(kind, pgdata)
    s.start()
    print("up", os.getpgrp(), postmaster_pid(pgdata), flush=True)
    time.sleep(120)


def spawn_child(args, pgdata):
    cmd = [sys.executable, __file__, args.kind, "--child", str(pgdata)]
    if args.root:
        cmd += ["--root", args.root]
    p = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )  # its own process group, like a terminal's job
    line = p.stdout.readline().split()
    if not line or line[0] != "up":
        p.kill()
        raise RuntimeError("child did not start: " + p.stderr.read()[-2000:])
    return p, int(line[1]), int(line[2])


def wait_until(pred, seconds=30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def kill_postmaster(pgdata):
    pid = postmaster_pid(pgdata)
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not Path(f"/proc/{pid}").exists())  # gone, reaped: not a zombie
    return pid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["pgserver", "ours"])
    ap.add_argument("--scratch", default=None)
    ap.add_argument(
        "--root",
        default=str(Path(__file__).resolve().parents[1]),
        help="clone whose config/embedded_postgres to use (default: this one)",
    )
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", default=None)
    args = ap.parse_args()
    if args.root:
        sys.path.insert(0, args.root)
    if args.child:
        return child(args.kind, Path(args.child))

    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="compare-postgres-")).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    print(f"{args.kind}: uid {os.geteuid()}, python {sys.version.split()[0]}, {sys.executable}")
    figures = {}

    def timed(label, action):
        w, c = time.perf_counter(), time.process_time() + children_cpu()
        action()
        figures.setdefault(label, []).append(
            (time.perf_counter() - w, time.process_time() + children_cpu() - c)
        )

    for r in range(args.rounds):
        pgdata = scratch / f"round{r}" / "postgres"
        pgdata.parent.mkdir(parents=True)
        s = make(args.kind, pgdata)
        try:
            timed("initdb + first start", s.start)
            if r == 0:
                print("  version:", s.psql("SHOW server_version"))
                names = s.psql(
                    "SELECT string_agg(name, ' ' ORDER BY name) FROM pg_available_extensions"
                )
                print(f"  extensions available ({len(names.split())}): {names}")
                try:
                    s.psql("CREATE EXTENSION pg_trgm")
                    print(
                        "  CREATE EXTENSION pg_trgm: ok,",
                        s.psql("SELECT similarity('Wagner', 'Wagnr')"),
                    )
                except RuntimeError as e:
                    print("  CREATE EXTENSION pg_trgm: FAILED:", e)
                owner = (pgdata / "PG_VERSION").stat().st_uid
                print(
                    f"  data owner uid {owner}; files under {pgdata}: "
                    + " ".join(sorted(p.name for p in pgdata.iterdir() if not p.is_dir()))
                )
            timed("stop", s.stop)
            assert not s.running(), "still running after stop"
            timed("warm start", s.start)
            kill_postmaster(pgdata)
            try:
                timed("start after SIGKILL", s.start)
                s.psql("SELECT 1")
            except Exception as e:  # noqa: BLE001
                print(f"  round {r}: start after SIGKILL FAILED: {type(e).__name__}: {e}")
            timed("stop ", s.stop)
        finally:
            with contextlib.suppress(Exception):  # stopped already, or never started
                s.stop()
            for pid in any_postgres_of(pgdata):
                os.kill(pid, signal.SIGKILL)
    print(f"  lifecycle, {args.rounds} rounds, median wall s / CPU s (with children):")
    for label, runs in figures.items():
        walls, cpus = sorted(w for w, _ in runs), sorted(c for _, c in runs)
        print(
            f"    {label.strip():<22} {walls[len(walls) // 2]:6.2f}  {cpus[len(cpus) // 2]:6.2f}"
            f"   (walls {' '.join(f'{w:.2f}' for w in (w for w, _ in runs))})"
        )

    # Same process: the server is killed, the client asks for it again (Django reconnecting).
    pgdata = scratch / "sameprocess" / "postgres"
    pgdata.parent.mkdir(parents=True)
    s = make(args.kind, pgdata)
    s.start()
    kill_postmaster(pgdata)
    try:
        s.start(fresh=False)
        print("  same process, after SIGKILL, start again:", s.psql("SELECT 'ok'"))
    except Exception as e:  # noqa: BLE001
        print(f"  same process, after SIGKILL, start again: FAILED: {str(e)[:200]}")
    for pid in any_postgres_of(pgdata):
        os.kill(pid, signal.SIGKILL)

    # Ctrl-C: SIGINT to the client's process group, as a terminal does.
    pgdata = scratch / "ctrlc" / "postgres"
    pgdata.parent.mkdir(parents=True)
    p, pgrp, pm = spawn_child(args, pgdata)
    pm_pgrp = os.getpgid(pm)
    os.killpg(pgrp, signal.SIGINT)
    p.wait(timeout=60)
    stopped = wait_until(lambda: not any_postgres_of(pgdata), 30)
    print(
        f"  Ctrl-C of the only client (exit {p.returncode}; postmaster in the client's process "
        f"group: {pm_pgrp == pgrp}): server stopped {stopped}, postmaster.pid left "
        f"{(pgdata / 'postmaster.pid').exists()}"
    )

    # A client killed outright, then another client comes and goes: does the server stop?
    p, _, _ = spawn_child(args, pgdata)
    p.kill()
    p.wait()
    s = make(args.kind, pgdata)
    s.start()
    if args.kind == "ours":
        s.server.release()
    else:
        s.handle._cleanup()
    stopped = wait_until(lambda: not any_postgres_of(pgdata), 10)
    print(f"  client SIGKILLed, then the last live client exits: server stopped {stopped}")
    for pid in any_postgres_of(pgdata):
        os.kill(pid, signal.SIGKILL)
    wait_until(
        lambda: (
            not any_postgres_of(pgdata) and not Path(f"/proc/{postmaster_pid(pgdata)}").exists()
        )
    )

    # Stale postmaster.pid whose pid is another live process (pid reuse after a crash/reboot).
    s = make(args.kind, pgdata)
    s.start()
    kill_postmaster(pgdata)
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    decoy = subprocess.Popen(["sleep", "60"])  # a live process that is not postgres
    lines[0] = str(decoy.pid)
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n")
    s = make(args.kind, pgdata)
    try:
        w = time.perf_counter()
        s.start()
        print(
            f"  stale postmaster.pid naming a live non-postgres pid: start returned in "
            f"{time.perf_counter() - w:.2f} s;",
            "query:",
            s.psql("SELECT 'ok'"),
        )
    except Exception as e:  # noqa: BLE001
        print(
            f"  stale postmaster.pid naming a live non-postgres pid: FAILED: "
            f"{type(e).__name__}: {str(e)[:300]}"
        )
    finally:
        with contextlib.suppress(Exception):  # stopped already, or never started
            s.stop()
        for pid in any_postgres_of(pgdata):
            os.kill(pid, signal.SIGKILL)
        print(
            "  the decoy process (pid in the stale file) was killed by the stop:",
            decoy.poll() is not None,
            decoy.returncode,
        )
        decoy.kill()
    shutil.rmtree(scratch, ignore_errors=True)
    if scratch.exists():
        subprocess.run(["rm", "-rf", str(scratch)])
    print("  scratch removed:", not scratch.exists())
    sys.stdout.flush()
    os._exit(0)  # the handles' atexit hooks have nothing left to stop


if __name__ == "__main__":
    main()
