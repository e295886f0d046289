/* Recruit: sign-ups that survive a dead network, on the pages that take them.
 *
 * - The interest form's pages install its service worker (/sw.js), which keeps a
 *   submission on the device when Send meets no network, and keep this page and its
 *   "saved on this device" page for offline use.
 * - The staff's quick-add form on an event page (form[data-queue-form]) is sent from here:
 *   when the network is down the lead is kept, and the form is ready for the next one.
 * - Whatever was kept is sent, oldest first, when this page opens, when the browser says
 *   the network is back, and every 20 seconds; the count in [data-queued] goes down as
 *   the server confirms each one.
 * - Each page makes its own submission key, so a resend never saves anything twice.
 * Without JavaScript or a service worker the forms work as plain forms.
 */
(function () {
  "use strict";

  const Queue = window.RecruitQueue;
  if (!Queue || !window.indexedDB || !window.fetch) return;

  const RETRY_MS = 20000;
  const TOKEN_STOCK = 10;
  const form = document.querySelector("form[data-offline-form]");
  const quickAdd = document.querySelector("form[data-queue-form]");

  function newKey() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    const bytes = window.crypto.getRandomValues(new Uint8Array(18));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function freshKey(target) {
    if (target && target.elements.submission) target.elements.submission.value = newKey();
  }

  // --- the count of what waits ---------------------------------------------------------

  async function showQueue() {
    const sends = await Queue.all();
    const waiting = sends.filter(function (send) { return !send.refused; });
    const refused = sends.filter(function (send) { return send.refused && send.kind === "form"; });
    document.querySelectorAll("[data-queued]").forEach(function (element) {
      element.textContent = String(waiting.length);
    });
    document.querySelectorAll("[data-queue-status]").forEach(function (element) {
      element.hidden = waiting.length === 0 && refused.length === 0;
    });
    document.querySelectorAll("[data-queue-refused]").forEach(function (element) {
      element.hidden = refused.length === 0 || !form;
    });
    document.querySelectorAll("[data-queue-refused-list]").forEach(function (list) {
      list.replaceChildren.apply(list, refused.map(function (send) { return reviewItem(list, send); }));
    });
  }

  // A kept sign-up the server refused (an answer to correct): put it back in the form.
  function reviewItem(list, send) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = list.dataset.reviewLabel + (send.label ? ": " + send.label : "");
    button.addEventListener("click", function () { review(send); });
    item.append(button);
    return item;
  }

  async function review(send) {
    const fields = await new Response(send.body, { headers: { "Content-Type": send.type } }).formData();
    Array.from(form.elements).forEach(function (element) {
      if (!element.name || element.type === "hidden" || element.name === "website") return;
      const values = fields.getAll(element.name);
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.type === "file") {
        const file = values.find(function (value) { return value instanceof File && value.size; });
        if (file && window.DataTransfer) {
          const transfer = new DataTransfer();
          transfer.items.add(file);
          element.files = transfer.files;
        }
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.from(element.options).forEach(function (option) { option.selected = values.includes(option.value); });
      } else if (values.length) {
        element.value = values[0];
      }
    });
    ["started", "submission"].forEach(function (name) {
      if (form.elements[name] && fields.get(name)) form.elements[name].value = fields.get(name);
    });
    await Queue.remove(send.id);
    await showQueue();
    // Sent now, the server marks the answer to correct; offline, it waits in the form.
    if (navigator.onLine) form.requestSubmit();
    else form.scrollIntoView();
  }

  // --- sending what was kept -------------------------------------------------------------

  async function answerOf(response) {
    const type = response.headers.get("Content-Type") || "";
    if (!type.startsWith("application/json")) return null;
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  let sending = false;
  let again = false;

  // One round at a time. A call during a round (the network back while a timed round was
  // failing its first send) runs another round when it ends, rather than waiting for the
  // next timed one.
  async function sendKept() {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    again = false;
    try {
      const sends = await Queue.all();
      for (const send of sends) {
        if (send.refused) continue;
        let response;
        try {
          response = await fetch(send.url, {
            method: "POST",
            body: send.body,
            credentials: "same-origin",
            headers: { "Content-Type": send.type, Accept: "application/json", [Queue.HEADER]: String(send.filledAt) },
          });
        } catch (error) {
          break; // still no network: try again later
        }
        const answer = await answerOf(response);
        if (answer && answer.saved) {
          await Queue.remove(send.id);
        } else if (response.status === 422 && answer) {
          send.refused = true;
          await Queue.update(send);
        }
        // Anything else (too many at once, signed out, the server in trouble) waits for
        // the next round, and the sends after it still go.
        await showQueue();
      }
    } finally {
      sending = false;
    }
    await showQueue();
    if (again) sendKept();
  }

  // --- the interest form ---------------------------------------------------------------

  async function keepPagesForOffline() {
    if (!window.caches || !navigator.onLine) return;
    const cache = await caches.open(Queue.CACHE);
    const pages = [location.href.split("#")[0], Queue.savedPageFor(location.href)];
    // The styles, scripts and icon these pages load, read from this page, and those only
    // the saved page loads (named on the form).
    document.querySelectorAll("link[rel~=stylesheet], link[rel~=icon], script[src]").forEach(function (element) {
      pages.push(element.href || element.src);
    });
    (form.dataset.offlineAssets || "").split(" ").filter(Boolean).forEach(function (path) {
      pages.push(new URL(path, location.href).href);
    });
    for (const page of pages) {
      if (!(await cache.match(page))) await cache.add(page);
    }
  }

  async function stockTokens() {
    if (!navigator.onLine || (await Queue.tokenCount()) >= TOKEN_STOCK) return;
    const response = await fetch("/apply/start-tokens", { credentials: "same-origin" });
    const answer = await answerOf(response);
    if (answer && Array.isArray(answer.tokens)) await Queue.addTokens(answer.tokens);
  }

  // The first answer the browser finds missing or malformed. A group of checkboxes where
  // one is needed marks each box required, so a group with one ticked is answered.
  function firstMissing(target) {
    return Array.from(target.elements).find(function (element) {
      if (element.checkValidity()) return false;
      if (element.type !== "checkbox") return true;
      return !target.querySelector('input[type="checkbox"][name="' + element.name + '"]:checked');
    });
  }

  if (form) {
    window.addEventListener("pageshow", function () { freshKey(form); });
    form.addEventListener("submit", function (event) {
      // Offline nothing can check the answers: let the browser point out what is missing
      // before the sign-up is kept, rather than the server days later.
      if (navigator.onLine !== false) return;
      const missing = firstMissing(form);
      if (missing) {
        event.preventDefault();
        missing.reportValidity();
      }
    });
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/apply" })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(keepPagesForOffline)
        .then(stockTokens)
        .then(function () {
          // Says the page would survive the network going now (tests wait for it).
          document.documentElement.dataset.offlineReady = "";
        })
        .catch(function () { /* the form still works as a plain form */ });
    }
  }

  // --- the staff's quick-add at a booth --------------------------------------------------

  function say(message) {
    const status = (quickAdd.closest("section") || document).querySelector("[data-queue-said]");
    if (status) {
      status.textContent = message;
      status.hidden = false;
    }
    return status;
  }

  // An empty form for the next lead, its first field focused, and what was said on screen.
  function readyForNext(status) {
    const keep = quickAdd.elements.university_id ? quickAdd.elements.university_id.value : null;
    quickAdd.reset();
    if (keep !== null) quickAdd.elements.university_id.value = keep;
    freshKey(quickAdd);
    quickAdd.elements.first_name.focus({ preventScroll: true });
    (status || quickAdd).scrollIntoView({ block: "nearest" });
  }

  async function quickAddSubmit(event) {
    event.preventDefault();
    const filledAt = Date.now();
    const data = new FormData(quickAdd);
    const name = [data.get("first_name"), data.get("last_name")].join(" ").trim();
    let response;
    try {
      response = await fetch(quickAdd.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", [Queue.HEADER]: String(filledAt) },
      });
    } catch (error) {
      const packed = new Response(data);
      await Queue.keep({
        url: quickAdd.action,
        kind: "lead",
        label: name,
        type: packed.headers.get("Content-Type"),
        body: await packed.arrayBuffer(),
        filledAt: filledAt,
      });
      readyForNext(say(quickAdd.dataset.keptMessage.replace("{name}", name)));
      await showQueue();
      return;
    }
    const answer = await answerOf(response);
    if (answer && answer.saved) {
      readyForNext(say(answer.message));
    } else {
      // The server wants something corrected, or a sign-in: the plain form shows why.
      quickAdd.removeEventListener("submit", quickAddSubmit);
      quickAdd.submit();
    }
  }

  if (quickAdd) {
    freshKey(quickAdd);
    quickAdd.addEventListener("submit", quickAddSubmit);
  }

  // --- when to send --------------------------------------------------------------------

  window.addEventListener("online", sendKept);
  window.setInterval(sendKept, RETRY_MS);
  showQueue().then(sendKept);
})();
