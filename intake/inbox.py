"""The inbox's same-story grouping: items of one page whose words mostly overlap (PostgreSQL's
English stems, as the stories app stems articles) are shown together, under the newest."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.expressions import RawSQL

SAME_STORY_OVERLAP = 0.35  # share of the smaller item's stems found in the other

STEMS_SQL = (
    "tsvector_to_array(to_tsvector('english', intake_feeditem.title || ' ' || "
    "left(intake_feeditem.summary, 1000)))"
)


def with_stems(queryset):
    return queryset.annotate(
        stems=RawSQL(STEMS_SQL, [], output_field=ArrayField(models.TextField()))  # noqa: S611 (a constant)
    )


def _overlap(first: set, second: set) -> float:
    smaller = min(len(first), len(second))
    return len(first & second) / smaller if smaller else 0.0


def group_same_story(items: list) -> list:
    """The items reordered so that each story's items follow its newest one; each item gets
    `same_story_as` (the lead item, or None for a lead) and `story_size`."""
    groups: list[list] = []
    for item in items:  # newest first
        stems = set(getattr(item, "stems", None) or ())
        item.stem_set = stems
        for group in groups:
            if any(_overlap(stems, other.stem_set) >= SAME_STORY_OVERLAP for other in group):
                group.append(item)
                break
        else:
            groups.append([item])
    ordered = []
    for group in groups:
        lead = group[0]
        for item in group:
            item.same_story_as = None if item is lead else lead
            item.story_size = len(group)
            ordered.append(item)
    return ordered
