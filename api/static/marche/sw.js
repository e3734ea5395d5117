/* Cartégalité — service worker of the field app (/marche).
 *
 * Served by the app at /marche/sw.js (Service-Worker-Allowed: /marche), which replaces the two
 * placeholders below: VERSION is a hash of everything cached, SHELL the list of URLs.
 *
 * - install: cache the app shell (the page, its scripts and styles, Leaflet) in one go;
 * - activate: drop the caches of older versions, take control of open pages;
 * - fetch: the shell and static files come from the cache first (the app opens without
 *   network), refreshed in the background; the API is never touched here — the page keeps the
 *   observations in IndexedDB and sends them itself, so a request to /api either reaches the
 *   server or fails visibly.
 */
"use strict";

const VERSION = "__VERSION__";
const SHELL = "__SHELL__";
const CACHE = "cg-marche-" + VERSION;
const PAGE = "/marche";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("cg-marche-") && key !== CACHE)
          .map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

function isShell(url) {
  return url.pathname === PAGE || url.pathname.startsWith("/static/");
}

async function fromCacheThenRefresh(event, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key, { ignoreSearch: true });
  const refresh = fetch(event.request)
    .then((response) => {
      if (response.ok && response.type === "basic") {
        cache.put(key, response.clone());
      }
      return response;
    });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !isShell(url)) return;  // API: straight to network
  const key = request.mode === "navigate" ? PAGE : request;
  event.respondWith(fromCacheThenRefresh(event, key));
});
