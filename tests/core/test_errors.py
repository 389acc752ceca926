import json
import logging
import sys

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls_errors")]


@pytest.fixture
def reader(client):
    client.raise_request_exception = False
    return client


def test_server_error_shows_the_500_page_in_the_site_layout(reader):
    response = reader.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'class="site-header"' in html
    assert "exploded" not in html


def test_server_error_is_logged_as_one_json_line_with_the_request(reader, capsys):
    handler = logging.getLogger("django.request").handlers[0]
    handler.setStream(sys.stdout)  # capsys swaps sys.stdout for each test
    reader.get("/broken/?page=2", HTTP_USER_AGENT="pytest-reader")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    event = json.loads(lines[-1])
    assert event["level"] == "ERROR"
    assert event["logger"] == "django.request"
    assert event["method"] == "GET"
    assert event["path"] == "/broken/?page=2"
    assert event["status_code"] == 500
    assert event["user_agent"] == "pytest-reader"
    assert "RuntimeError: the editor's draft exploded" in event["exception"]
