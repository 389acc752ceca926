"""Excerpts' paragraphs no longer open with a space (often a pasted no-break space)."""

from django.db import migrations

from core.sanitize import LEADING_SPACE

# The rows to look at, found by the database: the same openings LEADING_SPACE removes.
OPENS_WITH_SPACE = "<(p|li|h[2-4]|blockquote)(\\s[^>]*)?>(\\s|&nbsp;|&#160;|\u00a0)"


def strip_leading_spaces(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    changed = []
    for article in Article.objects.filter(excerpt__regex=OPENS_WITH_SPACE).only("excerpt"):
        article.excerpt = LEADING_SPACE.sub(r"\1", article.excerpt)
        changed.append(article)
    Article.objects.bulk_update(changed, ["excerpt"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_pull_quotes_without_quotation_marks"),
    ]

    operations = [
        migrations.RunPython(strip_leading_spaces, migrations.RunPython.noop, elidable=True),
    ]
