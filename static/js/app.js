// Small local behaviours shared by pages; everything else is server-rendered (htmx).
document.addEventListener("alpine:init", () => {
  window.Alpine.data("orgPicker", ({ url, id, label }) => ({
    id,
    label,
    items: [],
    open: false,
    searched: false,
    async search() {
      this.id = "";
      const q = this.label.trim();
      if (!q) { this.items = []; this.open = false; return; }
      const sep = url.includes("?") ? "&" : "?";
      const response = await fetch(`${url}${sep}q=${encodeURIComponent(q)}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      this.items = (await response.json()).items;
      this.searched = true;
      this.open = true;
    },
    choose(item) {
      this.id = String(item.id);
      this.label = item.name;
      this.open = false;
    },
  }));
});

// Ask before anything marked as destructive is submitted.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
