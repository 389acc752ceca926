import re

import pytest

pytestmark = pytest.mark.django_db


def test_security_headers_on_a_page(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert 'href="/briefings/"' in html


def test_static_files_are_served_hashed_with_far_future_caching(client):
    page = client.get("/").content.decode()
    css_url = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    response = client.get(css_url)
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://briefing.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: https://briefing.example.org/sitemap.xml" in response.content.decode()
