"""The editors' briefing form: a hidden version number guards against silent overwrites."""

from django import forms
from django.core.exceptions import ValidationError

from briefing.models import Briefing
from core.editor import RichTextWidget

CHANGED_IN_BETWEEN = (
    "Someone else saved this briefing after you opened it, so your changes were not saved "
    "(nothing was overwritten). Open the briefing again to see their version, then redo "
    "your changes."
)


class BriefingAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Briefing
        fields = ["date", "title", "intro", "email_subscribers", "publish_at"]
        widgets = {"intro": RichTextWidget}
        help_texts = {
            "publish_at": "For “Schedule”: when the briefing goes live (and is emailed).",
            "intro": "Optional. Paragraphs, bold, italics, links, lists, quotes and headings "
            "are kept.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # Lock the row until the admin's transaction ends: the check and the save are one.
            current = (
                Briefing.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("expected_version") != current:
                raise ValidationError(CHANGED_IN_BETWEEN, code="changed_in_between")
        return cleaned
