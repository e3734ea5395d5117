/* The capture form: a new observation, or the correction of one of mine. Saving is local and
 * instant (IndexedDB); the sync loop sends it when it can. */

import * as gps from "./gps.js";
import { createMap } from "./mapview.js";
import { downscale, MAX_PHOTOS } from "./photos.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { $, announce, el, uuid } from "./ui.js";

let ctx = null;     // { walk(), grid(), flash(message) }
let form = null;    // the open form's state
let map = null;

/** Wire the form's events once. */
export function init(context) {
  ctx = context;
  for (const radio of document.querySelectorAll("input[name=where]")) {
    radio.addEventListener("change", () => setWhere(radio.value));
  }
  $("gps-retry").addEventListener("click", () => startGps());
  $("map-center").addEventListener("click", () => {
    if (map) placeOnMap(...map.center());
  });
  $("photo-btn").addEventListener("click", () => $("photo-input").click());
  $("photo-input").addEventListener("change", addPhotos);
  $("themes").addEventListener("change", (event) => {
    if (event.target.name === "theme") renderItems(event.target.value, []);
    renderHelp();
  });
  $("items").addEventListener("change", renderHelp);
  $("obs-form").addEventListener("submit", save);
  $("cancel").addEventListener("click", () => close());
}

function blankState(mode) {
  return {
    mode,
    id: null,
    base: null,            // local record or server item being corrected
    openedAt: new Date().toISOString(),
    where: "gps",
    gps: null,
    mapPoint: null,
    photos: [],            // { id, blob?, url?, server: bool }
  };
}

/** "Nouvelle observation". */
export async function openNew() {
  close();
  form = blankState("new");
  $("t-capture").textContent = "Nouvelle observation";
  $("save").textContent = "Enregistrer";
  renderChoices(null);
  setWhere("gps");
}

/** "Corriger": a waiting local record, or a sent observation from the server's list. */
export async function openEdit(id) {
  close();
  const local = await store.getObservation(id);
  const mine = (await store.getKv("mine")) || { items: [] };
  const remote = mine.items.find((item) => item.id === id);
  if (!local && !remote) return false;
  form = blankState("edit");
  form.id = id;
  form.base = local || remote;
  const content = local ? local.content : remote;
  $("t-capture").textContent = "Corriger l'observation";
  $("save").textContent = "Enregistrer la correction";
  renderChoices(content);
  const [lon, lat] = content.location.coordinates;
  form.mapPoint = [lon, lat];
  const localPhotos = local ? await store.photosOf(id) : [];
  const localIds = new Set(localPhotos.map((p) => p.id));
  for (const photo of localPhotos) {
    form.photos.push({ id: photo.id, blob: photo.blob, url: URL.createObjectURL(photo.blob), server: false });
  }
  for (const photoId of content.photo_ids || []) {
    if (!localIds.has(photoId)) form.photos.push({ id: photoId, server: true });
  }
  renderPhotos();
  loadServerThumbnails(id);
  setWhere(content.stop_id ? "stop" : "map");
  if (content.stop_id) $("stop-select").value = content.stop_id;
  else placeOnMap(lon, lat);
  return true;
}

/** Leave the form: stop the GPS and free the photo previews. */
export function close() {
  stopGps();
  if (form) for (const photo of form.photos) if (photo.url) URL.revokeObjectURL(photo.url);
  form = null;
}

// --- choices built from the grid -------------------------------------------------------------

function choice(type, name, value, label, checked) {
  const input = el("input", { type, name, value, checked: Boolean(checked) });
  return el("label", { class: "choice" }, input, ` ${label}`);
}

