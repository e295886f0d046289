/* Recruit: sign-ups kept on this device while the network is down.
 *
 * Shared by the pages that send them (static/js/offline.js) and by the interest form's
 * service worker (/sw.js). Two IndexedDB stores: "sends", the submissions waiting for
 * the network, oldest first; and "tokens", start tokens a kiosk keeps so that each
 * student who signs up offline has one of their own (a token saves one submission).
 */
(function (scope) {
  "use strict";

  const DB_NAME = "recruit-offline";
  const DB_VERSION = 1;

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDatabase() {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("sends", { keyPath: "id", autoIncrement: true });
      request.result.createObjectStore("tokens", { autoIncrement: true });
    };
    return done(request);
  }

  // Run work(store) in one transaction; resolves with what work's request gave, once the
  // transaction has committed (so a page that reads next sees it).
  async function inStore(name, mode, work) {
    const database = await openDatabase();
    try {
      const transaction = database.transaction(name, mode);
      const result = work(transaction.objectStore(name));
      const finished = new Promise(function (resolve, reject) {
        transaction.oncomplete = resolve;
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
      const value = await result;
      await finished;
      return value;
    } finally {
      database.close();
    }
  }

  // Where a device that kept a sign-up sends the student: the thank-you page saying so,
  // for the same event, kiosk and language as the form. The form's page stores this page
  // for offline use under the very same address, so both are built here.
  function savedPageFor(formAddress) {
    const form = new URL(formAddress);
    const saved = new URL("/apply/thanks", form);
    const event = form.pathname.match(/^\/apply\/([^/]+)$/);
    if (event) saved.searchParams.set("event", decodeURIComponent(event[1]));
    if (form.searchParams.get("kiosk") === "1") saved.searchParams.set("kiosk", "1");
    if (form.searchParams.get("lang")) saved.searchParams.set("lang", form.searchParams.get("lang"));
    saved.searchParams.set("queued", "1");
    return saved.href;
  }

  scope.RecruitQueue = {
    // The header that marks a send kept on the device, with the time it was filled in.
    HEADER: "X-Recruit-Queued",
    CACHE: "recruit-apply-v1",
    savedPageFor: savedPageFor,

    keep: function (send) {
      return inStore("sends", "readwrite", function (store) { return done(store.add(send)); });
    },
    update: function (send) {
      return inStore("sends", "readwrite", function (store) { return done(store.put(send)); });
    },
    remove: function (id) {
      return inStore("sends", "readwrite", function (store) { return done(store.delete(id)); });
    },
    // Every send waiting, oldest first (keys grow with each one kept).
    all: function () {
      return inStore("sends", "readonly", function (store) { return done(store.getAll()); });
    },

    addTokens: function (tokens) {
      return inStore("tokens", "readwrite", function (store) {
        tokens.forEach(function (token) { store.add(token); });
        return done(store.count());
      });
    },
    tokenCount: function () {
      return inStore("tokens", "readonly", function (store) { return done(store.count()); });
    },
    // The newest kept token, removed from the stock, or undefined when none is left: a
    // token expires some days after it was made, so the freshest goes first.
    takeToken: function () {
      return inStore("tokens", "readwrite", function (store) {
        return done(store.openCursor(null, "prev")).then(function (cursor) {
          if (!cursor) return undefined;
          cursor.delete();
          return cursor.value;
        });
      });
    },
  };
})(self);
