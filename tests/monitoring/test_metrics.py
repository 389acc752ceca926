"""/metrics in one process: who may scrape it, and what it counts."""

import threading

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from core.signals import metrics_collect
from subscribers.models import Delivery, DeliveryEvent, Subscriber
from subscribers.services import briefing_send_create
from tests.core.test_health_worker import enqueued
from tests.factories import SourceFactory, SubscriberFactory
from tests.monitoring.conftest import parse_metrics, total

pytestmark = pytest.mark.django_db


def test_metrics_answer_loopback_on_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/metrics", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert b"# TYPE briefing_http_requests_total counter" in response.content


def test_metrics_are_refused_to_other_networks_and_to_requests_through_a_proxy(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_with_a_token_only_its_bearer_may_scrape(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
    )
    assert right.status_code == 200


def test_requests_are_counted_by_route_name_and_status(client, scrape, demo):
    before = scrape()
    client.get("/briefings/2024/09/01/")
    client.get("/briefings/2024/09/01/")
    client.get("/no-such-page/")
    after = scrape()

    def grew(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert grew("briefing_http_requests_total", route="briefing:briefing_day", status="200") == 2
    assert grew("briefing_http_requests_total", route="unmatched", status="404") == 1
    assert grew("briefing_http_request_duration_seconds_count", route="briefing:briefing_day") == 2
    day = {"route": "briefing:briefing_day"}
    assert grew("briefing_http_request_duration_seconds_bucket", le="+Inf", **day) == 2
    assert grew("briefing_http_request_duration_seconds_bucket", le="10.0", **day) == 2
    assert grew("briefing_http_request_duration_seconds_sum", **day) > 0
    assert grew("briefing_db_queries_total", route="briefing:briefing_day") >= 2
    assert grew("briefing_db_query_seconds_total", route="briefing:briefing_day") > 0
    # The second view of the day's page came from the readers' cache.
    assert grew("briefing_cache_lookups_total", cache="briefing", result="hit") >= 1


def test_with_metrics_disabled_requests_and_cache_lookups_are_not_counted(settings, demo):
    settings.METRICS_ENABLED = True
    before = parse_metrics(Client().get("/metrics").content.decode())
    settings.METRICS_ENABLED = False
    quiet = Client()
    assert quiet.get("/metrics").status_code == 404  # no middleware: /metrics is not answered
    quiet.get("/briefings/2024/09/01/")
    quiet.get("/briefings/2024/09/01/")
    settings.METRICS_ENABLED = True
    after = parse_metrics(Client().get("/metrics").content.decode())
    for name in ("briefing_http_requests_total", "briefing_cache_lookups_total"):
        assert total(after, name) == total(before, name), name


def test_product_gauges_come_from_the_database(scrape, published_briefing):
    SubscriberFactory.create_batch(3)
    SubscriberFactory(status=Subscriber.Status.BOUNCED, bounce_count=3)
    SubscriberFactory(status=Subscriber.Status.PENDING, confirmed_at=None)
    send, _ = briefing_send_create(briefing=published_briefing)
    Delivery.objects.filter(pk=send.deliveries.first().pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    samples = scrape()
    deliveries = "briefing_send_deliveries"
    assert total(samples, deliveries, send="2024-09-01", status="sent") == 1
    assert total(samples, deliveries, send="2024-09-01", status="pending") == 2
    assert total(samples, deliveries, send="2024-09-01", status="failed") == 0
    assert total(samples, "briefing_subscribers", status="active") == 3
    assert total(samples, "briefing_subscribers", status="bounced") == 1
    assert total(samples, "briefing_subscriber_events_last_24h", event="signup") == 5
    assert total(samples, "briefing_delivery_oldest_pending_age_seconds") >= 0
    assert total(samples, "briefing_send_rate_per_second") == pytest.approx(1 / 60)


def test_queue_depth_and_the_oldest_waiting_task_are_reported(scrape):
    enqueued(minutes_ago=6)
    enqueued(minutes_ago=0)
    samples = scrape()
    assert total(samples, "briefing_task_queue_depth", queue="default") == 2
    assert 360 <= total(samples, "briefing_task_oldest_waiting_age_seconds") < 420
    assert total(samples, "briefing_tasks_running") == 0


def test_another_app_adds_its_figures_through_the_metrics_collect_signal(scrape):
    """How an app (intake, link health) reports its figures without a dependency."""

    def app_figures(sender, **kwargs):
        family = GaugeMetricFamily("briefing_example_jobs", "Jobs.", labels=["result"])
        family.add_metric(["failed"], 2)
        return [family]

    metrics_collect.connect(app_figures)
    try:
        samples = scrape()
    finally:
        metrics_collect.disconnect(app_figures)
    assert total(samples, "briefing_example_jobs", result="failed") == 2


def test_requests_recorded_while_flushes_run_are_each_counted_once():
    """Two threads record requests while two others flush (the flushing thread and scrapes):
    every request reaches the counter once, none lost between a flush's take and its write."""
    from core import metrics

    route = "test:concurrent_flushes"
    counter = metrics.REQUESTS.labels(route, "GET", "200")
    queries = metrics.DB_QUERIES.labels(route)
    before, queries_before = counter._value.get(), queries._value.get()
    done = threading.Event()

    def record():
        for _ in range(20_000):
            metrics.record_request(route, "GET", 200, 0.001, 1, 0.0001)

    def flush():
        while not done.is_set():
            metrics.flush()

    recorders = [threading.Thread(target=record) for _ in range(2)]
    flushers = [threading.Thread(target=flush) for _ in range(2)]
    for thread in flushers + recorders:
        thread.start()
    for thread in recorders:
        thread.join()
    done.set()
    for thread in flushers:
        thread.join()
    metrics.flush()
    assert counter._value.get() - before == 40_000
    assert queries._value.get() - queries_before == 40_000


def test_feeds_their_polls_and_the_inbox_are_on_the_metrics(scrape, settings, free_port):
    """A poll that fails (nothing listens at the feed's address) is counted by the process
    that polled; the feeds' states and the inbox are read from the database."""
    from core import metrics
    from intake.models import Feed, FeedItem
    from intake.polling import feeds_poll

    settings.INTAKE_ALLOWED_HOSTS = ["127.0.0.1"]
    source = SourceFactory()
    before = scrape()
    broken = Feed.objects.create(source=source, url=f"http://127.0.0.1:{free_port()}/feed.xml")
    Feed.objects.create(source=source, url="https://example.org/old.xml", status="stopped")
    FeedItem.objects.create(feed=broken, guid="1", url="https://example.org/a", title="A",
                            published_at=timezone.now())  # fmt: skip
    assert feeds_poll()["errors"] == 1
    metrics.flush()
    after = scrape()
    polls = "briefing_feed_polls_total"
    assert total(after, polls, result="failed") - total(before, polls, result="failed") == 1
    assert total(after, "briefing_feeds", status="active") == 1
    assert total(after, "briefing_feeds", status="stopped") == 1
    assert total(after, "briefing_feeds_failing") == 1
    assert total(after, "briefing_feed_inbox_items") == 1


def test_bounces_and_complaints_from_the_provider_are_on_the_metrics(scrape):
    kinds = [DeliveryEvent.Type.COMPLAINED, DeliveryEvent.Type.BOUNCED, DeliveryEvent.Type.BOUNCED]
    for number, kind in enumerate(kinds):
        DeliveryEvent.objects.create(provider="postmark", event_id=str(number), type=kind)
    samples = scrape()
    assert total(samples, "briefing_provider_events", type="bounced") == 2
    assert total(samples, "briefing_provider_events_last_24h", type="complained") == 1
    assert total(samples, "briefing_provider_events", type="rejected") == 0


def test_a_process_of_many_handlers_leaves_one_query_timer_on_the_connection():
    """The test client builds a handler (and a metrics middleware) per client, and a live
    server a thread per request on one shared connection: the connection keeps one timer, and
    the requests' queries are still counted."""
    from django.db import connection

    from core import metrics

    route = "articles:article_list"
    queries = metrics.DB_QUERIES.labels(route)
    metrics.flush()
    before = queries._value.get()
    for _ in range(50):
        assert Client().get("/articles/").status_code == 200
    threads = [threading.Thread(target=lambda: Client().get("/articles/")) for _ in range(5)]
    for thread in threads:
        thread.start()
        thread.join()
    metrics.flush()
    assert sum(isinstance(w, metrics.QueryTimer) for w in connection.execute_wrappers) == 1
    assert queries._value.get() - before >= 55


def test_the_requests_of_a_thread_that_ended_are_counted_once():
    from core import metrics

    route = "test:ended_thread"
    counter = metrics.REQUESTS.labels(route, "GET", "200")
    before = counter._value.get()

    def record():
        for _ in range(100):
            metrics.record_request(route, "GET", 200, 0.001, 0, 0.0)

    threads = [threading.Thread(target=record) for _ in range(3)]
    for thread in threads:
        thread.start()
        thread.join()
    metrics.flush()
    metrics.flush()
    assert counter._value.get() - before == 300
    assert not any(t.thread in threads for t in metrics.pending.threads)  # let go of
