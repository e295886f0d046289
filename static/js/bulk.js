// Enhances lists whose rows are ticked for a bulk action, which already post without it:
// a header box ticks or clears every row on the page (mixed when only some are), the
// bulk bar counts the ticked rows aloud, and shows only the field its action needs.
(function () {
  "use strict";

  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    const form = all.closest("form");
    if (!form) return;
    const boxes = Array.from(form.querySelectorAll("[data-select-row]"));
    const count = form.querySelector("[data-selected-count]");

    function update() {
      const ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      if (count) count.textContent = ticked + " selected";
    }

    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    all.hidden = false;
    if (count) count.hidden = false;
    update(); // the browser may have kept ticks from before a reload

    // A row reached with Tab scrolls clear of the bar, however tall it wraps.
    const bar = form.querySelector(".bulk-bar");
    if (bar && window.ResizeObserver) {
      new ResizeObserver(function () {
        document.documentElement.style.scrollPaddingBottom = bar.offsetHeight + 16 + "px";
      }).observe(bar);
    }

    const action = form.querySelector("[data-bulk-action]");
    if (!action) return;
    function showFields() {
      form.querySelectorAll("[data-for-action]").forEach(function (field) {
        field.hidden = field.dataset.forAction !== action.value;
      });
    }
    action.addEventListener("change", showFields);
    showFields();
  });
})();
