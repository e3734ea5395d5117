/* What the phone keeps: the session (token, walk) in localStorage; observations waiting to be
 * sent, their photos (Blobs) and the last list received from the server in IndexedDB.
 *
 * Local observation record:
 *   { id, walkId, createdAt, content,          // content: the body sent to the server
 *     server: null | { version },               // the server is known to hold this version
 *     attempted: bool,                          // a creation was sent at least once
 *     dirty: bool,                              // content not yet accepted by the server
 *     deleting: bool,                           // the author asked for its deletion
 *     blocked: bool, error: string | null }     // refused by the server (why, in French)
 * Photo record: { id, obsId, blob, width, height }
 * A record is forgotten only once the server confirmed (sync-status) it holds it and its photos.
 */

const DB_NAME = "cartegalite-marche";
const DB_VERSION = 2;
const SESSION = "cg-marche-session";
const WALK = "cg-marche-walk";
const GRID = "cg-marche-grid";
const HELP = "cg-marche-help";

let dbPromise = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction annulée"));
  });
}

export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = (event) => {
        const db = request.result;
        if (event.oldVersion < 1) {
          const obs = db.createObjectStore("observations", { keyPath: "id" });
          obs.createIndex("walkId", "walkId");
          const photos = db.createObjectStore("photos", { keyPath: "id" });
          photos.createIndex("obsId", "obsId");
          db.createObjectStore("kv", { keyPath: "key" });
        }
        if (event.oldVersion < 2) {
          // presence counts at a stop (« Sports et femmes »): { id, walkId, createdAt,
          // content, blocked, error }, forgotten once the server holds them
          const counts = db.createObjectStore("counts", { keyPath: "id" });
          counts.createIndex("walkId", "walkId");
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return dbPromise;
}

/** Save a record with new photos and without the photos listed in ``dropPhotoIds``, atomically. */
export async function saveObservation(record, newPhotos = [], dropPhotoIds = []) {
  const db = await openDb();
  const tx = db.transaction(["observations", "photos"], "readwrite");
  tx.objectStore("observations").put(record);
  const photos = tx.objectStore("photos");
  for (const photo of newPhotos) photos.put(photo);
  for (const id of dropPhotoIds) photos.delete(id);
  return done(tx);
}

export async function getObservation(id) {
  const db = await openDb();
  return promised(db.transaction("observations").objectStore("observations").get(id));
}

export async function observations(walkId) {
  const db = await openDb();
  const index = db.transaction("observations").objectStore("observations").index("walkId");
  const all = await promised(index.getAll(walkId));
  return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Forget a record and its photos (after the server confirmed, or a local-only deletion). */
export async function forgetObservation(id) {
  const db = await openDb();
  const tx = db.transaction(["observations", "photos"], "readwrite");
  tx.objectStore("observations").delete(id);
  const index = tx.objectStore("photos").index("obsId");
  const keys = await promised(index.getAllKeys(id));
  for (const key of keys) tx.objectStore("photos").delete(key);
  return done(tx);
}

export async function photosOf(obsId) {
  const db = await openDb();
  return promised(db.transaction("photos").objectStore("photos").index("obsId").getAll(obsId));
}

export async function allPhotos() {
  const db = await openDb();
  return promised(db.transaction("photos").objectStore("photos").getAll());
}

export async function savePhoto(photo) {
  const db = await openDb();
  const tx = db.transaction("photos", "readwrite");
  tx.objectStore("photos").put(photo);
  return done(tx);
}

export async function forgetPhoto(id) {
  const db = await openDb();
  const tx = db.transaction("photos", "readwrite");
  tx.objectStore("photos").delete(id);
  return done(tx);
}

/** Apply ``change(record)`` to the record ``id`` of ``storeName`` (if it still exists). */
async function updateIn(storeName, id, change) {
  const db = await openDb();
  const tx = db.transaction(storeName, "readwrite");
  const store = tx.objectStore(storeName);
  const record = await promised(store.get(id));
  if (record) {
    change(record);
    store.put(record);
  }
  await done(tx);
  return record;
}

/** Apply ``change(record)`` to the stored observation (if it still exists) and save it. */
export function updateObservation(id, change) {
  return updateIn("observations", id, change);
}

export async function getKv(key) {
  const db = await openDb();
  const row = await promised(db.transaction("kv").objectStore("kv").get(key));
  return row ? row.value : undefined;
}

export async function setKv(key, value) {
  const db = await openDb();
  const tx = db.transaction("kv", "readwrite");
  tx.objectStore("kv").put({ key, value });
  return done(tx);
}

function readJson(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

export const session = () => readJson(SESSION);
export const cachedWalk = () => readJson(WALK);
export const cachedGrid = () => readJson(GRID);
export const saveSession = (value) => window.localStorage.setItem(SESSION, JSON.stringify(value));
export const saveWalk = (value) => window.localStorage.setItem(WALK, JSON.stringify(value));
export const saveGrid = (value) => window.localStorage.setItem(GRID, JSON.stringify(value));
/** Help lines and nearest support actors of the walk, kept for use offline. */
export const cachedHelp = () => readJson(HELP);
export const saveHelp = (value) => window.localStorage.setItem(HELP, JSON.stringify(value));

/** Leave the walk on this phone (only when nothing waits to be sent). */
export async function clearAll() {
  for (const key of [SESSION, WALK, GRID, HELP]) window.localStorage.removeItem(key);
  const db = await openDb();
  const tx = db.transaction(["observations", "photos", "kv"], "readwrite");
  for (const name of ["observations", "photos", "kv"]) tx.objectStore(name).clear();
  return done(tx);
}

// --- presence counts -------------------------------------------------------------------------

export async function saveCount(record) {
  const db = await openDb();
  const tx = db.transaction("counts", "readwrite");
  tx.objectStore("counts").put(record);
  return done(tx);
}

export async function counts(walkId) {
  const db = await openDb();
  return promised(db.transaction("counts").objectStore("counts").index("walkId").getAll(walkId));
}

export async function forgetCount(id) {
  const db = await openDb();
  const tx = db.transaction("counts", "readwrite");
  tx.objectStore("counts").delete(id);
  return done(tx);
}

export function updateCount(id, change) {
  return updateIn("counts", id, change);
}
