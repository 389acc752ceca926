from django.apps import AppConfig


class WordpressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wordpress"
    verbose_name = "Moving in from WordPress"
