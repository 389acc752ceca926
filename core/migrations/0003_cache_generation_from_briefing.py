"""The page cache's generation moves from the briefing app to core (every reader page uses it).
State only: the table stays `briefing_cachegeneration`, made by briefing's 0004."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_site_settings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CacheGeneration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("value", models.PositiveBigIntegerField(default=1)),
                    ],
                    options={"db_table": "briefing_cachegeneration"},
                ),
            ],
            database_operations=[],
        ),
    ]