function renderChoices(content) {
  const grid = ctx.grid();
  $("themes").replaceChildren(
    ...grid.principles.map((p) => choice("radio", "theme", p.code, p.label, content && content.theme === p.code)),
  );
  renderItems(content ? content.theme : null, content ? content.items : []);
  renderHelp();
  renderScale("rating", grid.scales.rating, content ? content.rating : null, false);
  renderScale("feeling", grid.scales.feeling, content ? content.feeling : null, true);
  $("rating-legend").textContent = grid.scales.rating.label;
  $("feeling-legend").replaceChildren(
    grid.scales.feeling.label, " ", el("span", { class: "optional", text: "(facultatif)" }),
  );
  $("works-well").checked = Boolean(content && content.works_well);
  $("comment").value = (content && content.comment) || "";
  $("proposal").value = (content && content.proposal) || "";
  renderStops();
  $("form-error").replaceChildren();
  $("photo-status").textContent = "";
  renderPhotos();
}

function renderItems(theme, selected) {
  const principle = ctx.grid().principles.find((p) => p.code === theme);
  $("f-items").hidden = !principle;
  $("items").replaceChildren(
    ...(principle ? principle.items : []).map((i) => choice("checkbox", "item", i.code, i.label, selected.includes(i.code))),
  );
}

/** Help at the point of observation: when a chosen item records harassment or hate, the lines
 * to call or text and the nearest support actors, from what was cached when the walk was joined
 * (so it works offline). */
function renderHelp() {
  const help = store.cachedHelp();
  const chosen = Array.from(document.querySelectorAll("input[name=item]:checked"), (i) => i.value);
  const ground = help ? chosen.map((code) => help.items[code]).find(Boolean) : null;
  const panel = $("help-now");
  if (!ground) {
    panel.hidden = true;
    return;
  }
  const link = (line) => {
    const href = line.sms_uri || line.tel_uri;
    const label = line.sms_uri ? `Envoyer un SMS au ${line.telephone_display}` : `Appeler le ${line.telephone_display}`;
    return href ? el("a", { href, class: "button secondary", text: label }) : null;
  };
  $("help-lines").replaceChildren(
    ...help.lines.map((line) =>
      el("li", {}, el("strong", { text: line.name }), " — ", line.about, " ", link(line),
        el("small", { class: "source", text: ` Source : ${line.source} (${line.source_date}).` }))),
  );
  const actors = help.actors[ground] || [];
  $("help-actors").replaceChildren(
    ...(actors.length ? actors : [null]).map((a) => a
      ? el("li", {}, el("strong", { text: a.name }), a.distance ? ` — ${a.distance}` : "",
          a.address ? ` — ${a.address}` : "", " ",
          a.telephone ? el("a", { href: `tel:${a.telephone}`, text: a.telephone_display }) : null)
      : el("li", { text: "Pas de lieu d'aide connu à proximité pour ce motif." })),
  );
  const was = panel.hidden;
  panel.hidden = false;
  if (was) announce("Besoin d'aide ? Numéros d'urgence et lieux d'aide affichés sous les éléments.");
}

function renderScale(name, scale, value, optional) {
  const options = scale.values.map((v) => choice("radio", name, String(v.value), `${v.value} — ${v.label}`, value === v.value));
  if (optional) options.push(choice("radio", name, "", "Sans réponse", value === null || value === undefined));
  $(name).replaceChildren(...options);
}

function renderStops() {
  const stops = (ctx.walk() && ctx.walk().stops) || [];
  $("stop-select").replaceChildren(
    ...stops.map((s) => el("option", { value: s.id, text: `n°${s.position} — ${s.name}` })),
  );
  const stopRadio = document.querySelector("input[name=where][value=stop]");
  stopRadio.disabled = stops.length === 0;
  stopRadio.parentElement.classList.toggle("disabled", stops.length === 0);
}

// --- where: GPS, a tap on the map, a stop ----------------------------------------------------

function setWhere(where) {
  form.where = where;
  for (const radio of document.querySelectorAll("input[name=where]")) radio.checked = radio.value === where;
  $("where-gps").hidden = where !== "gps";
  $("where-map").hidden = where !== "map";
  $("where-stop").hidden = where !== "stop";
  if (where === "gps") startGps();
  else stopGps();
  if (where === "map") showMap();
}

function showMap() {
  if (!map) map = createMap($("capture-map"), ctx.walk(), { onTap: placeOnMap });
  if (!map) return;
  map.refresh();
  if (form.mapPoint) {
    map.setPoint(...form.mapPoint);
    map.show(...form.mapPoint);
  } else {
    map.clearPoint();
    if (form.gps) map.show(form.gps.lon, form.gps.lat);
  }
}

