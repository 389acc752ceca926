from django.urls import path

from linkhealth.views import SnapshotView

app_name = "linkhealth"

urlpatterns = [
    path("articles/<slug:slug>/original/", SnapshotView.as_view(), name="snapshot"),
]
