// Auto-submit the filter form when a checkbox or select changes.
document.addEventListener("change", function (ev) {
  var t = ev.target;
  if (t && t.form && t.form.classList.contains("filters") && (t.type === "checkbox" || t.tagName === "SELECT")) {
    t.form.submit();
  }
});
