from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = "Subscribers"

    def ready(self):
        from subscribers import signals, webhooks  # noqa: F401  (connects the receivers)
