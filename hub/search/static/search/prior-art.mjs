// The prior-art panel, live: as someone types a title and summary, the closest entries
// already in the hub appear beside the form. Without JavaScript the "Check for similar
// entries" button does the same by sending the form back (nothing is saved).
//
// The draft's words are posted with the form's CSRF token (never put in an address, where
// server logs would keep them); the entry being edited is never shown as like itself.
const holder = document.querySelector("[data-prior-art-url]");
const form = holder && holder.closest("form");

if (holder && form) {
  const url = holder.dataset.priorArtUrl;
  const fields = ["title", "summary"].map((name) => form.elements.namedItem(name)).filter(Boolean);
  const token = form.elements.namedItem("csrfmiddlewaretoken");
  let timer = null;
  let last = "";
  let controller = null;

  const show = (nodes) => {
    const panel = document.getElementById("prior-art");
    if (!panel) return;
    const html = nodes.map((node) => node.outerHTML || node.textContent).join("");
    // Only the panel's contents change, and only when they differ: it is a live region, so
    // screen readers hear a new list once, without losing their place in the form.
    if (panel.innerHTML.trim() !== html.trim()) panel.replaceChildren(...nodes);
  };

  const refresh = async () => {
    const body = new URLSearchParams();
    for (const field of fields) body.set(field.name, field.value.slice(0, 2000));
    if (holder.dataset.priorArtKind) body.set("kind", holder.dataset.priorArtKind);
    if (holder.dataset.priorArtExclude) body.set("exclude", holder.dataset.priorArtExclude);
    const key = body.toString();
    if (key === last) return;
    last = key;
    if (controller) controller.abort();
    if (fields.map((field) => field.value).join(" ").trim().split(/\s+/).length < 3) {
      show([]);  // too little to compare: what was shown no longer answers what is typed
      return;
    }
    controller = new AbortController();
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "text/html", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) return;
      const html = await response.text();
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("prior-art");
      if (fresh) show([...fresh.childNodes]);
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    }
  };

  for (const field of fields) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 700);
    });
  }
}
