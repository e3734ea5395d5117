/* The sync loop: sends what waits on the phone, and forgets it only once the server said it
 * holds it.
 *
 * One cycle, in order (each step is idempotent, so a cycle cut anywhere is simply run again):
 *   1. deletions asked by the author (DELETE; 404 = already gone);
 *   2. new observations, in batches (POST /api/observations/batch): created or duplicate = the
 *      server holds it; a conflict for one sent before is checked with sync-status: held = an
 *      earlier cut attempt stored an older content, which step 3 corrects; else a refusal;
 *   3. corrections (PATCH with the version the phone knows; a resend is recognised);
 *   4. photos (POST …/photos with the photo's own UUID: a restarted upload is recognised);
 *   5. POST /api/observations/sync-status: which ids the server holds and which photos it still
 *      expects; only held observations whose photos all arrived are forgotten locally;
 *   6. the author's list and the walk are refreshed (to show what was sent, and a closed walk).
 * A network failure (or 5xx/429) ends the cycle and schedules the next one with exponential
 * backoff (1 s, 2 s, 4 s … 60 s, with jitter); coming back online, saving an observation or
 * showing the page again starts one at once. A refusal by the server (4xx) is recorded on the
 * observation with the server's French reason and stops only that observation.
 */

import { ApiError, call } from "./api.js";
import * as store from "./store.js";

const BATCH = 100;
const STATUS_CHUNK = 500;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 60000;
const PERIOD_MS = 30000;

export const state = {
  running: false,
  failures: 0,
  lastError: null,
  nextTry: null,
  lastSuccess: null,
  authLost: false,
};

const listeners = new Set();
let timer = null;
let current = null;
let again = false;

export function onChange(listener) {
  listeners.add(listener);
}

function notify() {
  for (const listener of listeners) listener(state);
}

/** Run a cycle now (or right after the one running). */
export function kick() {
  if (timer) {
    window.clearTimeout(timer);
    timer = null;
  }
  if (current) {
    again = true;
    return current;
  }
  current = run().finally(() => {
    current = null;
    if (again) {
      again = false;
      kick();
    }
  });
  return current;
}

function schedule() {
  const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, state.failures - 1));
  const jittered = Math.round(delay * (0.75 + Math.random() * 0.5));
  state.nextTry = Date.now() + jittered;
  timer = window.setTimeout(() => {
    timer = null;
    kick();
  }, jittered);
}

async function run() {
  const session = store.session();
  if (!session || state.authLost) return;
  state.running = true;
  notify();
  try {
    const cycle = () => runCycle(session.walkId);
    if (navigator.locks) await navigator.locks.request("cg-marche-sync", cycle);
    else await cycle();
    state.failures = 0;
    state.lastError = null;
    state.nextTry = null;
    state.lastSuccess = Date.now();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      state.authLost = true;
      state.lastError = err.detail;
    } else {
      state.failures += 1;
      state.lastError = err instanceof ApiError ? err.detail : String(err && err.message ? err.message : err);
      schedule();
    }
  } finally {
    state.running = false;
    notify();
  }
}

/** Retryable errors end the cycle; refusals are returned to be recorded on the observation. */
function refusal(err) {
  if (err instanceof ApiError && !err.retryable && err.status !== 401) return err;
  throw err;
}

async function runCycle(walkId) {
  await deletions(walkId);
  await creations(walkId);
  await presenceCounts(walkId);
  await corrections(walkId);
  await uploads(walkId);
  await confirm(walkId);
  await refresh(walkId);
}

/** Counts of who is present at a stop: POST /api/presence with the phone's id (a resend is
 * answered 200 and never stored twice); forgotten once the server holds it. */
async function presenceCounts(walkId) {
  const records = (await store.counts(walkId)).filter((r) => !r.blocked);
  for (const record of records) {
    try {
      await call("/api/presence", { method: "POST", json: record.content });
    } catch (err) {
      const refused = refusal(err);
      await store.updateCount(record.id, (r) => {
        r.blocked = true;
        r.error = refused.detail || "comptage refusé par le serveur";
      });
      continue;
    }
    await store.forgetCount(record.id);
  }
}

