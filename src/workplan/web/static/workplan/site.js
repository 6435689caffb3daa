// Behaviour every page shares. No inline handlers anywhere: the Content-Security-Policy allows
// scripts from this site's own files only.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});
// Progress bars get their width here (an inline style attribute would need 'unsafe-inline').
const applyWidths = (root) => {
  for (const bar of root.querySelectorAll("[data-width]")) {
    const width = Number(bar.dataset.width);
    if (Number.isFinite(width)) bar.style.width = `${Math.max(0, Math.min(100, width))}%`;
  }
};
document.addEventListener("DOMContentLoaded", () => applyWidths(document));
document.addEventListener("htmx:afterSettle", (event) => applyWidths(event.target));
