"""Import throughput and peak memory of `manage.py import_wordpress` on a generated export.

    .venv/bin/python bench/bench_wordpress_import.py [--posts 100000] [--database NAME] [--keep]

Writes a WXR file shaped like tests/data/wordpress/export.xml (WordPress 6.1's exporter): one
post a day over the years, most of them one seed-shaped excerpt, one in ten a whole day's
briefing of three excerpts, a draft in fifty, categories (some naming regions) and tags, an
author line, a source line, a pull quote and a read-full link each. Imports it into a scratch
database (`briefing_bench_wp` unless --database names another, dropped afterwards), then
imports it again (nothing changes). Prints items/s, articles/s, the importer's peak resident
memory (the child's ru_maxrss) and the CPU seconds of the importer and of PostgreSQL's backends.
Goal (issue 15): 100,000 posts in under 5 minutes and under 300 MB.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import threading
import time
from html import escape
from pathlib import Path

import common

DATABASE = "briefing_bench_wp"
REGIONS = ["Israel", "Ukraine", "Iran", "Gaza", "Russia", "China", "Europe", "Middle East"]
TOPICS = ["Analysis & Opinion", "Defense", "Diplomacy", "Economy", "Energy", "Elections"]
WORDS = [
    "israel",
    "gaza",
    "hamas",
    "iran",
    "hezbollah",
    "ukraine",
    "russia",
    "putin",
    "nato",
    "turkey",
    "wagner",
    "syria",
    "lebanon",
    "egypt",
    "jordan",
    "china",
    "taiwan",
    "europe",
    "election",
    "parliament",
    "minister",
    "government",
    "president",
    "policy",
    "war",
    "peace",
    "ceasefire",
    "hostages",
    "army",
    "missile",
    "drone",
    "attack",
    "defense",
    "security",
    "intelligence",
    "document",
    "leaked",
    "report",
    "sanctions",
    "economy",
    "inflation",
    "market",
    "oil",
    "energy",
    "court",
    "vote",
    "campaign",
    "protest",
    "border",
    "refugees",
    "aid",
    "talks",
    "summit",
    "embassy",
    "treaty",
    "weapons",
    "nuclear",
]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]  # fmt: skip
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Daily Briefing</title>
	<link>https://briefing.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://briefing.example.org</wp:base_site_url>
	<wp:base_blog_url>https://briefing.example.org</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login><wp:author_display_name><![CDATA[desk]]></wp:author_display_name></wp:author>
"""  # noqa: E501


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(WORDS, k=count))


def excerpt(rng: random.Random, n: int, heading: bool) -> str:
    day = datetime.date(2004, 1, 1) + datetime.timedelta(days=rng.randrange(7300))
    source = f"{rng.choice(WORDS).title()} {rng.choice(['Times', 'Post', 'News', 'Herald'])}"
    label = rng.choice(["", "", "", "", "Editorial ", "Analysis "])
    authors = " and ".join(
        f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}son"
        for _ in range(rng.randint(1, 2))
    )
    blocks = []
    if heading:
        blocks.append(f'<h2 class="wp-block-heading">{words(rng, 8).title()}</h2>')
    blocks.append(
        f"<p>{authors}<br>{label}{source}, {MONTHS[day.month - 1]} {day.day}, {day.year}</p>"
    )
    blocks.append(f"<p>“{words(rng, 25).capitalize()}.”</p>")
    blocks += [f"<p>{words(rng, 60).capitalize()}.</p>" for _ in range(4)]
    url = f"https://{source.lower().replace(' ', '')}.example.com/{day:%Y/%m/%d}/story-{n}"
    blocks.append(f'<p>… <a href="{url}">[To read the full article, click here]</a></p>')
    return "\n\n".join(f"<!-- wp:paragraph -->\n{b}\n<!-- /wp:paragraph -->" for b in blocks)


def item(rng: random.Random, wp_id: int, when: datetime.datetime) -> str:
    multi = wp_id % 10 == 0
    status = "draft" if wp_id % 50 == 7 else "publish"
    title = f"Daily Briefing {when:%B %d, %Y}" if multi else words(rng, 9).title()
    slug = f"post-{wp_id}"
    content = "\n\n".join(
        excerpt(rng, wp_id * 10 + k, heading=multi) for k in range(3 if multi else 1)
    )
    category = rng.choice(REGIONS + TOPICS)
    tags = rng.sample(WORDS, 3)
    terms = f'<category domain="category" nicename="{slug_of(category)}"><![CDATA[{escape(category)}]]></category>'  # noqa: E501
    terms += "".join(
        f'<category domain="post_tag" nicename="{t}"><![CDATA[{t.title()}]]></category>'
        for t in tags
    )
    link = f"https://briefing.example.org/{when:%Y/%m/%d}/{slug}/"
    return f"""	<item>
		<title><![CDATA[{title}]]></title>
		<link>{link}</link>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">https://briefing.example.org/?p={wp_id}</guid>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date><![CDATA[{when:%Y-%m-%d %H:%M:%S}]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[{when + datetime.timedelta(hours=4):%Y-%m-%d %H:%M:%S}]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[{slug}]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:post_password><![CDATA[]]></wp:post_password>
		{terms}
	</item>
"""  # noqa: E501


