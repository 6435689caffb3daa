// Plan tree level by level: a node's button fetches its children (a server-rendered fragment)
// once, then shows or hides them; "Show more" appends the next page of a level.
document.addEventListener("click", async (event) => {
  const toggle = event.target.closest("[data-lazy-tree] button.lazy-toggle");
  const more = event.target.closest("[data-lazy-tree] button.lazy-more-button");
  if (toggle) {
    const list = toggle.closest("li").querySelector(":scope > ul.lazy-children");
    const expanded = toggle.getAttribute("aria-expanded") === "true";
    if (!expanded && !list.dataset.loaded) {
      toggle.disabled = true;
      const response = await fetch(toggle.dataset.childrenUrl, { credentials: "same-origin" });
      if (response.ok) {
        list.innerHTML = await response.text();
        list.dataset.loaded = "true";
      }
      toggle.disabled = false;
    }
    toggle.setAttribute("aria-expanded", String(!expanded));
    toggle.textContent = expanded ? "▸" : "▾";
    list.hidden = expanded;
  } else if (more) {
    const item = more.closest("li");
    more.disabled = true;
    const response = await fetch(more.dataset.moreUrl, { credentials: "same-origin" });
    if (response.ok) {
      item.insertAdjacentHTML("afterend", await response.text());
      item.remove();
    } else {
      more.disabled = false;
    }
  }
});
