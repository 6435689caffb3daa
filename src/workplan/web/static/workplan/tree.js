// Collapsible plan tree: a row's toggle hides or shows the rows below it (by materialised path).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tree] button.toggle");
  if (!button) return;
  const row = button.closest("tr");
  const path = row.dataset.path;
  const expanded = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!expanded));
  button.textContent = expanded ? "▸" : "▾";
  let next = row.nextElementSibling;
  while (next && next.dataset.path && next.dataset.path.startsWith(path) && next.dataset.path !== path) {
    next.hidden = expanded;
    const inner = next.querySelector("button.toggle");
    if (inner) { inner.setAttribute("aria-expanded", String(!expanded)); inner.textContent = expanded ? "▸" : "▾"; }
    next = next.nextElementSibling;
  }
});
