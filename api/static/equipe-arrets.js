// Progressive enhancement of the walk form: a Leaflet map where a click adds a stop line
// (« Arrêt n ; latitude ; longitude ») or a route point (« latitude ; longitude ») to the
// matching field, and the typed stops and route are drawn. The form works without it: the
// fields are the keyboard path.
(function () {
  "use strict";
  var box = document.getElementById("cg-stops-map");
  if (!box || typeof L === "undefined") return;
  var stops = document.getElementById(box.getAttribute("data-stops-for"));
  var route = document.getElementById(box.getAttribute("data-route-for"));
  var modes = document.getElementById("cg-click-mode");
  if (!stops) return;
  box.hidden = false;
  if (modes) modes.hidden = false;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Carte : cliquez pour ajouter un arrêt ou un point du parcours (facultatif)");
  var map = L.map(box).setView([47.2173, -1.5534], 12);
  var tiles = box.getAttribute("data-tiles");
  if (tiles) L.tileLayer(tiles, { attribution: "© OpenStreetMap" }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  function lines(field) {
    return field.value.split("\n").filter(function (l) { return l.trim() !== ""; });
  }
  function number(text) { return parseFloat(text.replace(",", ".")); }
  function draw() {
    layer.clearLayers();
    var bounds = [];
    lines(stops).forEach(function (line, i) {
      var p = line.split(";");
      if (p.length !== 3) return;
      var at = [number(p[1]), number(p[2])];
      if (isFinite(at[0]) && isFinite(at[1])) {
        L.circleMarker(at, { radius: 7 }).bindTooltip((i + 1) + ". " + p[0].trim()).addTo(layer);
        bounds.push(at);
      }
    });
    if (route) {
      var points = lines(route).map(function (line) {
        var p = line.split(";");
        return p.length === 2 ? [number(p[0]), number(p[1])] : null;
      }).filter(function (p) { return p && isFinite(p[0]) && isFinite(p[1]); });
      if (points.length > 1) L.polyline(points, { weight: 4 }).addTo(layer);
      bounds = bounds.concat(points);
    }
    if (bounds.length > 1 && !draw.fitted) { map.fitBounds(bounds, { padding: [24, 24] }); draw.fitted = true; }
  }
  map.on("click", function (e) {
    var lat = e.latlng.lat.toFixed(6), lon = e.latlng.lng.toFixed(6);
    var toRoute = route && document.getElementById("cg-mode-route") &&
      document.getElementById("cg-mode-route").checked;
    if (toRoute) {
      route.value = lines(route).concat([lat + " ; " + lon]).join("\n");
    } else {
      var n = lines(stops).length + 1;
      stops.value = lines(stops).concat(["Arrêt " + n + " ; " + lat + " ; " + lon]).join("\n");
    }
    draw();
  });
  stops.addEventListener("input", draw);
  if (route) route.addEventListener("input", draw);
  draw();
})();
