"""The inbox's same-story grouping: items that the stories app judges to report the same story
(stories.search.texts_same_story, on their titles and summaries) are shown together, under the
newest."""

from stories.search import Text, texts_same_story

SUMMARY_CHARACTERS = 2000  # the opening is what the comparison reads


def group_same_story(items: list) -> list:
    """The items (newest first) reordered so that each story's items follow its newest one;
    each item gets `same_story_as` (the lead item, or None for a lead) and `story_size`. One
    query."""
    texts = [
        Text(item.title, (item.summary or "")[:SUMMARY_CHARACTERS], item.published_at.date())
        for item in items
    ]
    same = texts_same_story(texts)
    groups: list[list[int]] = []
    for position in range(len(items)):
        for group in groups:
            if any((other, position) in same for other in group):
                group.append(position)
                break
        else:
            groups.append([position])
    ordered = []
    for group in groups:
        lead = items[group[0]]
        for position in group:
            item = items[position]
            item.same_story_as = None if item is lead else lead
            item.story_size = len(group)
            ordered.append(item)
    return ordered
