"""Stories test data: the seed pair (demo fixture) and hard negatives from the evaluation set."""

import pytest

from articles.models import Article
from tests.factories import archive, evaluation_article


@pytest.fixture
def seed_pair(demo_archive):
    """The CNN article (pk 1) and IntegrityPress's rewrite of it (pk 2)."""
    return Article.objects.get(pk=1), Article.objects.get(pk=2)


@pytest.fixture
def wagner_in_mali(db):
    """Same people (Wagner), different event: the UN report on the Moura killings."""
    return archive(
        evaluation_article("UN Report: Malian Troops and Foreign Fighters Killed 500 in Moura")
    )


@pytest.fixture
def grain_deal(db):
    """Same country (Turkey), same war, different event: the grain deal's extension."""
    return archive(evaluation_article("Black Sea Grain Deal Extended, Erdogan Announces"))
