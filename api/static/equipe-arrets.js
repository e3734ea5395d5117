// Progressive enhancement of the walk form: a Leaflet map where a click adds a stop line
// (« Arrêt n ; latitude ; longitude ») to the stops field, and the typed stops are drawn.
// The form works without it: the stops field is the keyboard path.
(function () {
  "use strict";
  var box = document.getElementById("cg-stops-map");
  if (!box || typeof L === "undefined") return;
  var field = document.getElementById(box.getAttribute("data-stops-for"));
  if (!field) return;
  box.hidden = false;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Carte : cliquez pour ajouter un arrêt (facultatif)");
  var map = L.map(box).setView([47.2173, -1.5534], 12);
  var tiles = box.getAttribute("data-tiles");
  if (tiles) L.tileLayer(tiles, { attribution: "© OpenStreetMap" }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  function lines() {
    return field.value.split("\n").filter(function (l) { return l.trim() !== ""; });
  }
  function draw() {
    layer.clearLayers();
    lines().forEach(function (line, i) {
      var p = line.split(";");
      if (p.length !== 3) return;
      var lat = parseFloat(p[1].replace(",", ".")), lon = parseFloat(p[2].replace(",", "."));
      if (isFinite(lat) && isFinite(lon)) {
        L.circleMarker([lat, lon], { radius: 7 }).bindTooltip((i + 1) + ". " + p[0].trim()).addTo(layer);
      }
    });
  }
  map.on("click", function (e) {
    var n = lines().length + 1;
    var text = "Arrêt " + n + " ; " + e.latlng.lat.toFixed(5) + " ; " + e.latlng.lng.toFixed(5);
    field.value = lines().concat([text]).join("\n");
    draw();
  });
  field.addEventListener("input", draw);
  draw();
})();
