import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article

SEED_SLUG = (
    "leaked-us-military-document-reveals-russias-wagner-mercenary-group-tried-to-buy-weapons"
    "-from-nato-member"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The sidebar is cached briefly; every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    call_command("loaddata", "demo", verbosity=0)
    cache.clear()


@pytest.fixture
def seed_article(demo) -> Article:
    return Article.objects.get(pk=1)
