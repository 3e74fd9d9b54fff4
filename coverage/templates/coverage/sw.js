/* Service worker of the coverage field form (rendered by coverage.views.field_service_worker).
 * The form page is network-first (a fresh CSRF token and village list when online) and falls back
 * to the cached copy offline; its scripts, styles and icons are cache-first. API calls are never
 * intercepted: the page keeps unsent surveys in IndexedDB and sends them itself. */
"use strict";
var CONFIG = {{ config|safe }};
var CACHE = "coverage-field-" + CONFIG.version;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache
        .addAll(CONFIG.assets.concat([CONFIG.manifest]))
        .then(function () {
          return fetch(CONFIG.page, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) {
              return cache.put(CONFIG.page, response);
            }
          });
        });
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(
        keys.filter(function (key) {
          return key.indexOf("coverage-field-") === 0 && key !== CACHE;
        }).map(function (key) {
          return caches.delete(key);
        })
      );
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === CONFIG.page) {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok && !response.redirected) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) {
              cache.put(CONFIG.page, copy);
            });
          }
          return response;
        })
        .catch(function () {
          return caches.open(CACHE).then(function (cache) {
            return cache.match(CONFIG.page);
          });
        })
    );
    return;
  }
  if (CONFIG.assets.indexOf(url.pathname) !== -1 || url.pathname === CONFIG.manifest) {
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) {
          return hit || fetch(request);
        });
      })
    );
  }
});
