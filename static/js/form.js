// Enhances the interest form, which works without JavaScript: a field that only some
// students need stays out of the way until it applies, after a refused send the error
// summary takes the focus (a screen reader reads it, a phone scrolls to it), and a
// kiosk's form never comes back from the browser's memory with someone's answers.
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

  // At a kiosk, a page that Back or Forward brings back from the browser's memory may
  // still hold an earlier student's answers or chosen file: load it afresh, empty.
  if (document.querySelector("form[data-kiosk]")) {
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) window.location.replace(window.location.href);
    });
  }
})();
