"""The "Editors" group sees the link-health page and may ask for links to be checked again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("linkhealth")
    app_config.models_module = True  # create_permissions skips apps without a models module
    create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="linkhealth", codename="view_articlelink"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("linkhealth", "0001_link_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
