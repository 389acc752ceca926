"""The "Editors" group: manage articles, sources, authors and tags; nothing about subscribers.

Permissions are normally created after migrations run, so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "articles": ["article", "source", "author", "articleauthor"],
    "taggit": ["tag", "taggeditem"],
}


def create_editors(apps, schema_editor):
    for label in EDITOR_MODELS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    for label, models in EDITOR_MODELS.items():
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=label, content_type__model__in=models
            )
        )


def remove_article_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label__in=list(EDITOR_MODELS))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_search_vector_gin_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_editors, remove_article_permissions)]
