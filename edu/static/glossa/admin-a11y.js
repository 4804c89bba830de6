// Glossa: names for the controls Django's admin widgets leave unnamed, so screen readers can announce
// them (axe: label, select-name, aria-prohibited-attr, label-title-only). The widgets build part of
// their markup on load (filter_horizontal) or later (inline "Add another"): fixed then too.
(function () {
  "use strict";

  function text(element) {
    return ((element && element.textContent) || "").replace(/\s+/g, " ").replace(/[:*\s]+$/, "").trim();
  }

  function named(control) {
    return (control.labels && control.labels.length > 0) || control.hasAttribute("aria-label")
      || control.hasAttribute("aria-labelledby");
  }

  function fix(root) {
    // filter_horizontal's search icons carry an aria-label, which a plain <span> may not: they are pictures.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => icon.setAttribute("role", "img"));
    // A split date and time: the field's label names both inputs.
    root.querySelectorAll("p.datetime").forEach((box) => {
      const row = box.closest(".form-row, .fieldBox");
      const label = row && row.querySelector("label");
      box.querySelectorAll("input:not([type=hidden])").forEach((input, index) => {
        if (!named(input)) input.setAttribute("aria-label", `${text(label)} (${index === 0 ? "date" : "time"})`);
      });
    });
    // Tabular inlines: each cell's control is named by its column heading and its row.
    root.querySelectorAll(".tabular table").forEach((table) => {
      table.querySelectorAll("tbody tr").forEach((row, rowIndex) => {
        row.querySelectorAll("td[class^='field-'], td[class*=' field-']").forEach((cell) => {
          const name = [...cell.classList].find((c) => c.startsWith("field-")).slice(6);
          const heading = table.querySelector(`thead th.column-${CSS.escape(name)}`);
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
            if (!named(control)) control.setAttribute("aria-label", `${text(heading) || name} (row ${rowIndex + 1})`);
          });
        });
      });
    });
    // An inline row's "Delete?" box.
    root.querySelectorAll(".tabular td.delete input[type=checkbox]").forEach((box) => {
      if (!named(box)) box.setAttribute("aria-label", `Delete row ${box.closest("tr").rowIndex}`);
    });
    // The change list's search box is labelled by a magnifier picture only.
    const search = root.querySelector("#searchbar");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
  }

  function start() {
    fix(document);
    new MutationObserver(() => fix(document)).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
