"""Reading /metrics as Prometheus would; the briefing to send comes from the subscribers' tests."""

import datetime

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from subscribers.models import Delivery, Subscriber
from subscribers.services import briefing_send_create
from tests.factories import ArticleFactory, SourceFactory, SubscriberFactory
from tests.quality.test_accessibility import axe_path, browser_context_args  # noqa: F401
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


@pytest.fixture
def activity(published_briefing):  # noqa: F811
    """A month of a small list's life: signups, a send with a failure, a week's articles."""
    now = timezone.now()
    for n in range(4):
        SubscriberFactory(email=f"private{n}@example.org", name=f"Private Person {n}")
    gone = SubscriberFactory(email="leaver@example.org", name="Lee Leaver")
    Subscriber.objects.filter(pk=gone.pk).update(status="unsubscribed", unsubscribed_at=now)
    send, _ = briefing_send_create(briefing=published_briefing)
    deliveries = list(send.deliveries.order_by("pk"))
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries[:3]]).update(status="sent")
    Delivery.objects.filter(pk=deliveries[3].pk).update(status="failed")
    wire = SourceFactory(name="Wire Service")
    ArticleFactory.create_batch(3, source=wire, published_at=now - datetime.timedelta(days=1))
    return send
