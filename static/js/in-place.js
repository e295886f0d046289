// Enhances the candidate page's rating and tags forms, which work without JavaScript: a
// star saves as soon as it is clicked (from the keyboard: when the stars are left or Enter
// is pressed, not at every arrow), the tags when Enter is pressed, the field is left or
// Save is pressed. A saved answer gives every form on the page the candidate's new version,
// so the next save (or move) is not refused as stale. A refused save (409) says who saved
// meanwhile and keeps what the user chose; only this form learns the new version, so an
// explicit Save then replaces the colleague's value, and nothing else saves by itself.
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

    // Emptied first, so that the same message twice is announced twice.
    function say(message, outcome) {
      status.textContent = "";
      status.className = "in-place__status in-place__status--" + outcome;
      window.setTimeout(function () {
        status.textContent = message;
      }, 50);
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
        if (response.ok) {
          setVersion(answer.version);
        } else if (response.status === 409) {
          // The page still shows what was loaded: the other forms stay refused as stale.
          form.elements.namedItem("version").value = String(answer.version);
          again = false;
        }
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
    // A text field's change is Enter pressed or the field left. A star clicked saves at
    // once; a star reached with the arrow keys saves when the stars are left or on Enter.
    let arrowed = false;
    form.addEventListener("keydown", function (event) {
      if (input) return;
      if (event.key.startsWith("Arrow")) arrowed = true;
      if (event.key === "Enter") {
        event.preventDefault();
        arrowed = false;
        save(false);
      }
    });
    form.addEventListener("pointerdown", function () {
      arrowed = false;
    });
    form.addEventListener("change", function () {
      if (!arrowed) save(false);
    });
    form.addEventListener("focusout", function (event) {
      if (!arrowed || input) return;
      const next = event.relatedTarget;
      if (next && next.name === "rating" && form.contains(next)) return;
      arrowed = false;
      save(false);
    });
  }

  forms.forEach(enhance);
})();
