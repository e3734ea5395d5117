/* Small DOM helpers of the field app: building elements without innerHTML (user text is always
 * set as text), announcements for screen readers, French formats. */

export const $ = (id) => document.getElementById(id);

/** el("p", {class: "x", text: "…"}, child, …) — attributes, then children (nodes or strings). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Say ``message`` to screen readers (polite live region) without moving the focus. */
export function announce(message) {
  const region = $("announce");
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message; }, 50);
}

const DATE_TIME = new Intl.DateTimeFormat("fr-FR", {
  weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
});
const TIME = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const DATE = new Intl.DateTimeFormat("fr-FR", { weekday: "long", day: "numeric", month: "long", year: "numeric" });

export const formatDateTime = (iso) => DATE_TIME.format(new Date(iso));
export const formatTime = (ms) => TIME.format(new Date(ms));
export const formatDate = (isoDate) => DATE.format(new Date(isoDate + "T12:00:00"));

export function plural(n, one, many) {
  return `${n} ${n > 1 ? many : one}`;
}

/** A random UUID v4 (``crypto.randomUUID`` needs a secure context; this works everywhere). */
export function uuid() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Move the focus to a view's heading so screen readers say where we are. */
export function focusHeading(id) {
  const heading = $(id);
  if (heading) heading.focus({ preventScroll: false });
}
