"""The editors' desk login refuses password guessing (django-axes), and the lock can be lifted."""

import datetime
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from tests.factories import EDITOR_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def log_in(client: Client, password: str, username="desk", ip="203.0.113.7", **headers):
    data = {"username": username, "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR=ip, **headers)


def guess_wrong(client: Client, times: int, **kwargs):
    return [log_in(client, f"wrong-{n}", **kwargs).status_code for n in range(times)]


def is_logged_in(response) -> bool:
    return response.status_code == 302 and response.url == "/admin/"


def test_the_failure_limit_and_cool_off_come_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    env = {**os.environ, "LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "60"}
    command = [sys.executable, "manage.py", "shell", "-c", code]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == ["3", "1:00:00"]


def test_five_wrong_passwords_then_the_sixth_try_is_refused_even_with_the_right_one(editor):
    client = Client()
    assert guess_wrong(client, 4) == [200] * 4  # the login form again, with its error
    assert guess_wrong(client, 1) == [429]  # the fifth failure locks
    response = log_in(client, EDITOR_PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(response)
    page = response.text
    assert "Too many failed sign-in attempts" in page
    assert "for the next 15 minutes" in page
    assert '<main id="main"' in page  # in the site's layout, not a bare error


def test_the_lock_is_per_username_and_address(editor):
    guess_wrong(Client(), 5)
    assert is_logged_in(log_in(Client(), EDITOR_PASSWORD, ip="198.51.100.20"))
    User.objects.create_user("other", password="other-pass-word", is_staff=True)
    assert is_logged_in(log_in(Client(), "other-pass-word", username="other"))


def test_a_good_login_before_the_limit_clears_the_count(editor):
    guess_wrong(Client(), 4)
    assert is_logged_in(log_in(Client(), EDITOR_PASSWORD))
    assert guess_wrong(Client(), 4) == [200] * 4
    assert is_logged_in(log_in(Client(), EDITOR_PASSWORD))


def test_axes_reset_lifts_the_lock(editor):
    guess_wrong(Client(), 5)
    assert log_in(Client(), EDITOR_PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)
    assert is_logged_in(log_in(Client(), EDITOR_PASSWORD))


def test_the_lock_lifts_by_itself_after_the_cool_off(editor):
    guess_wrong(Client(), 5)
    assert log_in(Client(), EDITOR_PASSWORD).status_code == 429
    # Fifteen minutes and a second pass (the attempts are dated back rather than waited for).
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(minutes=15, seconds=1)
    )
    assert is_logged_in(log_in(Client(), EDITOR_PASSWORD))


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(editor):
    # A guesser who forges X-Forwarded-For still gets counted on its real address.
    for n in range(5):
        forged = f"10.0.0.{n}, 203.0.113.9"
        log_in(Client(), f"wrong-{n}", HTTP_X_FORWARDED_FOR=forged, ip="127.0.0.1")
    forged = "192.0.2.1, 203.0.113.9"
    response = log_in(Client(), EDITOR_PASSWORD, HTTP_X_FORWARDED_FOR=forged, ip="127.0.0.1")
    assert response.status_code == 429


PROXY = "127.0.0.1"  # REMOTE_ADDR of every request behind the documented proxy


def test_thirty_guesses_with_varied_forwarded_for_headers_are_locked(editor):
    # The attacker at 203.0.113.9 makes up a different left-most entry every time; the proxy
    # appends the address it saw, which is what is counted.
    codes = [
        log_in(
            Client(), f"wrong-{n}", ip=PROXY, HTTP_X_FORWARDED_FOR=f"10.{n}.0.1, 203.0.113.9"
        ).status_code
        for n in range(30)
    ]
    assert codes == [200] * 4 + [429] * 26
    honest = log_in(Client(), EDITOR_PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert honest.status_code == 429


def test_nobody_can_lock_out_an_editor_by_forging_their_address(editor):
    # The attacker (81.2.69.200) sends the editor's address; the proxy appends its own view.
    for n in range(10):
        forged = "81.2.69.160, 81.2.69.200"
        log_in(Client(), f"wrong-{n}", ip=PROXY, HTTP_X_FORWARDED_FOR=forged)
    editor_itself = log_in(Client(), EDITOR_PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR="81.2.69.160")
    assert is_logged_in(editor_itself)


def test_a_header_shaped_like_the_proxys_append_does_not_escape_a_lock(editor):
    guess_wrong(Client(), 5, ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for shaped in ["198.51.100.1", "198.51.100.1, 192.0.2.1", "unknown, 192.0.2.1"]:
        header = f"{shaped}, 203.0.113.9"
        response = log_in(Client(), EDITOR_PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=header)
        assert response.status_code == 429


def test_with_a_cdn_in_front_the_client_is_the_hop_before_it(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # CDN -> our proxy -> gunicorn
    for n in range(5):
        header = f"10.0.0.{n}, 203.0.113.9, 192.0.2.200"  # forged, client, CDN edge
        log_in(Client(), f"wrong-{n}", ip=PROXY, HTTP_X_FORWARDED_FOR=header)
    header = "198.51.100.1, 203.0.113.9, 192.0.2.201"
    response = log_in(Client(), EDITOR_PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert response.status_code == 429
