"""The search entries' vectors hold their articles' tags (`tag:<id>` lexemes,
articles/entries.py), so that a tag filter is part of the text query."""

from django.db import migrations


def add_tag_lexemes(apps, schema_editor):
    from articles.entries import VECTOR_INDEX_SQL, tag_lexemes_sql

    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is None:
        return  # a new database: nothing is tagged yet
    schema_editor.execute("SET statement_timeout = 0")  # a batch job, not a request
    schema_editor.execute("DROP INDEX searchentry_vector")  # built once, after the rows
    schema_editor.execute(
        f"""
        UPDATE articles_searchentry AS e SET vector = e.vector || t.lexemes
        FROM (
            SELECT object_id, {tag_lexemes_sql("tag_id")} AS lexemes
            FROM taggit_taggeditem WHERE content_type_id = %s GROUP BY object_id
        ) AS t
        WHERE e.article_id = t.object_id
        """,  # noqa: S608 (constants only; the content type goes in as a parameter)
        [content_type.pk],
    )
    schema_editor.execute("SET maintenance_work_mem = '256MB'")  # the GIN index built in memory
    schema_editor.execute(VECTOR_INDEX_SQL)
    schema_editor.execute("ANALYZE articles_searchentry")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0008_search_entries_listing_entries_search_words"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        # Older code ignores the extra lexemes: nothing to undo.
        migrations.RunPython(add_tag_lexemes, migrations.RunPython.noop),
    ]
