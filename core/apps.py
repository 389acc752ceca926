from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide pieces that belong to no domain; imports none of the other apps."""

    name = "core"
    verbose_name = "Site"
