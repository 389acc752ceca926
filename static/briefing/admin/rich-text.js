// The desk's rich-text editor, without the inline import map django-prose-editor's own
// preset needs (blocked by our CSP): the editor module is imported by its path.
import * as editorModule from "../../django_prose_editor/editor.js"

const marker = "data-django-prose-editor-configurable"

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const config = JSON.parse(textarea.getAttribute(marker) || "{}")
  const extensions = Object.entries(config.extensions || {})
    .filter(([name]) => editorModule[name])
    .map(([name, options]) =>
      typeof options === "object" ? editorModule[name].configure(options) : editorModule[name],
    )
  const editor = editorModule.createTextareaEditor(textarea, extensions)
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }),
  )
  return editor
}

editorModule.initializeEditors(createEditor, `[${marker}]`)