function placeOnMap(lon, lat) {
  if (!form) return;
  form.mapPoint = [lon, lat];
  if (map) map.setPoint(lon, lat);
  $("map-status").textContent = `Point placé (${lat.toFixed(5)}, ${lon.toFixed(5)}).`;
}

function startGps() {
  gps.watch($("gps-status"), (fix) => {
    if (form) form.gps = fix;
  });
}

function stopGps() {
  gps.stop();
}

// --- photos ----------------------------------------------------------------------------------

async function addPhotos(event) {
  const files = Array.from(event.target.files || []);
  event.target.value = "";
  const status = $("photo-status");
  for (const file of files) {
    if (form.photos.length >= MAX_PHOTOS) {
      status.textContent = `${MAX_PHOTOS} photos au plus par observation.`;
      break;
    }
    status.textContent = "Réduction de la photo…";
    try {
      const small = await downscale(file);
      form.photos.push({ id: uuid(), blob: small.blob, url: URL.createObjectURL(small.blob), server: false, fresh: true });
      status.textContent = `Photo ajoutée (${form.photos.length}/${MAX_PHOTOS}).`;
    } catch (err) {
      status.textContent = `Photo non ajoutée : ${err.message}.`;
    }
  }
  renderPhotos();
}

function renderPhotos() {
  const list = $("photo-list");
  if (!form) return list.replaceChildren();
  list.replaceChildren(...form.photos.map((photo, i) => {
    const label = `Photo ${i + 1}${photo.server ? " (déjà envoyée)" : ""}`;
    const img = photo.url ? el("img", { src: photo.url, alt: `Aperçu de la photo ${i + 1}` }) : el("span", { class: "thumb-placeholder", text: "photo", "aria-hidden": "true" });
    const remove = el("button", {
      type: "button", class: "secondary small", text: "Retirer", "aria-label": `Retirer la ${label.toLowerCase()}`,
      onclick: () => {
        if (photo.url) URL.revokeObjectURL(photo.url);
        form.photos = form.photos.filter((p) => p !== photo);
        renderPhotos();
        announce(`${label} retirée.`);
      },
    });
    return el("li", {}, img, el("span", { text: label }), remove);
  }));
  $("photo-btn").disabled = form.photos.length >= MAX_PHOTOS;
}

async function loadServerThumbnails(obsId) {
  for (const photo of form.photos.filter((p) => p.server)) {
    try {
      const session = store.session();
      const response = await fetch(`/api/observations/${obsId}/photos/${photo.id}`, {
        headers: { Authorization: `Bearer ${session.token}` },
      });
      if (!response.ok || !form || !form.photos.includes(photo)) continue;
      photo.url = URL.createObjectURL(await response.blob());
    } catch {
      return;  // offline: the photos stay listed without preview
    }
  }
  if (form) renderPhotos();
}

// --- saving ------------------------------------------------------------------------------------

function checkedValue(name) {
  const input = document.querySelector(`input[name=${name}]:checked`);
  return input ? input.value : null;
}

function place() {
  if (form.where === "gps") return form.gps ? { coordinates: [form.gps.lon, form.gps.lat], stop_id: null } : null;
  if (form.where === "map") return form.mapPoint ? { coordinates: form.mapPoint, stop_id: null } : null;
  const stop = ((ctx.walk() && ctx.walk().stops) || []).find((s) => s.id === $("stop-select").value);
  return stop ? { coordinates: stop.location.coordinates, stop_id: stop.id } : null;
}

function validate() {
  const problems = [];
  if (!place()) {
    const why = {
      gps: "La position GPS n'est pas encore connue : attendez, ou touchez la carte, ou choisissez un arrêt.",
      map: "Touchez la carte pour placer l'observation.",
      stop: "Choisissez un arrêt.",
    };
    problems.push({ text: why[form.where], target: "f-where" });
  }
  if (!checkedValue("theme")) problems.push({ text: "Choisissez un thème.", target: "f-theme" });
  if (checkedValue("rating") === null) problems.push({ text: "Choisissez une appréciation (0 à 3).", target: "f-rating" });
  return problems;
}

