"""Production hardening (issue 12, item 13 and 14): what gunicorn sends and logs, what the
settings refuse, the addresses pages name, and what the image holds."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.db import database_url
from tests.factories import ArticleFactory, SubscriberFactory

ROOT = Path(__file__).resolve().parents[2]
PYTEST_ENV = {"SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}


def clean_env(**overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PYTEST_ENV | {"SITE_URL"}}
    return {**env, "DJANGO_SETTINGS_MODULE": "config.settings", **overrides}


# --- Production refuses to start without DATABASE_URL and SITE_URL ------------------------------


@pytest.mark.parametrize("missing", ["DATABASE_URL", "SITE_URL"])
def test_gunicorns_application_refuses_to_load_without(missing):
    env = clean_env(
        DEBUG="false",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/nothing",
        SITE_URL="https://briefing.example.org",
    )
    del env[missing]
    for entry in ("config.wsgi", "config.asgi", "config.production"):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import runpy; runpy.run_module('{entry}', run_name='__main__')",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0, entry
        assert f"refuses to start without {missing}" in result.stderr


def test_gunicorns_application_loads_with_both_and_development_needs_neither():
    production = clean_env(
        DEBUG="false",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/nothing",
        SITE_URL="https://briefing.example.org",
    )
    for env in (production, clean_env(DEBUG="true")):
        result = subprocess.run(
            [sys.executable, "-c", "import config.wsgi"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr


# --- gunicorn: no Server header, one JSON object per access line, tokens masked ------------------


@pytest.fixture
def gunicorn(free_port, tmp_path, db):
    port = free_port()
    env = clean_env(
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://briefing.example.org",
        DATABASE_URL=database_url(),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-c",
                "gunicorn.conf.py",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(f"{base}/healthz").close()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.2)
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def fetch(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)  # noqa: S310 (http on loopback)
    except urllib.error.HTTPError as error:
        return error


def test_gunicorn_sends_no_server_header(gunicorn):
    base, _ = gunicorn
    response = fetch(f"{base}/healthz")
    assert response.status == 200
    assert response.headers.get("Server") is None


def test_access_lines_stay_one_json_object_with_newlines_nuls_and_quotes_in_the_path(gunicorn):
    base, log = gunicorn
    token = secrets.token_urlsafe(32)
    for path in [
        f"/subscription/{token}/",
        f"/subscription/{token}/unsubscribe/",
        f"/subscribe/confirm/{token}:abc/",
        '/x%0A{"forged":1}%00%22/',
        "/%0D%0Ay/",
    ]:
        fetch(base + path)
    time.sleep(0.5)  # the access line is written after the response
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [e for e in events if e.get("logger") == "gunicorn.access"]
    assert len(access) >= 6
    assert not any("forged" in e for e in events)
    assert token not in log.read_text()
    assert any(e["path"] == "/subscription/[token]/" for e in access)
    assert any(e["path"] == "/subscribe/confirm/[token]/" for e in access)


def test_djangos_own_log_masks_tokens_too(client, caplog, db):
    token = secrets.token_urlsafe(32)
    client.get(f"/subscription/{token}/")
    from config.logging import JSONFormatter

    formatted = [JSONFormatter().format(record) for record in caplog.records]
    assert formatted
    assert not any(token in line for line in formatted)


# --- Pages that show an address are kept by no cache -----------------------------------------


def test_pages_with_a_subscribers_address_are_private_and_not_stored(client, db):
    subscriber = SubscriberFactory()
    from subscribers.tokens import confirm_token_make

    pending = SubscriberFactory(status="pending", confirmed_at=None)
    for url in [
        subscriber.get_absolute_url(),
        subscriber.get_unsubscribe_url(),
        f"/subscribe/confirm/{confirm_token_make(subscriber=pending)}/",
    ]:
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


# --- Canonical links, og:url and sitemaps from SITE_URL -----------------------------------------


def test_canonical_og_url_and_sitemap_name_site_url_whatever_the_host(client, settings, db):
    settings.ALLOWED_HOSTS = ["briefing.example.org", "evil.example"]
    settings.SITE_URL = "https://briefing.example.org"
    article = ArticleFactory()
    page = client.get(article.get_absolute_url(), HTTP_HOST="evil.example").text
    expected = f"https://briefing.example.org{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{expected}">' in page
    assert f'<meta property="og:url" content="{expected}">' in page
    sitemap = client.get("/sitemap.xml", HTTP_HOST="evil.example").text
    assert f"<loc>{expected}</loc>" in sitemap
    assert "evil.example" not in page + sitemap


# --- The image ---------------------------------------------------------------------------------


def test_the_image_leaves_out_backups_env_files_and_var():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for pattern in ("backups/", "*.env", "var"):
        assert pattern in ignored


def test_the_images_code_is_not_writable_by_the_runtime_user():
    runtime = (ROOT / "Dockerfile").read_text().rsplit("\nFROM ", 1)[1]
    copies = [line for line in runtime.splitlines() if line.startswith("COPY")]
    assert copies and not any("--chown" in line for line in copies)
    chowned = [line for line in runtime.splitlines() if "chown" in line]
    assert all("/app/var" in line for line in chowned)
    assert "USER briefing" in runtime
