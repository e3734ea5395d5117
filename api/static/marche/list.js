/* "Mes observations": what waits on the phone, what the server holds, what failed and why.
 * Each state is written out (icon + words), never shown by colour alone. */

import * as store from "./store.js";
import * as sync from "./sync.js";
import { $, announce, el, formatDateTime, plural } from "./ui.js";

let ctx = null;

export function init(context) {
  ctx = context;
}

function themeLabel(code) {
  const principle = ctx.grid().principles.find((p) => p.code === code);
  return principle ? principle.label : code || "Observation";
}

function scaleLabel(name, value) {
  if (value === null || value === undefined) return null;
  const entry = ctx.grid().scales[name].values.find((v) => v.value === value);
  return `${ctx.grid().scales[name].label} : ${value} — ${entry ? entry.label : ""}`;
}

function stopLabel(stopId) {
  const stop = ((ctx.walk() && ctx.walk().stops) || []).find((s) => s.id === stopId);
  return stop ? `arrêt n°${stop.position} — ${stop.name}` : null;
}

/** State of a local record (waiting or failed) in words. */
function localState(record, photos) {
  const photoText = photos ? ` · ${plural(photos, "photo à envoyer", "photos à envoyer")}` : "";
  if (record.blocked) return { kind: "failed", icon: "⚠", text: `Échec : ${record.error}` };
  if (record.deleting) return { kind: "waiting", icon: "◷", text: "Suppression en attente d'envoi" };
  if (!record.server) return { kind: "waiting", icon: "◷", text: `En attente d'envoi${photoText}` };
  if (record.dirty) return { kind: "waiting", icon: "◷", text: `Correction en attente d'envoi${photoText}` };
  if (photos) return { kind: "waiting", icon: "◷", text: `Observation envoyée${photoText}` };
  return { kind: "waiting", icon: "◷", text: "Envoyée, vérification en cours" };
}

function serverState(item) {
  const photos = item.photos.length;
  const photoText = photos ? ` · ${plural(photos, "photo", "photos")}` : "";
  const missing = item.photo_ids.length - photos;
  const missingText = missing > 0 ? ` · ${plural(missing, "photo manquante", "photos manquantes")}` : "";
  return { kind: "sent", icon: "✓", text: `Envoyée${photoText}${missingText}` };
}

function entries(summary) {
  const local = summary.records.map((record) => ({
    id: record.id,
    content: record.content,
    record,
    state: localState(record, summary.photoCounts.get(record.id) || 0),
    editable: !record.deleting,
    lock: null,
  }));
  const localIds = new Set(local.map((e) => e.id));
  const remote = summary.mine.items.filter((item) => !localIds.has(item.id)).map((item) => ({
    id: item.id,
    content: item,
    record: null,
    state: serverState(item),
    editable: item.editable,
    lock: item.locked_reason,
  }));
  return [...local, ...remote].sort((a, b) => b.content.observed_at.localeCompare(a.content.observed_at));
}

function card(entry, walkOpen) {
  const c = entry.content;
  const title = themeLabel(c.theme);
  const when = formatDateTime(c.observed_at);
  const name = `« ${title} » de ${when}`;
  const headingId = `obs-${entry.id}`;
  const details = [when, stopLabel(c.stop_id)].filter(Boolean).join(" · ");
  const actions = [];
  if (entry.record && entry.record.blocked) {
    actions.push(el("button", {
      type: "button", class: "secondary", text: "Réessayer", "aria-label": `Réessayer l'envoi de l'observation ${name}`,
      onclick: async () => { await sync.retry(entry.id); announce("Nouvel essai lancé."); render(); },
    }));
    actions.push(el("button", {
      type: "button", class: "danger", text: "Abandonner", "aria-label": `Abandonner l'envoi de l'observation ${name}`,
      onclick: async () => {
        if (!window.confirm(`Abandonner l'envoi de l'observation ${name} ? Elle sera retirée de ce téléphone.`)) return;
        await store.forgetObservation(entry.id);
        announce("Observation retirée du téléphone.");
        render();
      },
    }));
  }
  if (walkOpen && entry.editable && !(entry.record && entry.record.blocked)) {
    actions.push(el("a", {
      class: "button secondary", href: `#corriger/${entry.id}`, text: "Corriger", "aria-label": `Corriger l'observation ${name}`,
    }));
    actions.push(el("button", {
      type: "button", class: "danger", text: "Supprimer", "aria-label": `Supprimer l'observation ${name}`,
      onclick: async () => {
        if (!window.confirm(`Supprimer l'observation ${name} et ses photos ? C'est définitif.`)) return;
        await remove(entry.id);
        announce("Suppression enregistrée ; elle partira dès que le réseau le permet.");
        render();
      },
    }));
  }
  return el("li", { class: `card state-${entry.state.kind}` },
    el("article", { "aria-labelledby": headingId },
      el("h2", { id: headingId, text: title }),
      el("p", { class: "meta", text: details }),
      el("p", { text: [scaleLabel("rating", c.rating), scaleLabel("feeling", c.feeling)].filter(Boolean).join(" · ") }),
      c.works_well ? el("p", { text: "✓ Ça fonctionne bien" }) : null,
      c.comment ? el("p", { class: "quote", text: c.comment }) : null,
      el("p", { class: `state ${entry.state.kind}` }, el("span", { "aria-hidden": "true", text: `${entry.state.icon} ` }), entry.state.text),
      entry.lock ? el("p", { class: "state locked" }, el("span", { "aria-hidden": "true", text: "⊘ " }), `Lecture seule : ${entry.lock}`) : null,
      actions.length ? el("div", { class: "card-actions" }, ...actions) : null,
    ));
}

/** (Re)draw the list. */
export async function render() {
  const session = store.session();
  if (!session) return;
  const summary = await sync.summary(session.walkId);
  const walk = ctx.walk();
  const walkOpen = !walk || walk.is_open !== false;
  const all = entries(summary);
  const waiting = summary.waiting.length;
  const failed = summary.failed.length;
  const parts = [`${plural(all.length, "observation", "observations")}`];
  if (waiting) parts.push(`${waiting} en attente d'envoi`);
  if (failed) parts.push(`${plural(failed, "échec", "échecs")}`);
  parts.push(`${summary.sent} ${summary.sent > 1 ? "envoyées" : "envoyée"}`);
  $("list-summary").textContent = all.length ? parts.join(" · ") + "." : "Aucune observation pour l'instant.";
  $("obs-list").replaceChildren(...all.map((entry) => card(entry, walkOpen)));
}

/** Ask for the deletion of one of my observations (local only when never sent). */
export async function remove(id) {
  const local = await store.getObservation(id);
  if (local) {
    if (!local.server && !local.attempted) {
      await store.forgetObservation(id);
    } else {
      await store.updateObservation(id, (r) => {
        r.deleting = true;
        r.blocked = false;
        r.error = null;
      });
    }
  } else {
    const mine = (await store.getKv("mine")) || { items: [] };
    const remote = mine.items.find((item) => item.id === id);
    if (!remote) return;
    await store.saveObservation({
      id, walkId: store.session().walkId, createdAt: remote.observed_at, content: remote, meta: {},
      server: { version: remote.version }, attempted: true, dirty: false, deleting: true, blocked: false, error: null, rev: 1,
    });
  }
  sync.kick();
}
