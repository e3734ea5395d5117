/* Enhances the server-rendered search of « Trouver de l'aide près de chez moi »:
   « Utiliser ma position », results swapped in without reloading (the page works without
   this script: the form submits normally). Nothing is sent anywhere but this server. */
(function () {
  "use strict";
  var form = document.getElementById("recherche");
  if (!form) { return; }
  var zone = document.getElementById("zone-resultats");
  var announce = document.getElementById("annonce");
  var lon = document.getElementById("lon");
  var lat = document.getElementById("lat");
  var quartier = document.getElementById("quartier");
  var commune = document.getElementById("commune");
  var stateText = document.getElementById("etat-position");
  var groundRow = form.querySelector(".si-discrimination");
  var fragmentUrl = form.getAttribute("action") === "/aide" ? "/aide/resultats" : null;

  function clearPosition() { lon.value = ""; lat.value = ""; }

  function toggleGround() {
    var chosen = form.querySelector("input[name=besoin]:checked");
    var show = chosen && chosen.value === "discrimination";
    if (groundRow) {
      groundRow.hidden = !show;
      if (!show) { document.getElementById("motif").value = ""; }
    }
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") { params.append(key, value); }
    });
    return params.toString();
  }

  function search() {
    var qs = query();
    if (!fragmentUrl || !window.fetch) { form.submit(); return; }
    announce.textContent = "Recherche en cours…";
    fetch(fragmentUrl + "?" + qs, { headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        zone.innerHTML = html;
        history.pushState(null, "", "/aide?" + qs);
        var heading = document.getElementById("titre-resultats") ||
          document.getElementById("titre-lignes");
        announce.textContent = heading ? heading.textContent : "Recherche terminée.";
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      })
      .catch(function () { form.submit(); });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  form.querySelectorAll("input[name=besoin]").forEach(function (radio) {
    radio.addEventListener("change", toggleGround);
  });
  if (quartier) {
    quartier.addEventListener("change", function () {
      if (quartier.value) { commune.value = ""; clearPosition(); }
    });
  }
  if (commune) {
    commune.addEventListener("change", function () {
      if (commune.value) { quartier.value = ""; clearPosition(); }
    });
  }
  window.addEventListener("popstate", function () { window.location.reload(); });
  toggleGround();

  if (!("geolocation" in navigator)) { return; }
  document.getElementById("zone-position").hidden = false;
  document.getElementById("ma-position").addEventListener("click", function () {
    stateText.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      lon.value = pos.coords.longitude.toFixed(6);
      lat.value = pos.coords.latitude.toFixed(6);
      quartier.value = "";
      commune.value = "";
      stateText.textContent = "Position trouvée (précision " +
        Math.round(pos.coords.accuracy) + " m).";
      search();
    }, function (error) {
      var messages = {
        1: "Vous n'avez pas autorisé la localisation : choisissez votre quartier ou votre commune.",
        2: "Votre position n'a pas pu être trouvée : choisissez votre quartier ou votre commune.",
        3: "La recherche de votre position a pris trop de temps : réessayez, ou choisissez un quartier."
      };
      stateText.textContent = messages[error.code] || messages[2];
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  });
}());
