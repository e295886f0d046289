// Enhances the interest form, which works without JavaScript: a field that only some
// students need stays out of the way until it applies, and after a refused send the
// error summary takes the focus, so a screen reader reads it and a phone scrolls to it.
(function () {
  "use strict";

  // data-shown-for="university=other": show the field only while that choice is made.
  // Hidden with the hidden attribute, so screen readers and the tab order skip it too.
  document.querySelectorAll("[data-shown-for]").forEach(function (input) {
    const rule = input.getAttribute("data-shown-for").split("=");
    const control = input.form && input.form.elements.namedItem(rule[0]);
    const field = input.closest(".field");
    if (!control || !field) return;
    function update() {
      field.hidden = control.value !== rule[1];
    }
    control.addEventListener("change", update);
    update();
  });

  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
