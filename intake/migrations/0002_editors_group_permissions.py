"""The "Editors" group works the intake: snapshots (view), feeds, the inbox."""

from django.db import migrations

from core.editors_group import editors_grant

CODENAMES = [
    "view_articlesnapshot",
    "add_feed", "change_feed", "delete_feed", "view_feed",
    "change_feeditem", "view_feeditem",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(*editors_grant("intake", CODENAMES))]
