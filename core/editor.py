"""The desk's rich-text editor (django-prose-editor, on ProseMirror), set up from the sanitizer.

The toolbar offers only what `core.sanitize` keeps, so an editor sees what readers will get:
paragraphs, bold, italics, links, lists, block quotes, headings (h2-h4), line breaks. Pasted
HTML from a news page, Word or Google Docs is parsed into these and the rest is dropped in the
browser already; the server cleans again on save, as for any other input.

The widget loads its own module (static/briefing/admin/rich-text.js), which imports the
editor by relative path: django-prose-editor's default media add an inline import map, which
our Content-Security-Policy (no inline scripts) blocks.
"""

from django.contrib import messages
from django.forms import Script
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.widgets import AdminProseEditorWidget, prose_editor_admin_media

from core.sanitize import ALLOWED_PROTOCOLS, images_removed

EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Link": {"enableTarget": False, "protocols": sorted(ALLOWED_PROTOCOLS)},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "HorizontalRule": True,
    # Pasted images reach the server, which keeps those uploaded through the desk and tells
    # the editor about the others (the editor alone would drop them without a word).
    "Image": True,
    "HTML": True,
    "Typographic": True,
}


def editor_allow_list() -> dict:
    """The tags and attributes the editor can produce (a test checks they are all kept)."""
    return allowlist_from_extensions(EXTENSIONS)


class RichTextWidget(AdminProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs, config={"extensions": EXTENSIONS}, preset="configurable")

    @property
    def media(self):
        css = prose_editor_admin_media._css
        return type(prose_editor_admin_media)(
            css=css, js=[Script("briefing/admin/rich-text.js", type="module")]
        )


def warn_about_removed_images(request, html: str) -> None:
    """Tell the editor when images of what they pasted were dropped, rather than say nothing."""
    removed = images_removed(html)
    if removed:
        messages.warning(
            request,
            f"{removed} image(s) were removed from the text: only images uploaded through "
            "the desk (“Upload an image”, at /admin/articles/article/upload-image/) can be "
            "shown, not images linked from other sites.",
        )
