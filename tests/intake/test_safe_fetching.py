"""The desk fetches only public web pages, within limits, and says plainly what went wrong."""

import pytest
from django.core.management import CommandError, call_command

from intake.fetch import FetchError, fetch
from intake.services import intake_from_url
from tests.intake.conftest import Answer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/"]
)
def test_only_http_and_https_addresses_are_fetched(url):
    with pytest.raises(FetchError, match="Only http:// and https://"):
        fetch(url)


def test_a_loopback_address_is_refused_unless_its_host_is_allowed(web, settings):
    url = web.page("/story")
    settings.INTAKE_ALLOWED_HOSTS = []
    with pytest.raises(FetchError, match="internal address"):
        fetch(url)
    assert web.requests == []  # refused before connecting
    settings.INTAKE_ALLOWED_HOSTS = ["127.0.0.1"]
    assert fetch(url).status == 200


@pytest.mark.parametrize(
    "internal",
    [
        "http://localhost:{port}/admin/",  # loopback under another name
        "http://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
        "http://10.0.0.7/",  # private
        "http://[::1]:{port}/",  # IPv6 loopback
        "http://0.0.0.0:{port}/",
    ],
)
def test_a_redirect_to_an_internal_address_is_refused_at_that_hop(web, internal):
    target = internal.format(port=web.port)
    web.routes["/moved"] = Answer(301, headers={"Location": target})
    with pytest.raises(FetchError, match="internal address"):
        fetch(web.url("/moved"))
    assert [path for path, _headers in web.requests] == ["/moved"]


def test_redirects_between_allowed_pages_are_followed_and_the_final_address_kept(web):
    web.page("/final")
    web.routes["/short"] = Answer(302, headers={"Location": "/final"})
    page = fetch(web.url("/short"))
    assert page.url == web.url("/final")
    assert b"sea wall" in page.body


def test_endless_redirects_stop(web):
    web.routes["/loop"] = Answer(302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirects more than"):
        fetch(web.url("/loop"))


def test_the_request_names_the_site_in_its_user_agent(web, settings):
    settings.SITE_NAME = "Morning Digest"
    fetch(web.page("/story"))
    _path, headers = web.requests[0]
    assert "Morning Digest" in headers["User-Agent"]


def test_a_slow_server_times_out_with_a_clear_error(web, settings):
    settings.INTAKE_TIMEOUT = 0.3
    web.page("/slow", delay=2)
    with pytest.raises(FetchError, match="took longer than 0.3 seconds"):
        fetch(web.url("/slow"))


def test_a_page_over_the_size_cap_is_refused(web, settings):
    settings.INTAKE_MAX_BYTES = 1024 * 1024
    web.page("/huge", body=b"<p>" + b"x" * (2 * 1024 * 1024) + b"</p>")
    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetch(web.url("/huge"))


def test_a_site_that_refuses_connections_is_reported(web, free_port, settings):
    with pytest.raises(FetchError, match="refused the connection"):
        fetch(f"http://127.0.0.1:{free_port()}/")


def test_an_unknown_host_name_is_reported():
    with pytest.raises(FetchError, match="could not be found"):
        fetch("http://no-such-host.invalid/")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(404, b"gone"), r"not found \(HTTP 404\)"),
        (Answer(403, b"no"), r"login or paywall"),
        (Answer(500, b"oops"), r"error \(HTTP 500\)"),
        (Answer(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}), "not a web page"),
        (
            Answer(200, b"<html><body><p>Menu</p><p>Contact</p></body></html>"),
            "does not look like an article",
        ),
        (
            Answer(
                200,
                b'<html><body><h1>Subscribers only</h1><form><input type="password">'
                b"</form><p>Already a subscriber? Log in to continue reading.</p></body></html>",
            ),
            "login or subscription page",
        ),
    ],
)
def test_each_failure_has_its_own_message(web, answer, message):
    web.routes["/page"] = answer
    with pytest.raises(FetchError, match=message):
        intake_from_url(web.url("/page"))


def test_the_command_reports_a_refused_address_as_an_error(settings):
    settings.INTAKE_ALLOWED_HOSTS = []
    with pytest.raises(CommandError, match="internal address"):
        call_command("import_article", "http://127.0.0.1:9/x", "--dry-run")
