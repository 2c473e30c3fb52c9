// The prior-art panel, live: as someone types a title and summary, the closest entries
// already in the hub appear beside the form. Without JavaScript the "Check for similar
// entries" button does the same by sending the form back (nothing is saved).
const holder = document.querySelector("[data-prior-art-url]");
const form = holder && holder.closest("form");

if (holder && form) {
  const url = holder.dataset.priorArtUrl;
  const fields = ["title", "summary"].map((name) => form.elements.namedItem(name)).filter(Boolean);
  let timer = null;
  let last = "";
  let controller = null;

  const refresh = async () => {
    const params = new URLSearchParams();
    for (const field of fields) params.set(field.name, field.value.slice(0, 2000));
    const key = params.toString();
    if (key === last) return;
    last = key;
    if (fields.map((field) => field.value).join(" ").trim().split(/\s+/).length < 3) return;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?${key}`, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) return;
      const html = await response.text();
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("prior-art");
      const panel = document.getElementById("prior-art");
      // Only the panel's contents change: it is a live region, so screen readers hear the
      // new heading without losing their place in the form.
      if (fresh && panel) panel.replaceChildren(...fresh.childNodes);
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
