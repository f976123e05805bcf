// The service worker: keeps the child's survey usable without a network. It serves only what
// the survey needs offline, from the cache "veilig" that the survey page fills (survey.js):
// the survey documents, the hashed assets, the quick-exit page and (on kiosk tablets) the start
// page. Everything else, staff pages and the API included, goes to the network untouched, and
// nothing a child answers ever passes through here.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function offlinePage(path) {
  return path.indexOf("/survey/app/") === 0 || path === "/exit" || path === "/";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (path.indexOf("/assets/") === 0) {
    // A hashed file never changes: the cached copy is the right one.
    event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (!offlinePage(path)) return;
  // Pages: the network first (it may know better), the cached copy when it cannot be reached.
  // The start page is cached without its query (a QR link's code is never kept).
  event.respondWith(fetch(request).catch(function () {
    return caches.match(path === "/" ? "/" : request, { ignoreVary: true }).then(function (hit) {
      return hit || Response.error();
    });
  }));
});
