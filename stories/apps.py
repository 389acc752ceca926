from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Same-story detection"

    def ready(self):
        from articles.page_sections import add_article_page_section
        from stories import signals  # noqa: F401  (connects the fingerprint signals)

        add_article_page_section("stories/includes/other_coverage.html", order=20)
