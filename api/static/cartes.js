/* Cartégalité — markers of the safety and walk maps, built in the browser from compact rows.
 *
 * The server sends one small array per marker (numbers and strings it has already
 * HTML-escaped) and the French labels once per map; this file turns them into Leaflet markers
 * whose shape says the rating (or the state of an issue), whose colour says the theme, whose text
 * says the theme's initials or the group's count, and whose title (accessible name, tooltip)
 * says it all in words. Popups are written only when opened.
 */
(function () {
  "use strict";

  var SHAPES = ["cg-r0", "cg-r1", "cg-r2", "cg-r3"];

  function icon(cache, cls, text, size, dx) {
    dx = dx || 0;
    var key = cls + "|" + text + "|" + size + "|" + dx;
    if (!cache[key]) {
      cache[key] = L.divIcon({
        className: "cg-mk-box",
        html: '<span class="cg-mk ' + cls + '" aria-hidden="true">' + text + "</span>",
        iconSize: [size, size],
        iconAnchor: [size / 2 - dx, size / 2],
        popupAnchor: [0, -size / 2]
      });
    }
    return cache[key];
  }

  function marker(layer, lat, lon, ic, title, popup) {
    var m = L.marker([lat, lon], { icon: ic, title: title, alt: title, keyboard: true });
    m.bindPopup(popup, { maxWidth: 320 });
    m.cgTitle = title;
    layer.addLayer(m);
    return m;
  }

  function line(label, value) {
    return value === null || value === undefined || value === ""
      ? ""
      : "<br>" + label + " : " + value;
  }

  function decimal(x) {
    return (Math.round(x * 10) / 10).toString().replace(".", ",");
  }

  /* Walk observations, one per row:
   * [lat, lon, theme index, rating, feeling, day, QPV name, comment excerpt, observation id] */
  function observationPoints(layer, rows, lab) {
    var cache = {};
    rows.forEach(function (r) {
      var theme = lab.themes[r[2]];
      var title = theme.label + " — " + lab.ratings[r[3]] + " (" + lab.slot + ")";
      marker(layer, r[0], r[1], icon(cache, SHAPES[r[3]] + " " + theme.css, theme.short, 22),
        title, function () {
          return "<strong>" + theme.label + "</strong>" +
            line("Appréciation", lab.ratings[r[3]]) +
            line("Sentiment de sécurité", r[4] === null ? "" : lab.feelings[r[4]]) +
            line("Créneau", lab.slot) + line("Date", r[5]) + line("Quartier", r[6]) +
            (r[7] ? "<br><em>« " + r[7] + " »</em>" : "");
        });
    });
  }

  /* Walk observations grouped per grid cell, one group per row (the groups of the three time
   * slots of one cell sit side by side: day left, evening centre, night right):
   * [lat, lon, most frequent theme index, rounded mean rating, count, mean rating, low feeling] */
  function observationGroups(layer, rows, lab) {
    var cache = {};
    rows.forEach(function (r) {
      var theme = lab.themes[r[2]];
      var title = r[4] + " observation(s), surtout « " + theme.label + " », appréciation moyenne " +
        decimal(r[5]) + " (" + lab.slot + ")";
      marker(layer, r[0], r[1], icon(cache, SHAPES[r[3]] + " " + theme.css + " cg-group",
        String(r[4]), 28, lab.offset), title, function () {
          return "<strong>" + r[4] + " observation(s)</strong> dans un carré de " + lab.cell +
            " m" + line("Créneau", lab.slot) + line("Thème le plus fréquent", theme.label) +
            line("Appréciation moyenne", decimal(r[5]) + " sur 3 (" + lab.ratings[r[3]] + ")") +
            line("Sentiment d'insécurité", r[6] + " sur " + r[4]);
        });
    });
  }

  /* Issues, one per row: [lat, lon, open (1/0), category label, state label, body, day, excerpt] */
  function issuePoints(layer, rows, lab) {
    var cache = {};
    rows.forEach(function (r) {
      var open = r[2] === 1;
      var title = (open ? "Signalement ouvert : " : "Signalement clos : ") + r[3] + " (" + r[4] + ")";
      marker(layer, r[0], r[1], icon(cache, open ? "cg-open" : "cg-closed", open ? "!" : "✓", 20),
        title, function () {
          return "<strong>" + r[3] + "</strong>" + line("État", r[4]) +
            line("Organisme", r[5]) + line("Date", r[6]) +
            (r[7] ? "<br><em>« " + r[7] + " »</em>" : "");
        });
    });
  }

  /* Issues grouped per grid cell: [lat, lon, open (1/0), count] */
  function issueGroups(layer, rows, lab) {
    var cache = {};
    rows.forEach(function (r) {
      var open = r[2] === 1;
      var title = r[3] + (open ? " signalement(s) ouvert(s)" : " signalement(s) clos");
      marker(layer, r[0], r[1], icon(cache, (open ? "cg-open" : "cg-closed") + " cg-group",
        String(r[3]), 28), title, function () {
          return "<strong>" + title + "</strong> dans un carré de " + lab.cell + " m";
        });
    });
  }

  window.cgMarks = {
    observationPoints: observationPoints,
    observationGroups: observationGroups,
    issuePoints: issuePoints,
    issueGroups: issueGroups
  };
})();
