"""Model behaviour every app may share (no tables of its own)."""


class LoadedRelationsMixin:
    """Model validation looks up each foreign key to check that its object exists, even when a
    form field has just loaded that very object (every admin form does). A relation whose
    object is loaded already is not looked up a second time."""

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.many_to_one and field.is_cached(self):
                related = field.get_cached_value(self)
                loaded = related is not None and related.pk is not None
                if loaded and related.pk == getattr(self, field.attname):
                    exclude.add(field.name)
        super().clean_fields(exclude)
