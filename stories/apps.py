from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Same-story detection"

    def ready(self):
        from stories import signals  # noqa: F401  (connects the fingerprint signals)
