import pytest
from django.db import connection


def test_healthz_is_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_with_a_reason_when_the_database_is_unreachable(client, free_port):
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert "database unreachable" in body["reason"]


def test_healthz_answers_any_host_over_plain_http(client, db, settings):
    """A container HEALTHCHECK calls 127.0.0.1 over HTTP while production expects its own
    host name over HTTPS: /healthz must not be redirected or refused."""
    settings.ALLOWED_HOSTS = ["briefing.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
