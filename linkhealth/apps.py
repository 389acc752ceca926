from django.apps import AppConfig


class LinkHealthConfig(AppConfig):
    name = "linkhealth"
    verbose_name = "Link health"

    def ready(self):
        from articles.page_sections import set_read_more_template
        from core.signals import metrics_collect
        from linkhealth.metrics import link_figures

        set_read_more_template("linkhealth/includes/read_more.html")
        metrics_collect.connect(link_figures, dispatch_uid="linkhealth")
