/* Recruit's service worker for the students' interest form (/apply and each event's
 * /apply/<slug>, kiosk mode included).
 *
 * A fair hall's network comes and goes. When a student presses Send and the network is
 * down, the submission (with its resume) is kept on the device and the student is shown
 * a page that says so; the form's pages send what was kept as soon as the network is back
 * (static/js/offline.js). The form's pages and their styles are kept too, so a kiosk
 * keeps taking sign-ups offline, each with a start token of its own.
 */
"use strict";

importScripts("/static/js/send-queue.js");

const Queue = self.RecruitQueue;
// How long to wait for the server before treating the network as down: a hall's network
// often fails by never answering rather than by refusing.
const PAGE_WAIT_MS = 6000;
const SEND_WAIT_MS = 20000;
const NOT_FORMS = new Set(["thanks", "openings", "status", "start-tokens"]);

self.addEventListener("install", function (event) {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names
          .filter(function (name) { return name.startsWith("recruit-apply-") && name !== Queue.CACHE; })
          .map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function isForm(url) {
  const match = url.pathname.match(/^\/apply(?:\/([^/]+))?$/);
  return Boolean(match) && !NOT_FORMS.has(match[1]);
}

function isPage(url) {
  return isForm(url) || url.pathname === "/apply/thanks";
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && isForm(url)) {
    event.respondWith(sendOrKeep(request));
  } else if (request.method === "GET" && request.mode === "navigate" && isPage(url)) {
    event.respondWith(networkFirst(request, isForm(url)));
  } else if (request.method === "GET" && url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(request, false));
  }
});

function within(request, milliseconds) {
  const controller = new AbortController();
  const timer = setTimeout(function () { controller.abort(); }, milliseconds);
  return fetch(request, { signal: controller.signal }).finally(function () { clearTimeout(timer); });
}

// Send the form; if the network is down, keep the submission and say so.
async function sendOrKeep(request) {
  const copy = request.clone();
  try {
    return await within(request, SEND_WAIT_MS);
  } catch (error) {
    const filledAt = Date.now();
    const body = await copy.clone().arrayBuffer();
    const fields = await copy.formData();
    await Queue.keep({
      url: request.url,
      kind: "form",
      // Who it is, for the rare send the server later refuses and someone must correct.
      label: [fields.get("first_name"), fields.get("last_name")].join(" ").trim(),
      type: copy.headers.get("Content-Type"),
      body: body,
      filledAt: filledAt,
    });
    return Response.redirect(Queue.savedPageFor(request.url), 303);
  }
}

// The page from the server when it answers; else the copy kept from its last visit.
async function networkFirst(request, isFormPage) {
  const cache = await caches.open(Queue.CACHE);
  try {
    const response = await within(request, PAGE_WAIT_MS);
    if (response.ok && !response.redirected && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (!kept) throw error;
    return isFormPage ? withOwnStart(kept) : kept;
  }
}

// The kept form carries the start token of the page it was copied from, which a sign-up
// may already have used: give this student one of the kiosk's own.
async function withOwnStart(kept) {
  const token = await Queue.takeToken();
  if (!token) return kept;
  const page = await kept.text();
  const fresh = page.replace(/(<input[^>]*name="started"[^>]*value=")[^"]*"/, "$1" + token + '"');
  return new Response(fresh, { status: 200, headers: kept.headers });
}
