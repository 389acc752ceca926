"""Search entries, listing entries and "did you mean" words (articles/entries.py), filled
from the archive; the wide table's GIN index, which nothing reads any more, goes."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

BATCH = 20_000


def create_search_entries(apps, schema_editor):
    from articles.entries import create_tables_sql

    schema_editor.execute(create_tables_sql())


def fill(apps, schema_editor):
    from articles.entries import VECTOR_INDEX_SQL, entries_refresh, search_words_refresh

    Article = apps.get_model("articles", "Article")
    schema_editor.execute("SET statement_timeout = 0")  # a batch job, not a request
    schema_editor.execute("DROP INDEX searchentry_vector")  # built once, after the rows
    published = Article.objects.filter(status="published").order_by("published_at", "id")
    ids = list(published.values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        entries_refresh(ids[start : start + BATCH])
    schema_editor.execute("SET maintenance_work_mem = '256MB'")  # the GIN index built in memory
    schema_editor.execute(VECTOR_INDEX_SQL)
    search_words_refresh()
    # The plan of each search starts from PostgreSQL's estimate: statistics from the start.
    schema_editor.execute("ANALYZE articles_searchentry, articles_listingentry")


class Migration(migrations.Migration):
    atomic = False  # a large archive fills in batches, each committed

    dependencies = [
        ("articles", "0007_excerpt_paragraphs_without_leading_space"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="ListingEntry",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "kind",
                        "owner_id",
                        "published_at",
                        "article",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),  # noqa: E501
                (
                    "kind",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Source"), (2, "Author"), (3, "Tag")]
                    ),
                ),  # noqa: E501
                ("owner_id", models.BigIntegerField()),
                ("published_at", models.DateTimeField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),  # noqa: E501
            ],
            options={"verbose_name_plural": "listing entries"},
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "article",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="articles.article",
                            ),
                        ),  # noqa: E501
                        ("published_at", models.DateTimeField()),
                        ("original_date", models.DateField()),
                        ("vector", django.contrib.postgres.search.SearchVectorField()),
                        (
                            "source",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="articles.source",
                            ),
                        ),  # noqa: E501
                    ],
                    options={"verbose_name_plural": "search entries"},
                ),
            ],
            database_operations=[migrations.RunPython(create_search_entries, elidable=False)],
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("articles", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GistIndex(
                        django.contrib.postgres.indexes.OpClass("word", name="gist_trgm_ops"),
                        name="search_word_trigram",
                    )
                ],  # noqa: E501
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS article_search_vector_gin",
            "CREATE INDEX IF NOT EXISTS article_search_vector_gin "
            "ON articles_article USING GIN (search_vector)",
        ),
    ]
