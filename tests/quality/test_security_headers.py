"""Every app's pages carry the security headers a browser needs to protect readers and editors."""

import pytest

from tests.factories import EDITOR_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(demo):
    from articles.models import Article

    return {
        "briefing (home)": "/",
        "briefing (day)": "/briefings/2024/09/01/",
        "articles": Article.objects.get(pk=1).get_absolute_url(),
        "search": "/search/?q=Wagner",
        "subscribers": "/subscribe/",
        "admin login": "/admin/login/",
        "not found": "/no-such-page/",
    }


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {name: values for name, *values in parts}


def test_every_app_sends_a_content_security_policy_without_inline_scripts(client, pages):
    for name, url in pages.items():
        directives = csp_directives(client.get(url))
        script_src = directives.get("script-src", directives["default-src"])
        assert "'unsafe-inline'" not in script_src, name
        assert "'unsafe-eval'" not in script_src, name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["base-uri"] == ["'self'"], name
        assert directives["form-action"] == ["'self'"], name


def test_every_app_sends_the_other_protective_headers(client, pages):
    for name, url in pages.items():
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", name
        permissions = headers["Permissions-Policy"]
        for feature in ["camera=()", "microphone=()", "geolocation=()"]:
            assert feature in permissions, name


def test_https_responses_carry_hsts_for_a_year_with_subdomains(client, pages):
    for name, url in pages.items():
        hsts = client.get(url, secure=True).headers["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts, name
        assert "includeSubDomains" in hsts, name


def test_behind_the_proxy_an_https_request_gets_hsts(client):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_plain_http_gets_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_with_https_on_plain_http_is_redirected_and_cookies_are_secure(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/subscribe/")
    assert response.status_code == 301
    assert response.url == "https://testserver/subscribe/"
    response = client.get("/subscribe/", secure=True)
    assert response.cookies["csrftoken"]["secure"]


def test_the_editors_session_cookie_is_out_of_reach_of_scripts(client, editor):
    data = {"username": editor.username, "password": EDITOR_PASSWORD}
    response = client.post("/admin/login/?next=/admin/", data)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
