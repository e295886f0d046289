// Enhances the candidate page's rating and tags forms, which work without JavaScript: a
// star saves as soon as it is chosen, the tags when Enter is pressed, the field is left or
// Save is pressed. Each answer gives every form on the page the candidate's new version,
// so the next save (or move) is not refused as stale; a refused save (409) says who saved
// meanwhile and keeps what the user chose, and saving again then goes through.
(function () {
  "use strict";

  const forms = document.querySelectorAll("form[data-in-place]");
  if (!forms.length) return;
  const FAILED = "Not saved: Recruit could not be reached. Try again, or reload the page.";

  function setVersion(version) {
    document.querySelectorAll("input[data-candidate-version]").forEach(function (input) {
      input.value = String(version);
    });
  }

  // What is saved now, shown outside the forms: the rating in the page's lead and the
  // tags' links in the profile.
  function showSaved(answer) {
    const rated = document.querySelector("[data-rated]");
    if (rated) {
      const label = document.querySelector(
        'label[for="rating-' + (answer.rating || 0) + '"] .visually-hidden'
      );
      rated.textContent = answer.rating && label ? rated.dataset.rated + label.textContent : "";
    }
    const list = document.querySelector("[data-tag-list]");
    if (list) {
      list.textContent = answer.tags.length ? "" : list.dataset.none;
      answer.tags.forEach(function (name) {
        const link = document.createElement("a");
        link.className = "badge badge--muted";
        link.href = list.dataset.tagList + "?tag=" + encodeURIComponent(name);
        link.textContent = name;
        list.append(link, " ");
      });
    }
  }

  function enhance(form) {
    const kind = form.dataset.inPlace;
    const status = form.querySelector("[data-in-place-status]");
    const input = kind === "tags" ? form.elements.namedItem("tags") : null;
    let busy = false;
    let again = false;

    // What the form would save now, and what the server last said is saved.
    function chosen() {
      if (input) return input.value;
      const checked = form.querySelector('input[name="rating"]:checked');
      return checked ? checked.value : null;
    }
    function savedValue(answer) {
      return kind === "tags" ? answer.tags.join(", ") : String(answer.rating || "");
    }
    let saved = chosen();

    function say(message, outcome) {
      status.textContent = message;
      status.className = "in-place__status in-place__status--" + outcome;
    }

    function markInvalid(invalid) {
      const target = input || form.querySelector(".stars");
      if (invalid) {
        target.setAttribute("aria-invalid", "true");
        return;
      }
      target.removeAttribute("aria-invalid");
      // The refusal the page was drawn with no longer applies.
      form.querySelectorAll(".error").forEach(function (error) {
        error.remove();
      });
      form.querySelectorAll(".field--error, .stars--error").forEach(function (box) {
        box.classList.remove("field--error", "stars--error");
      });
    }

    // A change saves only what differs from what is saved; Save (or Enter) always posts.
    // One request at a time: a choice made meanwhile follows with the new version.
    async function save(always) {
      if (busy) {
        again = true;
        return;
      }
      const sent = chosen();
      if (!always && sent === saved) return;
      busy = true;
      form.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        const type = response.headers.get("Content-Type") || "";
        if (!type.includes("application/json")) throw new Error("answered " + response.status);
        const answer = await response.json();
        setVersion(answer.version);
        if (response.ok || response.status === 409) {
          saved = savedValue(answer);
          showSaved(answer);
        }
        if (response.ok && input && input.value === sent) input.value = saved;
        markInvalid(response.status === 400);
        say(answer.message, response.ok ? "success" : "error");
      } catch (error) {
        say(FAILED, "error");
      } finally {
        busy = false;
        form.removeAttribute("aria-busy");
        if (again) {
          again = false;
          save(false);
        }
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(true);
    });
    // A radio's change is a star chosen; a text field's is Enter pressed or the field left.
    form.addEventListener("change", function () {
      save(false);
    });
  }

  forms.forEach(enhance);
})();
