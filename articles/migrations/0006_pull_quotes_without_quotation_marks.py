"""Pull quotes are stored without the quotation marks editors typed around them."""

from django.db import migrations, models

from core.text import without_surrounding_quotes


def strip_quotes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    changed = []
    for article in Article.objects.exclude(pull_quote="").only("pk", "pull_quote").iterator():
        stripped = without_surrounding_quotes(article.pull_quote)
        if stripped != article.pull_quote:
            article.pull_quote = stripped
            changed.append(article)
    Article.objects.bulk_update(changed, ["pull_quote"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_vectors_without_entities"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="pull_quote",
            field=models.TextField(
                blank=True,
                help_text="Plain text, without quotation marks: readers see it in quotation marks.",
            ),
        ),
        migrations.RunPython(strip_quotes, migrations.RunPython.noop, elidable=True),
    ]
