"""Admin autocomplete that survives a tampered form, and inline rows that cost one query.

Django's AutocompleteSelect re-renders the posted value by querying for it; a value that is not
a valid key (``source=":"``) then raises ValueError and the editor gets a 500 instead of the form
with its error. These widgets drop such values before that query.

Each row of an inline looks its chosen object up with a query of its own (a briefing of twenty
entries, twenty queries); `OneLookupFormSet` loads the chosen objects of every row at once.
"""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.utils.functional import cached_property


def valid_keys(field, values) -> list:
    """The values that are keys of `field`'s related model (the rest are tampered input)."""
    remote = field.remote_field
    to_field = remote.model._meta.get_field(
        getattr(remote, "field_name", None) or remote.model._meta.pk.name
    )
    valid = []
    for item in values:
        try:
            to_field.to_python(item)
        except (ValidationError, TypeError, ValueError):
            continue
        valid.append(item)
    return valid


class _ValidKeysOnly:
    """Drops tampered values; takes the chosen objects from `preloaded` (set by
    OneLookupFormSet for all rows at once) instead of a query per row."""

    preloaded: dict | None = None

    def optgroups(self, name, value, attr=None):
        value = [str(v) for v in valid_keys(self.field, value) if v not in ("", None)]
        if self.preloaded is None or not set(value) <= self.preloaded.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in value if self.allow_multiple_selected else value[:1]:
            option = choice_label(self.preloaded[key])
            default[1].append(self.create_option(name, key, option, True, len(default[1])))
        return [default]


class SafeAutocompleteSelect(_ValidKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidKeysOnly, AutocompleteSelectMultiple):
    pass


def choice_label(obj) -> str:
    """A picker's label: the object's `autocomplete_label` when it has one (articles show
    their source and date, so two of the same title can be told apart), else str()."""
    return str(getattr(obj, "autocomplete_label", None) or obj)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, labelled with `choice_label`."""

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": choice_label(obj)}


class PreloadedModelChoiceField(ModelChoiceField):
    """A choice field that takes its object from `preloaded` (filled by OneLookupFormSet for
    every row at once) and queries only for what is not there."""

    preloaded: dict | None = None

    def to_python(self, value):
        if self.preloaded and value not in self.empty_values:
            found = self.preloaded.get(str(value))
            if found is not None:
                return found
        return super().to_python(value)

    def label_from_instance(self, obj):
        return choice_label(obj)


class OneLookupFormSet(BaseInlineFormSet):
    """Loads the objects chosen in all rows of an inline with one query per field, to
    validate a posted form and to label the rows of a shown one alike."""

    @cached_property
    def forms(self):
        forms = super().forms
        for name in self._preloadable_fields(forms):
            self._preload(forms, name)
        return forms

    def _preloadable_fields(self, forms) -> list[str]:
        fields = forms[0].fields.items() if forms else ()
        return [name for name, f in fields if isinstance(f, PreloadedModelChoiceField)]

    def _preload(self, forms, name: str) -> None:
        field = forms[0].fields[name]
        model_field = self.model._meta.get_field(name)
        chosen_values = {
            form[name].data if self.is_bound else form.initial.get(name) for form in forms
        }
        values = valid_keys(model_field, {str(v) for v in chosen_values - {None, ""}})
        key = field.to_field_name or "pk"
        chosen = field.queryset.filter(**{f"{key}__in": values}) if values else []
        preloaded = {str(getattr(obj, key)): obj for obj in chosen}
        for form in forms:
            form.fields[name].preloaded = preloaded
            widget = form.fields[name].widget
            getattr(widget, "widget", widget).preloaded = preloaded  # the admin wraps it


class SafeAutocompleteMixin:
    """For a ModelAdmin or an inline: its autocomplete fields use the widgets above (and, in an
    inline using OneLookupFormSet, are loaded for all rows at once)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", PreloadedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