async function deletions(walkId) {
  const records = (await store.observations(walkId)).filter((r) => r.deleting && !r.blocked);
  for (const record of records) {
    if (!record.server && !record.attempted) {
      await store.forgetObservation(record.id);
      continue;
    }
    try {
      await call(`/api/observations/${record.id}`, { method: "DELETE" });
    } catch (err) {
      const refused = refusal(err);
      if (refused.status !== 404) {
        await store.updateObservation(record.id, (r) => {
          r.deleting = false;
          r.blocked = true;
          r.error = `suppression refusée : ${refused.detail}`;
        });
        continue;
      }
    }
    await store.forgetObservation(record.id);
    await dropFromServerList(record.id);
  }
}

async function creations(walkId) {
  const records = (await store.observations(walkId)).filter(
    (r) => r.dirty && !r.server && !r.deleting && !r.blocked,
  );
  for (let i = 0; i < records.length; i += BATCH) {
    const chunk = records.slice(i, i + BATCH);
    for (const record of chunk) {
      await store.updateObservation(record.id, (r) => { r.attempted = true; });
    }
    const answer = await call("/api/observations/batch", {
      method: "POST",
      json: { items: chunk.map((r) => r.content) },
    });
    const doubtful = [];
    for (const result of answer.results) {
      const sent = chunk[result.index];
      if (result.status === "conflict" && sent.attempted) doubtful.push({ sent, result });
      else await recordResult(sent, result);
    }
    await settleConflicts(doubtful);
  }
}

async function recordResult(sent, result) {
  await store.updateObservation(sent.id, (r) => {
    if (result.status === "created" || result.status === "duplicate") {
      r.server = { version: 1 };
      if (r.rev === sent.rev) r.dirty = false;
      r.error = null;
    } else {
      r.blocked = true;
      r.error = result.detail || "observation refusée par le serveur";
    }
  });
}

/**
 * A conflict for an observation already sent once: either an earlier attempt reached the
 * server before the content was changed here (the server holds it: correct it, step 3), or the
 * server refuses it for another reason (closed walk…). sync-status tells which.
 */
async function settleConflicts(doubtful) {
  if (!doubtful.length) return;
  const answer = await call("/api/observations/sync-status", {
    method: "POST",
    json: { ids: doubtful.map((d) => d.sent.id) },
  });
  const held = new Set(answer.items.filter((i) => i.held).map((i) => i.id));
  for (const { sent, result } of doubtful) {
    if (held.has(sent.id)) {
      await store.updateObservation(sent.id, (r) => { r.server = { version: 1 }; });
    } else {
      await recordResult(sent, result);
    }
  }
}

/** The fields a correction carries (identity and time stay as first sent). */
function correction(record) {
  const c = record.content;
  return {
    base_version: record.server.version,
    location: c.location,
    stop_id: c.stop_id,
    theme: c.theme,
    items: c.items,
    rating: c.rating,
    feeling: c.feeling,
    works_well: c.works_well,
    comment: c.comment,
    proposal: c.proposal,
    photo_ids: c.photo_ids,
  };
}

async function corrections(walkId) {
  const records = (await store.observations(walkId)).filter(
    (r) => r.dirty && r.server && !r.deleting && !r.blocked,
  );
  for (const record of records) {
    let body;
    try {
      body = await call(`/api/observations/${record.id}`, { method: "PATCH", json: correction(record) });
    } catch (err) {
      const refused = refusal(err);
      await store.updateObservation(record.id, (r) => {
        if (refused.status === 404) {
          r.server = null;  // the server no longer has it: send it again as new
        } else {
          r.blocked = true;
          r.error = `correction refusée : ${refused.detail}`;
        }
      });
      continue;
    }
    await store.updateObservation(record.id, (r) => {
      r.server = { version: body.version };
      if (r.rev === record.rev) r.dirty = false;
      r.error = null;
    });
  }
}

