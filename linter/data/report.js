// kefu-lint chats: sortable tables in the HTML report, inlined into the page (no network).
// A header's button sorts its column; cells carry the value to sort by in data-value.
document.querySelectorAll("table.sortable").forEach(table => {
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, column) => {
    const button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(h => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = th.dataset.type === "number";
      const key = row => {
        const value = row.cells[column].dataset.value;
        return numeric ? (value === "" ? NaN : Number(value)) : value;
      };
      const rows = [...table.tBodies[0].rows];
      rows.sort((a, b) => {
        const x = key(a), y = key(b);
        if (numeric) {
          if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) - Number.isNaN(y);  // blanks last
          return ascending ? x - y : y - x;
        }
        return ascending ? x.localeCompare(y, "zh-CN") : y.localeCompare(x, "zh-CN");
      });
      table.tBodies[0].append(...rows);
    });
  });
});
