/* Cartégalité — the walkers' field app (/marche).
 *
 * One page, four views chosen by the address's fragment: #rejoindre (join with the invite
 * code), #marche (the walk: stops, route, what waits to be sent), #saisie and #corriger/<id>
 * (the capture form), #mes-observations. Everything needed to open the page and capture is
 * cached by the service worker; observations wait in IndexedDB until the server confirms them.
 */

import { ApiError, call } from "./api.js";
import * as capture from "./capture.js";
import * as counting from "./counting.js";
import * as list from "./list.js";
import { createMap } from "./mapview.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { $, announce, el, formatDate, formatTime, plural } from "./ui.js";

const VIEWS = ["v-join", "v-walk", "v-capture", "v-list", "v-count"];
const SLOTS = { jour: "de jour", soiree: "en soirée", nuit: "de nuit" };

let walkMap = null;
let pendingFlash = null;

const ctx = {
  walk: () => store.cachedWalk(),
  grid: () => store.cachedGrid(),
  flash: (message) => { pendingFlash = message; },
};

function show(id, headingId) {
  for (const view of VIEWS) $(view).hidden = view !== id;
  $("booting").hidden = true;
  if (pendingFlash) {
    const section = $(id);
    const notice = el("p", { class: "notice flash", role: "status", text: pendingFlash });
    section.querySelector(".flash")?.remove();
    section.querySelector("h1").after(notice);
    pendingFlash = null;
  } else {
    document.querySelectorAll(".flash").forEach((n) => n.remove());
  }
  const heading = $(headingId);
  if (heading) heading.focus();
  window.scrollTo(0, 0);
}

// --- routing -------------------------------------------------------------------------------------

async function route() {
  const hash = window.location.hash.replace(/^#/, "");
  if (!store.session() || !ctx.grid()) {
    if (!hash.startsWith("corriger")) capture.close();
    return showJoin();
  }
  const walk = ctx.walk();
  const open = !walk || walk.is_open !== false;
  if (hash === "saisie" && open) {
    await capture.openNew();
    return show("v-capture", "t-capture");
  }
  if (hash.startsWith("corriger/") && open) {
    if (await capture.openEdit(decodeURIComponent(hash.slice("corriger/".length)))) {
      return show("v-capture", "t-capture");
    }
  }
  capture.close();
  if (hash === "comptage" && open && counting.available()) {
    counting.open();
    return show("v-count", "t-count");
  }
  if (hash === "mes-observations") {
    await list.render();
    return show("v-list", "t-list");
  }
  if (hash !== "marche" && hash !== "") {
    window.history.replaceState(null, "", "#marche");
  }
  await renderWalk();  // the sync panel is up to date before the view shows
  return show("v-walk", "t-walk");
}

// --- join ----------------------------------------------------------------------------------------

function showJoin() {
  const params = new URLSearchParams(window.location.search);
  if (params.get("code") && !$("join-code").value) $("join-code").value = params.get("code");
  show("v-join", "t-join");
  if ("BarcodeDetector" in window && navigator.mediaDevices) $("scan-box").hidden = false;
}

async function join(event) {
  event.preventDefault();
  const error = $("join-error");
  const code = $("join-code").value.trim();
  const pseudonym = $("join-pseudo").value.trim();
  error.textContent = "";
  if (!code || !pseudonym) {
    error.textContent = !code ? "Entrez le code d'invitation." : "Choisissez un pseudonyme.";
    (!code ? $("join-code") : $("join-pseudo")).focus();
    return;
  }
  const button = $("join-submit");
  button.disabled = true;
  button.textContent = "Connexion…";
  try {
    const joined = await call("/api/walks/join", {
      method: "POST", json: { invite_code: code, pseudonym }, auth: false,
    });
    const [walk, grid] = await Promise.all([
      call(`/api/walks/${joined.walk_id}`, { token: joined.token }),
      call("/api/grid", { auth: false }),
    ]);
    store.saveSession({
      token: joined.token, walkId: joined.walk_id, participantId: joined.participant_id, pseudonym,
    });
    store.saveWalk(walk);
    store.saveGrid(grid);
    await cacheHelp(joined.walk_id, joined.token);
    sync.state.authLost = false;
    ctx.flash(`Bienvenue ${pseudonym} : vous avez rejoint la marche.`);
    window.history.replaceState(null, "", "/marche#marche");
    await route();
    sync.kick();
  } catch (err) {
    if (err instanceof ApiError && err.status === 0) {
      error.textContent = "Pas de réseau : il faut être en ligne pour rejoindre la marche (une seule fois ; ensuite l'application marche sans réseau).";
    } else if (err instanceof ApiError && err.status === 404) {
      error.textContent = "Code inconnu : vérifiez les 8 caractères donnés par l'animatrice.";
      $("join-code").focus();
    } else {
      error.textContent = `Impossible de rejoindre la marche : ${err instanceof ApiError ? err.readable : err.message}`;
    }
  } finally {
    button.disabled = false;
    button.textContent = "Rejoindre la marche";
  }
}

// --- QR code (only where the browser can read one itself: no library is downloaded) --------------

let scanning = null;

async function scan() {
  const status = $("scan-status");
  const video = $("scan-video");
  if (scanning) return stopScan();
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    scanning = stream;
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    $("scan-btn").textContent = "Arrêter la caméra";
    status.textContent = "Visez le QR code de l'animatrice.";
    const tick = async () => {
      if (!scanning) return;
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        const raw = codes[0].rawValue;
        let code = raw;
        try { code = new URL(raw).searchParams.get("code") || raw; } catch { /* a bare code */ }
        $("join-code").value = code;
        status.textContent = "Code lu. Choisissez maintenant un pseudonyme.";
        stopScan();
        $("join-pseudo").focus();
        return;
      }
      window.setTimeout(tick, 300);
    };
    tick();
  } catch {
    status.textContent = "Caméra indisponible : tapez le code.";
    stopScan();
  }
}

