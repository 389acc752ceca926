"""Signals of the lowest layer, for any app to connect to."""

from django.dispatch import Signal

# Sent by /metrics at each scrape (monitoring/collectors.py). A receiver returns an iterable of
# prometheus_client metric families (GaugeMetricFamily, CounterMetricFamily) computed from its
# own tables, e.g. a feeds app's polls and failures or a link checker's results; so an app
# adds its figures to /metrics without the monitoring app knowing it exists.
metrics_collect = Signal()
