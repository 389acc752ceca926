"""The "Editors" group gets every briefing permission (the articles app creates the same group)."""

from django.db import migrations

from core.editors_group import editors_grant


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0002_alter_briefingentry_section"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editors_grant("briefing"))]