def slug_of(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def generate(path: Path, posts: int, seed: int = 15) -> None:
    rng = random.Random(seed)
    start = datetime.datetime(2005, 1, 1, 6, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for term_id, name in enumerate(REGIONS + TOPICS, start=2):
            out.write(
                f"\t<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>"
                f"<![CDATA[{slug_of(name)}]]></wp:category_nicename><wp:category_parent>"
                f"<![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[{escape(name)}]]>"
                "</wp:cat_name></wp:category>\n"
            )
        for term_id, word in enumerate(WORDS, start=100):
            out.write(
                f"\t<wp:tag><wp:term_id>{term_id}</wp:term_id><wp:tag_slug><![CDATA[{word}]]>"
                f"</wp:tag_slug><wp:tag_name><![CDATA[{word.title()}]]></wp:tag_name></wp:tag>\n"
            )
        for n in range(posts):
            # A few posts a day, so twenty years of daily briefings hold the archive.
            when = start + datetime.timedelta(days=n // 5, minutes=(n % 5) * 90)
            out.write(item(rng, 100 + n, when))
        out.write("</channel>\n</rss>\n")


class ServerCpu(threading.Thread):
    """The CPU seconds PostgreSQL's backends spend for the bench database, read from
    /proc/<pid>/stat every second while the import runs (the wall time on a shared machine
    says little; the CPU the import needs, on both sides, says what an idle one would do)."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database = database
        self.ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(1):
            rows = (
                common.sql("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database])
                or []
            )
            for (pid,) in rows:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime

    @property
    def seconds(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


def timed_import(path: Path, env: dict, report: Path, database: str) -> tuple[float, float]:
    """(seconds, peak MB of the importer process alone: its own ru_maxrss from wait4); logs
    the importer's own CPU time and the machine's load, which the wall time depends on."""
    argv = [common.PYTHON, "manage.py", "import_wordpress", str(path), "--report", str(report)]
    output = report.with_suffix(".txt")
    server = ServerCpu(database)
    server.start()
    started = time.monotonic()
    with output.open("w") as out:
        child = subprocess.Popen(argv, cwd=common.ROOT, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.monotonic() - started
    server.done.set()
    server.join()
    cpu = usage.ru_utime + usage.ru_stime
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    common.log(
        f"CPU time: importer {cpu:.0f} s + PostgreSQL {server.seconds:.0f} s = "
        f"{cpu + server.seconds:.0f} s, in {elapsed:.0f} s wall time; load average {load}"
    )
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in output.read_text().splitlines() if "Importing [" not in line]
    print("\n".join(lines[:30]))
    if child.returncode:
        raise RuntimeError(f"import_wordpress failed ({child.returncode}); see {output}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--database", default=DATABASE, help="scratch database (dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the export and database")
    args = parser.parse_args()
    common.VAR.mkdir(parents=True, exist_ok=True)
    export = common.VAR / f"wordpress-{args.posts}.xml"
    if not export.exists():
        common.log(f"generating {args.posts:,} posts into {export}")
        generate(export, args.posts)
    size = export.stat().st_size / 1e6
    common.log(f"export: {size:,.0f} MB")
    database = args.database
    common.database_drop(database)
    common.database_create(database)
    env = common.production_env(
        DATABASE_URL=common.database_url(database), MEDIA_ROOT=str(common.VAR / "media")
    )
    try:
        common.manage("migrate", "-v0", env=env)
        first, peak = timed_import(export, env, common.VAR / "wordpress-report.json", database)
        articles = int(
            common.sql("SELECT count(*) FROM articles_article", database=database)[0][0]
        )
        common.log(
            f"first import: {args.posts:,} posts, {articles:,} articles in {first:.0f} s = "
            f"{args.posts / first:,.0f} posts/s, {articles / first:,.0f} articles/s; "
            f"peak memory {peak:,.0f} MB"
        )
        second, peak = timed_import(export, env, common.VAR / "wordpress-report-2.json", database)
        common.log(f"second import (nothing changes): {second:.0f} s; peak {peak:,.0f} MB")
    finally:
        if not args.keep:
            common.database_drop(database)
            export.unlink(missing_ok=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
