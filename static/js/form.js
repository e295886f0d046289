// Enhances the interest form, which works without JavaScript: a field that only some
// students need stays out of the way until it applies, a file too large is refused when
// chosen, after a refused send the error summary takes the focus (a screen reader reads
// it, a phone scrolls to it), and a kiosk's form never comes back from the browser's
// memory with someone's answers.
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

  // data-max-bytes: a file over the limit is refused as soon as it is chosen, before a
  // long upload on a fair's network ends in a refusal. The server checks it again, and
  // keeps every answer when it refuses.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    const field = input.closest(".field");
    if (!field) return;
    const errorId = input.id + "-size-error";
    const described = input.getAttribute("aria-describedby") || "";
    input.addEventListener("change", function () {
      const file = input.files && input.files[0];
      let error = document.getElementById(errorId);
      if (file && file.size > Number(input.dataset.maxBytes)) {
        input.value = "";
        if (!error) {
          error = document.createElement("p");
          error.className = "error";
          error.id = errorId;
          error.setAttribute("role", "alert");
          field.appendChild(error);
        }
        error.textContent = input.dataset.tooLarge;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", (described + " " + errorId).trim());
      } else if (error) {
        error.remove();
        input.removeAttribute("aria-invalid");
        if (described) input.setAttribute("aria-describedby", described);
        else input.removeAttribute("aria-describedby");
      }
    });
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