async function uploads(walkId) {
  const records = (await store.observations(walkId)).filter(
    (r) => r.server && !r.deleting && !r.blocked,
  );
  for (const record of records) {
    for (const photo of await store.photosOf(record.id)) {
      if (!record.content.photo_ids.includes(photo.id)) {
        await store.forgetPhoto(photo.id);  // removed by a correction
        continue;
      }
      if (photo.uploaded) continue;
      const form = new FormData();
      form.append("photo_id", photo.id);
      form.append("file", photo.blob, `${photo.id}.jpg`);
      try {
        await call(`/api/observations/${record.id}/photos`, { method: "POST", form });
      } catch (err) {
        const refused = refusal(err);
        await store.updateObservation(record.id, (r) => {
          r.blocked = true;
          r.error = `photo refusée : ${refused.detail}`;
        });
        break;
      }
      await store.savePhoto({ ...photo, uploaded: true });
    }
  }
}

async function confirm(walkId) {
  const records = (await store.observations(walkId)).filter(
    (r) => (r.server || r.attempted) && !r.deleting && !r.blocked,
  );
  for (let i = 0; i < records.length; i += STATUS_CHUNK) {
    const chunk = records.slice(i, i + STATUS_CHUNK);
    const answer = await call("/api/observations/sync-status", {
      method: "POST",
      json: { ids: chunk.map((r) => r.id) },
    });
    for (const item of answer.items) await settle(item);
  }
}

/** Apply what sync-status said about one observation. */
async function settle(item) {
  const photos = await store.photosOf(item.id);
  const received = new Set(item.photos_received);
  if (!item.held) {
    await store.updateObservation(item.id, (r) => {
      r.server = null;
      r.dirty = true;  // sent again at the next cycle
    });
    for (const photo of photos) await store.savePhoto({ ...photo, uploaded: false });
    return;
  }
  let waiting = 0;
  for (const photo of photos) {
    if (received.has(photo.id)) await store.forgetPhoto(photo.id);
    else {
      waiting += 1;
      if (photo.uploaded) await store.savePhoto({ ...photo, uploaded: false });  // lost: resend
    }
  }
  const record = await store.updateObservation(item.id, (r) => {
    if (!r.server) r.server = { version: 1 };
  });
  if (record && !record.dirty && waiting === 0) {
    await store.forgetObservation(item.id);  // the server holds it and all its photos
  }
}

async function refresh(walkId) {
  const [mine, walk] = await Promise.all([
    call("/api/me/observations"),
    call(`/api/walks/${walkId}`),
  ]);
  await store.setKv("mine", mine);
  store.saveWalk(walk);
}

async function dropFromServerList(id) {
  const mine = await store.getKv("mine");
  if (!mine) return;
  mine.items = mine.items.filter((item) => item.id !== id);
  mine.count = mine.items.length;
  await store.setKv("mine", mine);
}

/** What waits, what failed, what was sent — for the page. */
export async function summary(walkId) {
  const records = await store.observations(walkId);
  const photos = await store.allPhotos();
  const mine = (await store.getKv("mine")) || { items: [] };
  const local = new Set(records.map((r) => r.id));
  const waiting = records.filter((r) => !r.blocked);
  const failed = records.filter((r) => r.blocked);
  const photoCounts = new Map();
  for (const photo of photos) {
    if (local.has(photo.obsId)) photoCounts.set(photo.obsId, (photoCounts.get(photo.obsId) || 0) + 1);
  }
  const pendingPhotos = Array.from(photoCounts.values()).reduce((a, b) => a + b, 0);
  const sent = mine.items.filter((item) => !local.has(item.id)).length;
  return { waiting, failed, pendingPhotos, photoCounts, sent, records, mine };
}

/** Start the triggers: network back, page shown again, periodic check while something waits. */
export function start() {
  window.addEventListener("online", () => kick());
  window.addEventListener("offline", () => notify());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") kick();
  });
  window.setInterval(async () => {
    const session = store.session();
    if (!session || current || timer) return;
    const records = await store.observations(session.walkId);
    if (records.some((r) => !r.blocked)) kick();
  }, PERIOD_MS);
  kick();
}

/** Clear an observation's failure so the next cycle tries it again. */
export async function retry(id) {
  await store.updateObservation(id, (r) => {
    r.blocked = false;
    r.error = null;
  });
  state.authLost = false;
  return kick();
}
