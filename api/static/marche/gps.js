/* The phone's position (navigator.geolocation), with its accuracy written out for the walker
 * and a warning when it is too coarse to place an observation (above GOOD_ACCURACY_M). */

export const GOOD_ACCURACY_M = 50;

const ERRORS = {
  1: "Accès à la position refusé : touchez la carte ou choisissez un arrêt.",
  2: "Position indisponible ici : touchez la carte ou choisissez un arrêt.",
  3: "La position tarde à venir ; touchez « Relocaliser », la carte ou un arrêt.",
};

let watchId = null;

/** The sentence shown for a fix, and whether it is a warning. */
export function describe(accuracy) {
  const metres = Math.round(accuracy);
  if (accuracy > GOOD_ACCURACY_M) {
    return {
      warning: true,
      text: `⚠ Position imprécise (± ${metres} m) : attendez un peu, ou touchez la carte, ou choisissez un arrêt.`,
    };
  }
  return { warning: false, text: `✓ Position trouvée, précision ± ${metres} m.` };
}

function say(status, text, warning) {
  status.textContent = text;
  status.classList.toggle("warning", warning);
}

/** Follow the position; ``onFix({lon, lat, accuracy})`` on each update; ``status`` tells it. */
export function watch(status, onFix) {
  stop();
  if (!("geolocation" in navigator)) {
    say(status, "Ce téléphone ne donne pas sa position : touchez la carte ou choisissez un arrêt.", true);
    return;
  }
  say(status, "Recherche de la position…", false);
  watchId = navigator.geolocation.watchPosition(
    (pos) => {
      const fix = { lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy };
      const { text, warning } = describe(fix.accuracy);
      say(status, text, warning);
      onFix(fix);
    },
    (err) => say(status, ERRORS[err.code] || "Position inconnue : touchez la carte ou choisissez un arrêt.", true),
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 },
  );
}

export function stop() {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
}
