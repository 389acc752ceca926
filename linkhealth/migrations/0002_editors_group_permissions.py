"""The "Editors" group sees the link-health page and may ask for links to be checked again."""

from django.db import migrations

from core.editors_group import editors_grant


class Migration(migrations.Migration):
    dependencies = [
        ("linkhealth", "0001_link_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editors_grant("linkhealth", ["view_articlelink"]))]
