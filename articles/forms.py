from django import forms
from django.core.cache import cache
from taggit.models import Tag

from articles.models import Source
from articles.search import clean_query
from articles.search_plans import Filters
from articles.signals import SOURCE_CHOICES_CACHE_KEY


def source_choices() -> list[tuple[str, str]]:
    """(slug, name) of every source, for the search form's menu; cleared when one changes."""
    choices = cache.get(SOURCE_CHOICES_CACHE_KEY)
    if choices is None:
        choices = list(Source.objects.order_by("name").values_list("slug", "name"))
        cache.set(SOURCE_CHOICES_CACHE_KEY, choices, 300)
    return choices


class SearchForm(forms.Form):
    """The reader's search: words (web-search syntax) and optional filters. The template
    renders the inputs itself: Django's widget rendering of a menu of hundreds of sources
    costs more than the search."""

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
        if not slug:
            return None
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            raise forms.ValidationError("No tag by that name.")
        return tag

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
            queryset = queryset.tagged(data["tag"])
        if data.get("date_from"):
            queryset = queryset.filter(original_date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(original_date__lte=data["date_to"])
        return queryset

    def search_filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            source_id=data["source"].pk if data.get("source") else None,
            tag_id=data["tag"].pk if data.get("tag") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    @property
    def has_criteria(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