function stopScan() {
  if (scanning) scanning.getTracks().forEach((t) => t.stop());
  scanning = null;
  $("scan-video").hidden = true;
  $("scan-btn").textContent = "Scanner le QR code avec la caméra";
}

// --- the walk ----------------------------------------------------------------------------------

async function renderWalk() {
  const walk = ctx.walk();
  if (!walk) return;
  $("t-walk").textContent = walk.title;
  const meta = [formatDate(walk.date), SLOTS[walk.time_slot] || walk.time_slot, walk.status_label].filter(Boolean);
  $("walk-meta").textContent = meta.join(" · ");
  $("walk-closed").hidden = walk.is_open !== false;
  $("new-obs").hidden = walk.is_open === false;
  $("count-entry").hidden = walk.is_open === false || !counting.available();
  const stops = walk.stops || [];
  $("stops-list").replaceChildren(...stops.map((s) => el("li", {},
    el("span", { class: "stop-badge", "aria-hidden": "true", text: String(s.position) }),
    el("span", { text: `Arrêt n°${s.position} : ${s.name}` }))));
  $("no-stops").hidden = stops.length > 0;
  if (!walkMap) walkMap = createMap($("walk-map"), walk);
  else walkMap.refresh();
  await renderSync();
}

async function renderSync() {
  const session = store.session();
  if (!session) return;
  const summary = await sync.summary(session.walkId);
  const state = sync.state;
  const waiting = summary.waiting.length;
  const failed = summary.failed.length;
  const lines = [];
  if (waiting) {
    const photos = summary.pendingPhotos ? ` (${plural(summary.pendingPhotos, "photo", "photos")})` : "";
    lines.push(el("li", {}, el("span", { "aria-hidden": "true", text: "◷ " }), `En attente d'envoi : ${waiting}${photos}`));
  }
  lines.push(el("li", {}, el("span", { "aria-hidden": "true", text: "✓ " }), `Envoyées et confirmées par le serveur : ${summary.sent}`));
  if (failed) {
    lines.push(el("li", { class: "failed" }, el("span", { "aria-hidden": "true", text: "⚠ " }),
      `Échecs : ${failed} — `, el("a", { href: "#mes-observations", text: "voir pourquoi dans « Mes observations »" })));
  }
  let line;
  if (state.authLost) line = `⚠ ${state.lastError} Vos observations restent sur le téléphone.`;
  else if (state.running) line = "Envoi en cours…";
  else if (!navigator.onLine && (waiting || failed)) line = "Hors ligne : l'envoi reprendra tout seul au retour du réseau.";
  else if (state.lastError) {
    const next = state.nextTry ? ` Nouvel essai vers ${formatTime(state.nextTry)}.` : "";
    line = `Dernier essai : ${state.lastError}.${next}`;
  } else if (!waiting && !failed) line = "Tout est envoyé.";
  else line = "";
  const presence = await store.counts(session.walkId);
  const countsWaiting = presence.filter((r) => !r.blocked).length;
  const countsRefused = presence.filter((r) => r.blocked);
  if (countsWaiting) lines.push(el("li", {}, `Comptages en attente d'envoi : ${countsWaiting}`));
  for (const r of countsRefused) lines.push(el("li", { class: "failed" }, `⚠ Comptage refusé : ${r.error}`));
  if (countsWaiting && line === "Tout est envoyé.") line = "";
  $("sync-panel").replaceChildren(el("ul", { class: "counts" }, ...lines), line ? el("p", { text: line }) : "");
  $("to-list").textContent = `Mes observations (${summary.records.length + summary.sent})`;
  if (walkMap) walkMap.setObservations(myPoints(summary));
  $("net").textContent = navigator.onLine ? `● En ligne${waiting ? ` · ${waiting} en attente` : ""}` : `○ Hors ligne${waiting ? ` · ${waiting} en attente` : ""}`;
  $("net").classList.toggle("offline", !navigator.onLine);
}