function showProblems(problems) {
  const box = $("form-error");
  box.replaceChildren(
    el("p", { text: problems.length > 1 ? "Il manque des informations :" : "Il manque une information :" }),
    el("ul", {}, ...problems.map((p) => el("li", {}, el("a", { href: `#${p.target}`, text: p.text, onclick: (event) => {
      event.preventDefault();
      const first = $(p.target).querySelector("input:not([disabled]), select, button");
      if (first) first.focus();
    } })))),
  );
  const first = $(problems[0].target).querySelector("input:not([disabled]), select, button");
  if (first) first.focus();
}

function content(previous) {
  const where = place();
  const feeling = checkedValue("feeling");
  const text = (id) => $(id).value.trim() || null;
  return {
    id: previous ? previous.id : form.id,
    kind: "marche",
    walk_id: previous ? previous.walk_id : store.session().walkId,
    stop_id: where.stop_id,
    location: { type: "Point", coordinates: where.coordinates },
    observed_at: previous ? previous.observed_at : form.openedAt,
    theme: checkedValue("theme"),
    items: Array.from(document.querySelectorAll("input[name=item]:checked"), (i) => i.value),
    rating: Number(checkedValue("rating")),
    feeling: feeling === "" || feeling === null ? null : Number(feeling),
    works_well: $("works-well").checked,
    comment: text("comment"),
    proposal: text("proposal"),
    photo_ids: form.photos.map((p) => p.id),
  };
}

function photoRecords(obsId) {
  return form.photos.filter((p) => p.fresh).map((p) => ({ id: p.id, obsId, blob: p.blob, uploaded: false }));
}

async function saveNew() {
  form.id = uuid();
  const record = {
    id: form.id,
    walkId: store.session().walkId,
    createdAt: new Date().toISOString(),
    content: content(null),
    meta: form.where === "gps" ? { accuracy: form.gps.accuracy } : {},
    server: null, attempted: false, dirty: true, deleting: false, blocked: false, error: null, rev: 1,
  };
  await store.saveObservation(record, photoRecords(record.id));
}

async function saveCorrection() {
  const local = await store.getObservation(form.id);
  const kept = new Set(form.photos.map((p) => p.id));
  if (local) {
    const dropped = (await store.photosOf(form.id)).filter((p) => !kept.has(p.id)).map((p) => p.id);
    local.content = content(local.content);
    local.rev = (local.rev || 1) + 1;
    local.dirty = true;
    local.blocked = false;
    local.error = null;
    await store.saveObservation(local, photoRecords(local.id), dropped);
    return;
  }
  const remote = form.base;  // sent and forgotten here: the correction is a new local record
  const record = {
    id: remote.id,
    walkId: store.session().walkId,
    createdAt: remote.observed_at,
    content: content(remote),
    meta: {},
    server: { version: remote.version }, attempted: true, dirty: true, deleting: false, blocked: false, error: null, rev: 1,
  };
  await store.saveObservation(record, photoRecords(record.id));
}

async function save(event) {
  event.preventDefault();
  const problems = validate();
  if (problems.length) {
    showProblems(problems);
    return;
  }
  const button = $("save");
  button.disabled = true;
  try {
    const mode = form.mode;
    if (mode === "new") await saveNew();
    else await saveCorrection();
    for (const photo of form.photos) photo.fresh = false;
    close();
    ctx.flash(mode === "new"
      ? "✓ Observation enregistrée sur le téléphone. Elle partira dès que le réseau le permet."
      : "✓ Correction enregistrée sur le téléphone. Elle partira dès que le réseau le permet.");
    window.location.hash = mode === "new" ? "#marche" : "#mes-observations";
    sync.kick();
  } catch (err) {
    $("form-error").replaceChildren(el("p", { text: `Enregistrement impossible sur ce téléphone : ${err.message}` }));
  } finally {
    button.disabled = false;
  }
}
