// "Use" next to a pull-quote candidate puts it in the pull quote field (the CSP forbids inline
// scripts, hence this file).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".intake-use-quote");
  if (!button) return;
  var field = document.getElementById("id_pull_quote");
  if (!field) return;
  field.value = button.dataset.quote;
  field.dispatchEvent(new Event("input", { bubbles: true }));
  document.querySelectorAll(".intake-use-quote[aria-pressed]").forEach(function (other) {
    other.removeAttribute("aria-pressed");
  });
  button.setAttribute("aria-pressed", "true");
  field.focus();
});
