"""A backup (deploy/backup.sh) restored into a fresh database (deploy/restore.sh) serves the
same site: same pages, same rows."""

import re
import secrets
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from articles.models import Article
from briefing.models import Briefing
from tests.db import client_tools_path, database_url

pytestmark = pytest.mark.django_db(transaction=True)

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def site_as_seen(pages: list[str]) -> dict[str, str]:
    cache.clear()
    client = Client()
    seen = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # A CSRF token is new on every page: everything else must be identical.
        seen[url] = re.sub(r'value="[^"]{64}"', "", response.text)
    return seen


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables")
        tables = sorted(name for name, _ in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (catalog names)
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(4)}"
    yield name
    admin_url = database_url("postgres")
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    subprocess.run(
        ["psql", admin_url, "-Xqc", drop], env={"PATH": client_tools_path()}, check=True
    )


def test_a_restored_backup_serves_the_same_pages(demo, tmp_path, restored_name):
    original = connection.settings_dict["NAME"]
    pages = ["/", "/briefings/2024/09/01/", Article.objects.get(pk=1).get_absolute_url()]
    pages += ["/sitemap.xml", "/search/?q=Wagner", "/tags/russia/"]
    before, counts_before = site_as_seen(pages), row_counts()
    assert Briefing.objects.published().exists()

    dump = tmp_path / "briefing.dump"
    env = {"PATH": client_tools_path(), "DATABASE_URL": database_url(original)}
    backup = subprocess.run(
        [DEPLOY / "backup.sh", dump], env=env, capture_output=True, text=True, check=True
    )
    assert backup.stdout.strip() == str(dump)
    restore = [DEPLOY / "restore.sh", dump, database_url(restored_name)]
    subprocess.run(restore, env=env, capture_output=True, text=True, check=True)

    connection.close()
    connection.settings_dict["NAME"] = restored_name
    try:
        after, counts_after = site_as_seen(pages), row_counts()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
    assert counts_after == counts_before
    assert after == before


def test_restore_refuses_a_database_that_already_has_tables(tmp_path):
    dump = tmp_path / "briefing.dump"
    env = {"PATH": client_tools_path(), "DATABASE_URL": database_url()}
    subprocess.run([DEPLOY / "backup.sh", dump], env=env, capture_output=True, check=True)
    restore = [DEPLOY / "restore.sh", dump, env["DATABASE_URL"]]
    done = subprocess.run(restore, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "already has" in done.stderr and "restore into a new one" in done.stderr
