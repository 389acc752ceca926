from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "briefing"
    verbose_name = "Daily briefings"

    def ready(self):
        from briefing import signals  # noqa: F401  (connects the cache's receivers)
