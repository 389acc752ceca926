from django.apps import AppConfig


class LinkHealthConfig(AppConfig):
    name = "linkhealth"
    verbose_name = "Link health"

    def ready(self):
        from articles.page_sections import set_read_more_template

        set_read_more_template("linkhealth/includes/read_more.html")
