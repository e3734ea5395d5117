/* Calls to the Cartégalité API with the walk token, and errors a person can read (French). */

import { session } from "./store.js";

const TIMEOUT_MS = 30000;

export class ApiError extends Error {
  /**
   * status 0 = the request never got an answer (no network, cut, timeout): retry later.
   * 5xx, 408, 429: the server could not answer now: retry later.
   * other 4xx: the server refused; retrying the same request will not help.
   */
  constructor(status, detail, errors = []) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.errors = errors;
  }

  /** The per-field messages of a 422 when there are some, else the detail. */
  get readable() {
    const messages = this.errors.map((e) => e.message).filter(Boolean);
    return messages.length ? messages.join(" ; ") : this.detail;
  }

  get retryable() {
    return this.status === 0 || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

const MESSAGES = {
  401: "accès refusé : rejoignez à nouveau la marche avec son code",
  404: "introuvable sur le serveur",
  413: "trop volumineux pour le serveur",
  429: "le serveur reçoit trop de demandes, nouvel essai bientôt",
  503: "le serveur est momentanément indisponible",
};

function describe(status, body) {
  if (body && typeof body.detail === "string") return body.detail;
  return MESSAGES[status] || `erreur du serveur (code ${status})`;
}

/**
 * fetch ``path`` with the token; returns the parsed JSON (or null for 204).
 * Throws ApiError (status 0 when the network failed).
 */
export async function call(path, { method = "GET", json, form, token, auth = true } = {}) {
  const headers = {};
  const bearer = token || (auth && session() ? session().token : null);
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const controller = new AbortController();
  const timer = window.setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, { method, headers, body, signal: controller.signal, cache: "no-store" });
  } catch (err) {
    const offline = navigator.onLine === false;
    throw new ApiError(0, offline ? "pas de réseau" : "la connexion a été coupée avant la réponse");
  } finally {
    window.clearTimeout(timer);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    if (response.ok) throw new ApiError(0, "réponse incomplète (connexion coupée)");
  }
  if (!response.ok) {
    const errors = data && Array.isArray(data.errors) ? data.errors : [];
    throw new ApiError(response.status, describe(response.status, data), errors);
  }
  return data;
}
