from django import forms
from django.core.exceptions import ValidationError

from subscribers.services import email_normalize

HONEYPOT_LABEL = "This field is for validation purposes and should be left unchanged."


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # The honeypot: hidden from people by CSS (.subscribe-validation), filled in by bots.
    website = forms.CharField(
        label=HONEYPOT_LABEL,
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_email(self):
        try:
            return email_normalize(self.cleaned_data["email"])
        except ValidationError:
            raise ValidationError("Enter a valid email address, like name@example.org.") from None

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PreferencesForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100, required=False)
    paused = forms.BooleanField(
        label="Pause the emails (you stay subscribed, and can resume here at any time)",
        required=False,
    )


class ConfirmForm(forms.Form):
    name = forms.CharField(
        label="Your name (optional, used to greet you in the emails)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
