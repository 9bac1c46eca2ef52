// The required action editor: pick several organisations by name, code or pinyin initials.
document.addEventListener("alpine:init", () => {
  window.Alpine.data("orgListPicker", ({ url, chosen }) => ({
    chosen,
    label: "",
    items: [],
    open: false,
    searched: false,
    async search() {
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
      if (!this.chosen.some((c) => c.id === item.id)) {
        this.chosen.push({ id: item.id, name: item.name, code: item.code });
      }
      this.label = "";
      this.items = [];
      this.open = false;
    },
    remove(id) {
      this.chosen = this.chosen.filter((c) => c.id !== id);
    },
  }));
});
