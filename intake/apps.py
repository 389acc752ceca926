from django.apps import AppConfig


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = "Intake"

    def ready(self):
        from core.signals import metrics_collect
        from intake.metrics import feed_figures

        metrics_collect.connect(feed_figures, dispatch_uid="intake")
