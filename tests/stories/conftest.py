"""Stories test data: the seed pair (demo fixture) and hard negatives from the evaluation set."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.html import escape

from articles.models import Article, Source

PAIRS = Path(__file__).resolve().parents[2] / "stories" / "evaluation" / "pairs.json"


def evaluation_article(title: str) -> dict:
    for pair in json.loads(PAIRS.read_text())["pairs"]:
        for side in ("a", "b"):
            if pair[side]["title"] == title:
                return pair[side]
    raise LookupError(title)


def archive(data: dict, **fields) -> Article:
    """An article of the evaluation set, saved as an editor would (signals run)."""
    source, _ = Source.objects.get_or_create(
        name=data["outlet"], defaults={"slug": data["outlet"].lower().replace(" ", "-")}
    )
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in data["text"].split("\n\n"))
    values = {
        "title": data["title"],
        "slug": data["url"].rstrip("/").rsplit("/", 1)[-1][:50],
        "source": source,
        "original_date": datetime.date.fromisoformat(data["date"]),
        "original_url": data["url"],
        "excerpt": paragraphs,
        "status": Article.Status.PUBLISHED,
    }
    return Article.objects.create(**{**values, **fields})


@pytest.fixture
def seed_pair(db):
    """The CNN article (pk 1) and IntegrityPress's rewrite of it (pk 2)."""
    call_command("loaddata", "demo.json", verbosity=0)
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


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("desk", "desk@example.org", "pw")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
