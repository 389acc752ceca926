from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView

from articles.sitemaps import sitemaps as article_sitemaps
from briefing.sitemaps import sitemaps as briefing_sitemaps
from core.sitemaps import from_site_url
from monitoring.views import dashboard

sitemaps = from_site_url({**briefing_sitemaps, **article_sitemaps})

admin.site.site_header = f"{settings.SITE_NAME} — editorial desk"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Compose and publish"

urlpatterns = [
    path("admin/dashboard/", admin.site.admin_view(dashboard), name="dashboard"),
    path("admin/", admin.site.urls),
    # The mail provider's bounce and complaint webhooks (subscribers/webhooks.py).
    path("anymail/", include("subscribers.webhooks")),
    path(
        "sitemap.xml",
        cache_page(600)(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path("", include("linkhealth.urls")),
    path("", include("articles.urls")),
    path("", include("subscribers.urls")),
    path("", include("briefing.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
