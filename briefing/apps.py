from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "briefing"
    verbose_name = "Daily briefings"

    def ready(self):
        from articles.page_sections import add_article_page_section
        from briefing import signals  # noqa: F401  (connects the cache's receivers)

        add_article_page_section("briefing/includes/article_briefings.html", order=10)
