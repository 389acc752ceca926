"""Slugs that are unique by themselves: "wagner-group", then "wagner-group-2", "-3"..."""

from django.db import models
from django.utils.text import slugify


def unique_slug(model: type[models.Model], text: str, *, exclude_pk=None, field="slug") -> str:
    """`text` slugified, with the first free "-N" suffix when the slug is taken (one query)."""
    max_length = model._meta.get_field(field).max_length
    base = (slugify(text)[: max_length - 8].strip("-")) or "untitled"
    taken = set(
        model._default_manager.filter(**{f"{field}__startswith": base})
        .exclude(pk=exclude_pk)
        .values_list(field, flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
