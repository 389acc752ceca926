#!/usr/bin/env bash
# Lighthouse scores of the home page and an article page, and the home page's weight.
#
#   bench/lighthouse.sh                 # mobile (Lighthouse's default: slow 4G, mid-range phone)
#   LIGHTHOUSE_PRESET=desktop bench/lighthouse.sh
#   LIGHTHOUSE_RUNS=5 bench/lighthouse.sh   # runs per page (default 3); medians are printed
#
# Installs lighthouse from npm into bench/.lighthouse (gitignored) on first use, serves the demo
# data with gunicorn on loopback, production-like (DEBUG off, a random SECRET_KEY, HTTPS=false,
# whitenoise's compressed hashed static files), runs Lighthouse against the system chromium,
# prints the median of each page's four category scores (goal: each >= 95) and the home page's bytes
# transferred without images (goal: < 100 KB), then stops the server. Bounded: two pages,
# LIGHTHOUSE_RUNS runs each, a 120 s limit per run. Scores vary with the machine's load
# (Lighthouse simulates a 4x slower CPU on top of this one): hence medians.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=.venv/bin/python
LIGHTHOUSE=bench/.lighthouse/node_modules/.bin/lighthouse
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

if [ ! -x "$LIGHTHOUSE" ]; then
  command -v npm >/dev/null || { echo "lighthouse.sh needs npm (apt-get install npm)" >&2; exit 2; }
  npm install --no-save --no-audit --no-fund --prefix bench/.lighthouse lighthouse >&2
fi
[ -x "$CHROME_PATH" ] || { echo "lighthouse.sh needs chromium at $CHROME_PATH" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -n "$pg_db" ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$pg_db"
  rm -rf "$work"
}
trap cleanup EXIT

port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DEBUG=false HTTPS=false LOG_LEVEL=WARNING
export SECRET_KEY="lighthouse-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# A throw-away database on the local PostgreSQL, as in production. (Not the embedded server of
# development: the demo data would be loaded into the developer's own database.)
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_db="briefing_lighthouse_$$"
  createdb -h 127.0.0.1 -U postgres "$pg_db"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pg_db"
else
  echo "lighthouse.sh: needs a PostgreSQL server on 127.0.0.1:5432 (trust auth, user postgres)" >&2
  exit 2
fi
export STATIC_ROOT="$work/static"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$port"

echo "Preparing the demo data and static files..." >&2
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py loaddata demo demo_briefings -v0
"$PYTHON" manage.py collectstatic --noinput -v0
article=$("$PYTHON" manage.py shell -c 'from articles.models import Article; print(Article.objects.published().order_by("pk").first().get_absolute_url())' | tail -n1)

.venv/bin/gunicorn config.wsgi:application --config gunicorn.conf.py --no-control-socket \
  --bind "127.0.0.1:$port" --workers 2 >"$work/gunicorn.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

# Warm the page cache and the workers, as a live site is: the figures are the pages, not a boot.
for path in / "$article" / "$article"; do curl -fsS -o /dev/null "http://127.0.0.1:$port$path"; done

preset=()
[ -n "${LIGHTHOUSE_PRESET:-}" ] && preset=("--preset=$LIGHTHOUSE_PRESET")
runs="${LIGHTHOUSE_RUNS:-3}"
run() {  # run NAME PATH
  for i in $(seq "$runs"); do
    timeout 120 "$LIGHTHOUSE" "http://127.0.0.1:$port$2" "${preset[@]}" --quiet \
      --chrome-flags="$CHROME_FLAGS" --output=json --output-path="$work/$1-$i.json" \
      --only-categories=performance,accessibility,best-practices,seo
  done
}
echo "Running Lighthouse (${LIGHTHOUSE_PRESET:-mobile}, $runs runs a page) on / and $article ..." >&2
run home /
run article "$article"

"$PYTHON" - "$work" "$runs" <<'EOF'
import json
import statistics
import sys
from pathlib import Path

work, runs = Path(sys.argv[1]), int(sys.argv[2])
print(f"medians of {runs} runs; all runs' performance in brackets")
print(f"{'page':<8} {'performance':>11} {'accessibility':>13} {'best-practices':>14} {'seo':>4}")
for name in ["home", "article"]:
    reports = [json.loads((work / f"{name}-{i}.json").read_text()) for i in range(1, runs + 1)]
    each = {
        key: [round(r["categories"][key]["score"] * 100) for r in reports]
        for key in ["performance", "accessibility", "best-practices", "seo"]
    }
    scores = {key: round(statistics.median(values)) for key, values in each.items()}
    print(
        f"{name:<8} {scores['performance']:>11} {scores['accessibility']:>13} "
        f"{scores['best-practices']:>14} {scores['seo']:>4}   {each['performance']}"
    )
    report = sorted(reports, key=lambda r: r["categories"]["performance"]["score"])[runs // 2]
    for audit in report["audits"].values():
        if audit.get("score") is not None and audit["score"] < 0.9 and audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings"):
            print(f"    below 0.9: {audit['id']} ({audit['score']}) {audit.get('displayValue', '')}")
    if name == "home":
        requests = report["audits"]["network-requests"]["details"]["items"]
        total = sum(r.get("transferSize", 0) for r in requests)
        no_images = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") != "Image")
        metrics = report["audits"]["metrics"]["details"]["items"][0]
        print(
            f"    home transferred: {no_images / 1024:.1f} KB without images "
            f"({total / 1024:.1f} KB in all, {len(requests)} requests); "
            f"FCP {metrics['firstContentfulPaint']} ms, LCP {metrics['largestContentfulPaint']} ms, "
            f"CLS {metrics['cumulativeLayoutShift']:.3f}, TBT {metrics['totalBlockingTime']} ms"
        )
EOF
