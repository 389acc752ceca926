from django import forms
from taggit.models import Tag

from articles.models import Source
from articles.search import clean_query


class SearchForm(forms.Form):
    """The reader's search: words (web-search syntax) and optional filters."""

    q = forms.CharField(label="Search for", required=False, max_length=10000, strip=True)
    source = forms.ModelChoiceField(
        queryset=Source.objects.only("name", "slug"),
        to_field_name="slug",
        required=False,
        empty_label="Any source",
    )
    tag = forms.SlugField(required=False, help_text="A tag's short name, e.g. ukraine")
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_q(self):
        return clean_query(self.cleaned_data["q"])

    def clean_tag(self):
        slug = self.cleaned_data["tag"]
        if slug and not Tag.objects.filter(slug=slug).exists():
            raise forms.ValidationError("No tag by that name.")
        return slug

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("source"):
            queryset = queryset.filter(source=data["source"])
        if data.get("tag"):
            queryset = queryset.filter(tags__slug=data["tag"])
        if data.get("date_from"):
            queryset = queryset.filter(original_date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(original_date__lte=data["date_to"])
        return queryset

    @property
    def has_criteria(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
