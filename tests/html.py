"""Reading pages as a browser would: a form's fields, and whether markup could run script."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The named fields of the n-th form on a page with their initial values, as a browser
    would submit them untouched."""

    def __init__(self, form_index: int):
        super().__init__()
        self.form_index, self.forms_seen, self.inside = form_index, -1, False
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms_seen += 1
            self.inside = self.forms_seen == self.form_index
        if tag == "option" and self.inside and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value") or ""
        if not self.inside or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self.inside and self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_fields(html: str, form_index: int = 0) -> dict[str, str]:
    parser = FormFields(form_index)
    parser.feed(html)
    return parser.fields


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
ACTIVE_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


class ScriptCapabilities(HTMLParser):
    """Everything in a page that could run script: script elements other than our own static
    files, event-handler attributes, javascript: or data: URLs, frames, refreshes, <base>."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        our_file = (attrs.get("src") or "").startswith("/static/")
        json_ld = attrs.get("type") == "application/ld+json"  # data, never executed
        if tag == "script" and not our_file and not json_ld:
            self.found.append(f"<script {attrs}>")
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            compact = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and compact.startswith(("javascript:", "vbscript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and compact.startswith("data:text/html"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and ("javascript:" in compact or "expression(" in compact):
                self.found.append(f"<{tag} style={value!r}>")


def script_capabilities(html: str) -> list[str]:
    parser = ScriptCapabilities()
    parser.feed(html)
    return parser.found
