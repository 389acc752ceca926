"""The "Editors" group works the intake: snapshots (view), feeds, the inbox."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_articlesnapshot",
    "add_feed", "change_feed", "delete_feed", "view_feed",
    "change_feeditem", "view_feeditem",
]  # fmt: skip


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("intake")
    app_config.models_module = True  # create_permissions skips apps without a models module
    create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="intake", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="intake"))


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
