"""What the apps above the archive add to an article's page, without the archive knowing them.

Each registers a template from its AppConfig.ready(); the page includes them in order, with
the article in their context (the briefings it appeared in, the story's other coverage).
"""

_sections: dict[str, int] = {}


def add_article_page_section(template_name: str, *, order: int) -> None:
    _sections[template_name] = order


def article_page_sections() -> list[str]:
    return sorted(_sections, key=_sections.get)


# The "read the full article" line of an article's page: an app above may replace it (the link
# checker shows the archived copy once the original is gone).
_read_more = ["articles/includes/read_more.html"]


def set_read_more_template(template_name: str) -> None:
    _read_more[0] = template_name


def read_more_template() -> str:
    return _read_more[0]
