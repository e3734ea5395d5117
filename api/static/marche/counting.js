/* « Compter qui est présent » at a stop of the walk (« Sports et femmes »): one number per group
 * of the grid's count item, kept on the phone (IndexedDB) with its own id until the server
 * holds it — offline too; the sync loop sends it (POST /api/presence). */

import * as store from "./store.js";
import * as sync from "./sync.js";
import { $, el } from "./ui.js";

let ctx = null;

export function init(context) {
  ctx = context;
  $("count-form").addEventListener("submit", save);
}

/** False when the walk has no stop or the grid no count item (nothing to show). */
export function available() {
  const walk = ctx.walk();
  const grid = ctx.grid();
  return Boolean(walk && (walk.stops || []).length && grid && grid.presence);
}

export function open() {
  const walk = ctx.walk();
  const presence = ctx.grid().presence;
  $("count-stop").replaceChildren(
    el("option", { value: "", text: "— choisir l'arrêt —" }),
    ...walk.stops.map((s) => el("option", { value: s.id, text: `n°${s.position} — ${s.name}` })),
  );
  $("count-minutes").value = String(presence.minutes);
  $("count-groups").replaceChildren(
    el("legend", { text: "Personnes présentes" }),
    ...presence.groups.map((g) =>
      el("div", { class: "field" },
        el("label", { for: `count-${g.code}`, text: g.label }),
        el("input", {
          id: `count-${g.code}`, type: "number", inputmode: "numeric", min: "0",
          max: String(presence.max_per_group), value: "0", "data-group": g.code,
        }),
      ),
    ),
  );
  $("count-error").textContent = "";
}

function whole(text, min, max) {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= min && n <= max ? n : null;
}

async function save(event) {
  event.preventDefault();
  const presence = ctx.grid().presence;
  const problems = [];
  const stopId = $("count-stop").value;
  if (!stopId) problems.push("choisissez l'arrêt");
  const minutes = whole($("count-minutes").value, 1, 120);
  if (minutes === null) problems.push("durée : un nombre de minutes entre 1 et 120");
  const counts = {};
  for (const g of presence.groups) {
    const n = whole($(`count-${g.code}`).value, 0, presence.max_per_group);
    if (n === null) problems.push(`${g.label} : un nombre entre 0 et ${presence.max_per_group}`);
    else counts[g.code] = n;
  }
  if (problems.length) {
    $("count-error").textContent = problems.join(" ; ");
    $("count-error").focus?.();
    return;
  }
  const walk = ctx.walk();
  const id = crypto.randomUUID();
  await store.saveCount({
    id,
    walkId: walk.id,
    createdAt: new Date().toISOString(),
    blocked: false,
    error: null,
    content: {
      id,
      walk_id: walk.id,
      stop_id: stopId,
      observed_at: new Date().toISOString(),
      minutes,
      counts,
    },
  });
  ctx.flash("Comptage enregistré sur le téléphone ; il part dès que le réseau le permet.");
  sync.kick();
  window.location.hash = "#marche";
}
