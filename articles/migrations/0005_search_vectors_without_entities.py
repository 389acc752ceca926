"""Recompute every stored search vector with the one definition of an article's text
(articles.search.document_sql), which leaves character entities (&amp;, &nbsp;) out: vectors
stored before it held them as words ("amp", "nbsp"), and fingerprints are read from them."""

from django.db import migrations

BATCH = 10_000


def recompute(apps, schema_editor):
    # The current definition on purpose: the point is to match what saves now compute.
    from articles.search import update_search_vectors

    Article = apps.get_model("articles", "Article")
    last = Article.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for start in range(1, last + 1, BATCH):
        update_search_vectors(id_range=(start, start + BATCH), entries=False)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_published_recent_index")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
