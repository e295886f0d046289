// Enhances the stages page, whose rows already move with a "Position" form each: a row's
// handle drags it (pointer events, so mouse, pen and touch alike), or picks it up from the
// keyboard (Space or Enter, the arrow keys, Space or Enter to drop, Escape to cancel). A
// drop posts that row's own form with the new position, as a user without JavaScript
// would; a live region says where the stage is at every step.
(function () {
  "use strict";

  const body = document.querySelector("[data-reorder]");
  if (!body) return;
  const status = document.querySelector("[data-reorder-status]");
  const help = document.querySelector("[data-reorder-help]");
  let lifted = null; // {row, handle, from (index), next (sibling to restore before), drag}

  function rows() {
    return Array.from(body.querySelectorAll("[data-reorder-row]"));
  }

  function say(message) {
    if (status) status.textContent = message;
  }

  function where(row) {
    const all = rows();
    return row.dataset.stageName + ", position " + (all.indexOf(row) + 1) + " of " + all.length;
  }

  function lift(row, handle, drag) {
    lifted = { row: row, handle: handle, from: rows().indexOf(row), next: row.nextSibling, drag: drag };
    row.classList.add("is-lifted");
    handle.setAttribute("aria-pressed", "true");
  }

  function settle() {
    lifted.row.classList.remove("is-lifted", "is-dragging");
    lifted.handle.setAttribute("aria-pressed", "false");
    const done = lifted;
    lifted = null;
    return done;
  }

  function cancel(refocus) {
    const done = settle();
    // Put back only a row that moved: moving it would drop the focus of what is in it.
    if (done.row.nextSibling !== done.next) body.insertBefore(done.row, done.next);
    if (refocus) done.handle.focus();
    say("Cancelled. " + where(done.row) + ".");
  }

  function drop() {
    const done = settle();
    const to = rows().indexOf(done.row);
    if (to === done.from) {
      say(where(done.row) + ", not moved.");
      return;
    }
    say(where(done.row) + ". Saving.");
    const form = done.row.querySelector("[data-reorder-form]");
    form.querySelector("[data-reorder-position]").value = String(to + 1);
    form.requestSubmit();
  }

  // Put the lifted row at index among the rows; retired rows stay after them all.
  function place(row, index) {
    const others = rows().filter(function (other) { return other !== row; });
    const before = others[index];
    if (before) {
      body.insertBefore(row, before);
    } else {
      const last = others[others.length - 1];
      body.insertBefore(row, last ? last.nextSibling : body.firstChild);
    }
  }

  function onKey(event, row, handle) {
    const key = event.key;
    if (key === " " || key === "Enter") {
      event.preventDefault();
      if (!lifted) {
        lift(row, handle, false);
        say(where(row) + ", picked up. Arrow keys move it, Space drops it, Escape cancels.");
      } else {
        drop();
      }
    } else if (lifted && !lifted.drag && (key === "ArrowUp" || key === "ArrowDown")) {
      event.preventDefault();
      const index = rows().indexOf(row) + (key === "ArrowUp" ? -1 : 1);
      if (index < 0 || index >= rows().length) return;
      place(row, index);
      handle.focus(); // moving a row in the document takes focus away from its handle
      say(where(row) + ".");
    } else if (lifted && key === "Escape") {
      event.preventDefault();
      cancel(true);
    }
  }

  // The index the dragged row goes to: after every other row whose middle is above the pointer.
  function indexAt(row, y) {
    let index = 0;
    rows().forEach(function (other) {
      if (other === row) return;
      const box = other.getBoundingClientRect();
      if (box.top + box.height / 2 < y) index += 1;
    });
    return index;
  }

  function onPointerDown(event, row, handle) {
    if (lifted || event.button !== 0) return;
    event.preventDefault();
    const startY = event.clientY;
    let moved = false;

    function onMove(move) {
      if (!moved && Math.abs(move.clientY - startY) < 4) return;
      if (!moved) {
        moved = true;
        lift(row, handle, true);
        row.classList.add("is-dragging");
      }
      const index = indexAt(row, move.clientY);
      if (index !== rows().indexOf(row)) {
        place(row, index);
        say(where(row) + ".");
      }
    }

    // Listened for on the document: moving the row in the page ends any pointer capture.
    function onEnd(end) {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onEnd);
      document.removeEventListener("pointercancel", onEnd);
      if (!moved || !lifted) return; // Escape already put it back
      if (end.type === "pointercancel") cancel(true);
      else drop();
    }

    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onEnd);
    document.addEventListener("pointercancel", onEnd);
  }

  rows().forEach(function (row) {
    const handle = row.querySelector("[data-reorder-handle]");
    if (!handle) return;
    handle.hidden = false;
    handle.setAttribute("aria-pressed", "false");
    handle.addEventListener("keydown", function (event) { onKey(event, row, handle); });
    handle.addEventListener("pointerdown", function (event) { onPointerDown(event, row, handle); });
    handle.addEventListener("blur", function (event) {
      if (!lifted || lifted.drag || lifted.row !== row) return;
      // Tabbing away drops nothing: the stage goes back where it was and the focus goes on
      // to where Tab took it. (A row moved by an arrow blurs its handle, then refocuses it.)
      const next = event.relatedTarget;
      window.requestAnimationFrame(function () {
        if (!lifted || lifted.row !== row || document.activeElement === handle) return;
        const now = document.activeElement;
        const to = now && now !== document.body ? now : next;
        cancel(false);
        if (to && to.isConnected && document.activeElement !== to) to.focus();
      });
    });
  });
  if (help) help.hidden = false;

  // After a move the page comes back at the stage's row: give its handle the focus again.
  // (On load: the browser's scroll to the row's #fragment would take the focus away again.)
  window.addEventListener("load", function () {
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    const handle = target && target.querySelector("[data-reorder-handle]");
    if (handle) handle.focus();
  });
})();
