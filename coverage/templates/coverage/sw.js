/* Service worker of the coverage field form (rendered by coverage.views.field_service_worker).
 * The form page is network-first (a fresh CSRF token and village list when online) and falls back
 * to the cached copy offline; its modules, styles and icons (CONFIG.assets: every module of
 * coverage/static/coverage/field/) are cache-first. API calls are never intercepted: the page
 * keeps unsent surveys in IndexedDB and sends them itself. */
"use strict";
const CONFIG = {{ config|safe }};
const CACHE = "coverage-field-" + CONFIG.version;

async function install() {
  const cache = await caches.open(CACHE);
  await cache.addAll([...CONFIG.assets, CONFIG.manifest]);
  const page = await fetch(CONFIG.page, { credentials: "same-origin" });
  if (page.ok && !page.redirected) {
    await cache.put(CONFIG.page, page);
  }
  await self.skipWaiting();
}

async function activate() {
  const old = (await caches.keys()).filter((key) => key.startsWith("coverage-field-") && key !== CACHE);
  await Promise.all(old.map((key) => caches.delete(key)));
  await self.clients.claim();
}

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(CONFIG.page, response.clone());
    }
    return response;
  } catch (error) {
    const copy = await cache.match(CONFIG.page);
    if (copy) {
      return copy;
    }
    throw error;
  }
}

async function asset(request, path) {
  const cache = await caches.open(CACHE);
  return (await cache.match(path)) || fetch(request);
}

self.addEventListener("install", (event) => event.waitUntil(install()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === CONFIG.page) {
    event.respondWith(page(request));
  } else if (CONFIG.assets.includes(url.pathname) || url.pathname === CONFIG.manifest) {
    event.respondWith(asset(request, url.pathname));
  }
});
