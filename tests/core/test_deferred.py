"""Derived updates run once per request or batch, after the work they follow, and are never
lost: not when the request fails after committing, not when one of them fails."""

import logging

import pytest

from core import deferred
from tests.factories import ArticleFactory, briefing_of

pytestmark = pytest.mark.django_db


def test_each_handler_runs_once_with_every_key_at_the_end_of_a_batch():
    calls = []

    def remember(keys):
        calls.append(keys)

    with deferred.batch():
        deferred.run_once(remember, [1])
        with deferred.batch():  # nested: the outer batch runs it
            deferred.run_once(remember, [2, 3])
        assert calls == []
    assert calls == [frozenset({1, 2, 3})]


def test_outside_a_batch_a_handler_runs_at_once():
    calls = []
    deferred.run_once(calls.append, [7])
    assert calls == [frozenset({7})]


def test_a_failing_handler_is_logged_and_the_others_still_run(caplog):
    calls = []

    def broken(keys):
        raise RuntimeError("the search index is away")

    with caplog.at_level(logging.ERROR, logger="core.deferred"), deferred.batch():
        deferred.run_once(broken)
        deferred.run_once(calls.append, ["cache"])
    assert calls == [frozenset({"cache"})]
    assert "derived update" in caplog.text and "the search index is away" in caplog.text


def test_the_handlers_run_when_the_block_fails_after_committing():
    calls = []
    with pytest.raises(RuntimeError), deferred.batch():
        deferred.run_once(calls.append, ["committed work"])
        raise RuntimeError("failed later")
    assert calls == [frozenset({"committed work"})]


@pytest.mark.urls("tests.core.urls_errors")
def test_a_request_that_fails_after_saving_leaves_readers_the_saved_version(client):
    article = ArticleFactory(title="Old headline")
    briefing_of([article])
    assert "Old headline" in client.get("/").content.decode()  # now in the page cache
    client.raise_request_exception = False

    failed = client.get(f"/retitle-then-fail/{article.pk}/", {"title": "Corrected headline"})

    assert failed.status_code == 500
    page = client.get("/").content.decode()
    assert "Corrected headline" in page and "Old headline" not in page
