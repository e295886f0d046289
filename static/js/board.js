// Enhances a kanban board that already works without JavaScript: a card's move form is
// posted in the background (by drag and drop or by the form), the card moves and the
// counts change in place; a refused move (409) puts the card where it really is and says
// who moved it. A card holds its own form (events) or a Move link to its move page
// (candidates), which here opens the board's one shared form inside the card instead.
// Columns fold, and stay folded on this browser.
(function () {
  "use strict";

  const board = document.querySelector("[data-board]");
  if (!board) return;
  const status = document.querySelector("[data-board-status]");
  const shared = document.querySelector("[data-shared-move]");
  let dragged = null;

  // The form that moves this card: its own, or the shared one set up for it; null when
  // the viewer may not move it.
  function formFor(card) {
    const own = card.querySelector("[data-move-form]:not([data-shared-move])");
    if (own) return own;
    const link = card.querySelector("[data-move-link]");
    if (!link || !shared) return null;
    shared.action = new URL(link.href, window.location.href).pathname;
    shared.querySelector("[data-version-input]").value = card.dataset.version;
    const name = card.querySelector("a");
    shared.querySelector("[data-move-name]").textContent = name ? name.textContent : "";
    const column = card.closest("[data-stage-id]");
    if (column) shared.querySelector("[data-move-select]").value = column.dataset.stageId;
    return shared;
  }

  function openMenu(card) {
    const form = formFor(card);
    if (!form) return;
    closeMenu(false);
    card.append(form);
    form.hidden = false;
    card.querySelector("[data-move-link]").setAttribute("aria-expanded", "true");
    form.querySelector("[data-move-select]").focus();
  }

  function closeMenu(focusLink) {
    if (!shared || shared.hidden) return;
    const card = shared.closest("[data-version]");
    shared.hidden = true;
    const link = card && card.querySelector("[data-move-link]");
    if (link) link.setAttribute("aria-expanded", "false");
    if (focusLink && link) link.focus();
  }

  function say(message, kind) {
    if (!status) return;
    status.textContent = message;
    status.className = "board-status board-status--" + (kind || "info");
  }

  function columnOf(stageId) {
    return board.querySelector('[data-stage-id="' + stageId + '"]');
  }

  function bump(column, delta) {
    const count = column && column.querySelector("[data-count]");
    if (!count) return;
    const value = Math.max(0, parseInt(count.textContent, 10) + delta);
    count.textContent = String(value);
  }

  function place(card, stageId) {
    const from = card.closest("[data-stage-id]");
    const to = columnOf(stageId);
    if (from === to) return;
    if (from) bump(from, -1);
    if (to) {
      to.querySelector("[data-cards]").prepend(card);
      bump(to, 1);
    } else {
      card.remove(); // moved to a stage this board does not show
    }
  }

  function setVersion(card, version) {
    card.dataset.version = String(version);
    const input = card.querySelector("[data-version-input]");
    if (input) input.value = String(version);
  }

  async function submitMove(card, stageId) {
    // A drag while the shared form is open in another card: that card's menu closes.
    if (shared && !shared.hidden && shared.closest("[data-version]") !== card) closeMenu(false);
    const form = formFor(card);
    if (!form) return;
    const select = form.querySelector("[data-move-select]");
    select.value = String(stageId);
    card.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json();
      setVersion(card, answer.version);
      place(card, answer.stage_id);
      select.value = String(answer.stage_id);
      say(answer.message, response.ok ? "success" : "error");
    } catch (error) {
      say("The move could not be saved. Reload the page and try again.", "error");
    } finally {
      card.removeAttribute("aria-busy");
      if (form === shared) {
        closeMenu(true);
      } else {
        select.focus();
      }
    }
  }

  board.addEventListener("submit", function (event) {
    const form = event.target.closest("[data-move-form]");
    if (!form) return;
    event.preventDefault();
    const card = form.closest("[data-version]");
    submitMove(card, form.querySelector("[data-move-select]").value);
  });

  board.addEventListener("dragstart", function (event) {
    const card = event.target.closest("[data-version]");
    if (!card) return;
    if (!card.querySelector("[data-move-form], [data-move-link]")) {
      event.preventDefault(); // someone who may not move this card has no form to post
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.version);
    dragged.classList.add("is-dragging");
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    board.querySelectorAll(".is-drop-target").forEach(function (el) {
      el.classList.remove("is-drop-target");
    });
    dragged = null;
  });

  board.addEventListener("dragover", function (event) {
    const column = event.target.closest("[data-stage-id]");
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-drop-target");
  });

  board.addEventListener("dragleave", function (event) {
    const column = event.target.closest("[data-stage-id]");
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("is-drop-target");
    }
  });

  board.addEventListener("drop", function (event) {
    const column = event.target.closest("[data-stage-id]");
    if (!dragged || !column) return;
    event.preventDefault();
    column.classList.remove("is-drop-target");
    const card = dragged;
    if (card.closest("[data-stage-id]") === column) return;
    submitMove(card, column.dataset.stageId);
  });

  // "Show more" asks for the cards after those the column holds now: cards moved in or out
  // since the page loaded shift the server's positions, so a fixed offset would skip or
  // repeat one. The first shown card's position (base) is fixed when the page loads.
  board.querySelectorAll("[data-more]").forEach(function (more) {
    const list = more.closest("[data-stage-id]").querySelector("[data-cards]");
    const offset = parseInt(new URL(more.href, window.location.href).searchParams.get("offset"), 10);
    more.dataset.base = String(Math.max(0, (offset || 0) - list.children.length));
  });

  function cardKey(card) {
    const link = card.querySelector("a");
    return link ? link.getAttribute("href") : null;
  }

  board.addEventListener("click", function (event) {
    const link = event.target.closest("[data-move-link]");
    if (link) {
      event.preventDefault();
      const card = link.closest("[data-version]");
      if (shared && !shared.hidden && shared.closest("[data-version]") === card) {
        closeMenu(true);
      } else {
        openMenu(card);
      }
    } else if (event.target.closest("[data-move-cancel]")) {
      closeMenu(true);
    }
  });

  board.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.closest("[data-shared-move]")) closeMenu(true);
  });

  // Folding: a button per column, added here since without the script it could do nothing;
  // which columns are folded is kept per board in this browser.
  const foldKey = "recruit.board." + board.dataset.board + ".folded";
  function foldedStages() {
    try {
      return JSON.parse(window.localStorage.getItem(foldKey)) || [];
    } catch (error) {
      return [];
    }
  }
  function keepFolded() {
    const folded = Array.from(board.querySelectorAll(".board-column.is-folded"));
    try {
      window.localStorage.setItem(foldKey, JSON.stringify(folded.map(function (c) {
        return c.dataset.stageId;
      })));
    } catch (error) {
      // Storage refused (private mode): the fold lasts until the page is left.
    }
  }
  function fold(column, folded) {
    column.classList.toggle("is-folded", folded);
    column.querySelector("[data-fold]").setAttribute("aria-expanded", String(!folded));
  }
  const folded = foldedStages();
  board.querySelectorAll(".board-column[data-stage-id]").forEach(function (column) {
    const title = column.querySelector(".board-column__title span");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "board-column__fold";
    button.dataset.fold = "";
    button.setAttribute("aria-expanded", "true");
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = (title ? title.textContent : "") + " cards";
    button.append(icon, label);
    column.prepend(button);
    if (folded.indexOf(column.dataset.stageId) !== -1) fold(column, true);
    button.addEventListener("click", function () {
      fold(column, !column.classList.contains("is-folded"));
      keepFolded();
    });
  });

  board.addEventListener("click", async function (event) {
    const more = event.target.closest("[data-more]");
    if (!more) return;
    event.preventDefault();
    const column = more.closest("[data-stage-id]");
    const list = column.querySelector("[data-cards]");
    const url = new URL(more.href, window.location.href);
    url.searchParams.set("offset", String(parseInt(more.dataset.base, 10) + list.children.length));
    url.searchParams.set("partial", "1");
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      window.location.href = more.href;
      return;
    }
    const holder = document.createElement("ol");
    holder.innerHTML = await response.text();
    // A colleague's move can still bring a card already shown: show each card once.
    const shown = new Set(Array.from(list.children).map(cardKey));
    const cards = Array.from(holder.children).filter(function (card) {
      return !shown.has(cardKey(card));
    });
    cards.forEach(function (card) { list.append(card); });
    const offset = parseInt(more.dataset.base, 10) + list.children.length;
    const total = parseInt(column.querySelector("[data-count]").textContent, 10);
    if (holder.children.length === 0 || offset >= total) {
      more.remove();
    } else {
      const next = new URL(more.href, window.location.href);
      next.searchParams.set("offset", String(offset));
      more.href = next.toString();
    }
    say("Showing " + offset + " of " + total + ".", "info");
    if (cards[0]) cards[0].querySelector("a").focus();
  });
})();
