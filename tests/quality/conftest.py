"""Shared setup of the quality tests: cheap password hashing, an empty cache, the demo data."""

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Login tests hash many passwords; the production hasher would spend seconds on each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Reader pages are cached and the cache outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo archive: the seed CNN article and its rewrite, and the briefing of 2024-09-01."""
    call_command("loaddata", "demo", "demo_briefings", verbosity=0)
    cache.clear()