function myPoints(summary) {
  const local = new Set(summary.records.map((r) => r.id));
  const point = (content, sent) => {
    const [lon, lat] = content.location.coordinates;
    return { lon, lat, sent };
  };
  return [
    ...summary.records.filter((r) => !r.deleting).map((r) => point(r.content, false)),
    ...summary.mine.items.filter((i) => !local.has(i.id)).map((i) => point(i, true)),
  ];
}

async function suiviLink() {
  try {
    const made = await call("/api/me/suivi/lien", { method: "POST" });
    const link = $("suivi-url");
    link.href = made.url;
    link.textContent = made.url;
    $("suivi-out").hidden = false;
    announce("Lien de suivi prêt : gardez-le (favori, message à vous-même).");
  } catch (err) {
    announce(err instanceof ApiError ? `Lien impossible : ${err.readable}` : "Lien impossible pour l'instant.");
  }
}

async function leave() {
  const session = store.session();
  const summary = await sync.summary(session.walkId);
  if (summary.records.length) {
    announce("Des observations attendent encore leur envoi : gardez la marche sur ce téléphone jusque-là.");
    window.alert("Des observations attendent encore leur envoi : gardez la marche sur ce téléphone jusqu'à ce qu'elles partent.");
    return;
  }
  if (!window.confirm("Quitter la marche sur ce téléphone ? Vos observations envoyées restent sur le serveur.")) return;
  await store.clearAll();
  walkMap = null;
  window.location.hash = "";
  window.location.reload();
}

// --- start ---------------------------------------------------------------------------------------

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const { worker, scope } = document.body.dataset;
  navigator.serviceWorker.register(worker, { scope }).catch(() => {
    /* the page still works online without it */
  });
}

async function cacheHelp(walkId, token) {
  try {
    store.saveHelp(await call(`/api/walks/${walkId}/aide`, { token }));
  } catch {
    /* kept for the next time the phone is online */
  }
}

async function refreshFromServer() {
  const session = store.session();
  if (!session || !navigator.onLine) return;
  try {
    if (!ctx.grid()) store.saveGrid(await call("/api/grid", { auth: false }));
  } catch {
    /* the next attempt will do */
  }
  if (!store.cachedHelp()) await cacheHelp(session.walkId, session.token);
}

function start() {
  registerWorker();
  capture.init(ctx);
  counting.init(ctx);
  list.init(ctx);
  $("join-form").addEventListener("submit", join);
  $("scan-btn").addEventListener("click", scan);
  $("sync-now").addEventListener("click", () => {
    sync.state.authLost = false;
    sync.kick();
    announce("Envoi lancé.");
  });
  $("leave").addEventListener("click", leave);
  $("suivi-link").addEventListener("click", suiviLink);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", renderSync);
  window.addEventListener("offline", renderSync);
  sync.onChange(() => {
    if (!$("v-walk").hidden) renderWalk();
    else renderSync();
    if (!$("v-list").hidden) list.render();
  });
  route();
  refreshFromServer();
  sync.start();  // does nothing until a walk is joined
}

start();
