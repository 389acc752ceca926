import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached briefing (the cache outlives a test's transaction)."""
    cache.clear()
    yield
    cache.clear()
