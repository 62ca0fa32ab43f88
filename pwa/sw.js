// The service worker: precache the shell listed in precache.js (generated from the files' hashes by the
// server, so any change makes a new version), serve it offline, and nothing else — data lives in
// IndexedDB and goes through api.js. A new version waits until the page asks it to take over.

importScripts('precache.js');

const PREFIX = 'choucha-shell-';
const CACHE = PREFIX + self.PRECACHE.version;
const SCOPE = new URL('./', self.location).pathname;
const URLS = new Map(self.PRECACHE.files.map(([path, hash]) => [new URL(path, self.location).pathname, hash]));

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // ?v=hash bypasses any HTTP cache in between: the bytes stored are the bytes listed
    await Promise.all([...URLS].map(async ([path, hash]) => {
      const response = await fetch(`${path}?v=${hash}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`precache ${path}: ${response.status}`);
      await cache.put(path, response);
    }));
    if (!self.registration.active) await self.skipWaiting(); // the first install has nobody to disturb
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) return;
  const path = event.request.mode === 'navigate' ? `${SCOPE}index.html` : url.pathname;
  if (!URLS.has(path)) return; // not part of the shell (the API, media): straight to the network
  event.respondWith((async () => {
    const cached = await caches.match(path, { cacheName: CACHE });
    return cached || fetch(event.request);
  })());
});

// Background Sync where the browser has it: wake the page to sync (the token is only in the page).
self.addEventListener('sync', (event) => {
  if (event.tag !== 'choucha-sync') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((clients) => {
    for (const client of clients) client.postMessage({ type: 'sync' });
  }));
});
