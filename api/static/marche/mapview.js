/* Leaflet maps of the field app (Leaflet is served by the app and cached for offline use).
 * Base tiles only when the instance configures them (data-tiles); without them — or offline —
 * the map still shows the route, the stops and the chosen point, and a tap still places it. */

import { el } from "./ui.js";

const NANTES = [47.2184, -1.5536];
const ROUTE_STYLE = { color: "#3b0a6e", weight: 5, opacity: 0.9, dashArray: "10 6" };

function available() {
  return typeof window.L !== "undefined";
}

function baseLayer(map) {
  const url = document.body.dataset.tiles;
  if (url) {
    window.L.tileLayer(url, { attribution: document.body.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
}

function stopIcon(stop) {
  const label = el("span", { class: "stop-number", text: String(stop.position) });
  return window.L.divIcon({ className: "stop-icon", html: label, iconSize: [34, 34] });
}

/** Draw the walk's route and numbered stops; returns the bounds drawn (or null). */
function drawWalk(map, walk) {
  const L = window.L;
  const group = L.featureGroup().addTo(map);
  if (walk && walk.route) L.geoJSON(walk.route, { style: ROUTE_STYLE, interactive: false }).addTo(group);
  for (const stop of (walk && walk.stops) || []) {
    const [lon, lat] = stop.location.coordinates;
    L.marker([lat, lon], { icon: stopIcon(stop), interactive: false, keyboard: false }).addTo(group);
  }
  const bounds = group.getBounds();
  return bounds.isValid() ? bounds : null;
}

/**
 * A map in ``container`` showing the walk. Options: ``onTap(lon, lat)`` makes a tap (or a
 * click) place the point. Returns a controller, or null when Leaflet is not available.
 */
export function createMap(container, walk, { onTap } = {}) {
  if (!available()) {
    container.replaceChildren(el("p", { class: "help", text: "Carte indisponible sur ce téléphone." }));
    return null;
  }
  const L = window.L;
  const map = L.map(container, { zoomControl: true, tapTolerance: 20 });
  baseLayer(map);
  const bounds = drawWalk(map, walk);
  if (bounds) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
  else map.setView(NANTES, 13);
  let point = null;
  let halo = null;
  const mine = L.layerGroup().addTo(map);
  if (onTap) map.on("click", (event) => onTap(event.latlng.lng, event.latlng.lat));

  return {
    map,
    /** Show the chosen point (and the GPS accuracy circle when known). */
    setPoint(lon, lat, accuracy) {
      if (point) point.remove();
      if (halo) halo.remove();
      point = L.circleMarker([lat, lon], {
        radius: 11, color: "#000", weight: 3, fillColor: "#ffd600", fillOpacity: 1, interactive: false,
      }).addTo(map);
      halo = accuracy ? L.circle([lat, lon], { radius: accuracy, weight: 1, color: "#3b0a6e", interactive: false }).addTo(map) : null;
    },
    clearPoint() {
      if (point) point.remove();
      if (halo) halo.remove();
      point = null;
      halo = null;
    },
    center() {
      const c = map.getCenter();
      return [c.lng, c.lat];
    },
    show(lon, lat) {
      map.setView([lat, lon], Math.max(map.getZoom(), 16));
    },
    refresh() {
      map.invalidateSize();
    },
    /** My observations: filled dots when the server holds them, rings while they wait. */
    setObservations(points) {
      mine.clearLayers();
      for (const p of points) {
        L.circleMarker([p.lat, p.lon], {
          radius: 7, weight: 3, color: "#000", fillColor: "#fff", fillOpacity: p.sent ? 1 : 0, interactive: false,
        }).addTo(mine);
      }
    },
  };
}
