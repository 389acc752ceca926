from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide pieces that belong to no domain; imports none of the other apps."""

    name = "core"
    verbose_name = "Site"

    def ready(self):
        from django.contrib import admin

        from core import site_settings  # noqa: F401  (its cache is forgotten on save)
        from core.admin_widgets import LabelledAutocompleteJsonView

        # Every picker of the desk labels its results as the widgets label chosen values.
        admin.site.autocomplete_view = lambda request: LabelledAutocompleteJsonView.as_view(
            admin_site=admin.site
        )(request)
