"""Reading /metrics as Prometheus would; the briefing to send comes from the subscribers' tests."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.subscribers.conftest import draft_briefing, published_briefing  # noqa: F401


def parse_metrics(text: str) -> dict[tuple, float]:
    """{(sample name, (label, value), ...): value} of a scrape."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, *sorted(sample.labels.items()))] = sample.value
    return samples


def total(samples: dict, name: str, **labels) -> float:
    """The sum of `name` over the samples whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, *items), v in samples.items() if n == name and wanted <= set(items))


@pytest.fixture
def scrape(client):
    def get(**headers) -> dict:
        response = client.get("/metrics", **headers)
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=")
        return parse_metrics(response.content.decode())

    return get
