"""The page cache's generation now belongs to core (core 0003); its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0004_cache_generation"),
        ("core", "0003_cache_generation_from_briefing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CacheGeneration")],
            database_operations=[],
        ),
    ]
