"""The "Editors" group's permissions, as each app's data migration grants them."""

from django.contrib.auth.management import create_permissions


def editors_grant(app_label: str, codenames: list[str] | None = None) -> tuple:
    """RunPython's (forwards, backwards) pair: the Editors group gets `codenames` of
    `app_label` (every permission of the app when None), and loses them when reversed."""

    def permissions(apps):
        Permission = apps.get_model("auth", "Permission")
        found = Permission.objects.filter(content_type__app_label=app_label)
        return found if codenames is None else found.filter(codename__in=codenames)

    def grant(apps, schema_editor):
        # Permissions are normally created after all migrations; make sure they exist now.
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # create_permissions skips apps without a models module
        create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
        editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Editors")
        editors.permissions.add(*permissions(apps))

    def revoke(apps, schema_editor):
        for editors in apps.get_model("auth", "Group").objects.filter(name="Editors"):
            editors.permissions.remove(*permissions(apps))

    return grant, revoke
