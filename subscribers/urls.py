from django.urls import path

from subscribers import views

app_name = "subscribers"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.subscribe_done, name="subscribe_done"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscription/<str:token>/", views.preferences, name="preferences"),
    path("subscription/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
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
