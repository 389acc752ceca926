from django.urls import path, register_converter

from subscribers import views


class TokenConverter:
    """A subscriber's token (secrets.token_urlsafe): anything else is a 404, not a query."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SignedConverter(TokenConverter):
    """A signed confirmation token (django.core.signing: URL-safe base64, ':' and '.')."""

    regex = "[A-Za-z0-9_:.-]{1,500}"


register_converter(TokenConverter, "token")
register_converter(SignedConverter, "signed")

app_name = "subscribers"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.subscribe_done, name="subscribe_done"),
    path("subscribe/confirm/<signed:token>/", views.confirm, name="confirm"),
    path("subscription/<token:token>/", views.preferences, name="preferences"),
    path("subscription/<token:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path(
        "subscribers/briefings/<int:pk>/email.html",
        views.email_preview_html,
        name="email_preview_html",
    ),
    path(
        "subscribers/briefings/<int:pk>/email.txt",
        views.email_preview_text,
        name="email_preview_text",
    ),
    path(
        "subscribers/briefings/<int:pk>/send-test/",
        views.send_test_email,
        name="send_test_email",
    ),
]
