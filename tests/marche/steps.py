"""What a walker does with the field app, as Playwright steps on a phone page (touch taps).

Each step waits for what a person would see before going on; ``Taps`` counts the taps and
keystroke bursts of the "done when" path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import expect

LOCAL_DB_COUNTS = """
() => new Promise((resolve, reject) => {
  const request = indexedDB.open("cartegalite-marche");
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result;
    const tx = db.transaction(["observations", "photos"]);
    const obs = tx.objectStore("observations").count();
    const photos = tx.objectStore("photos").count();
    tx.oncomplete = () => { db.close(); resolve([obs.result, photos.result]); };
  };
})
"""
"""(observations, photos) waiting in the phone's IndexedDB."""


@dataclass
class Taps:
    """Counts what the person does: taps on the screen and fields typed into."""

    taps: int = 0
    typed: int = 0
    steps: list[str] = field(default_factory=list)

    def tap(self, locator: Any, what: str) -> None:
        locator.tap()
        self.taps += 1
        self.steps.append(f"tap: {what}")

    def type(self, locator: Any, text: str, what: str) -> None:
        locator.tap()
        locator.fill(text)
        self.taps += 1
        self.typed += 1
        self.steps.append(f"type: {what}")


def join(page: Any, invite_code: str, pseudonym: str, taps: Taps | None = None) -> None:
    """Open /marche, type the code and a pseudonym, join; waits for the walk's page."""
    t = taps or Taps()
    page.goto(page.base_url + "/marche")
    t.type(page.get_by_label("Code d'invitation"), invite_code, "code d'invitation")
    t.type(page.get_by_label("Pseudonyme"), pseudonym, "pseudonyme")
    t.tap(page.get_by_role("button", name="Rejoindre la marche"), "Rejoindre la marche")
    expect(page.locator("#v-walk")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text(f"Bienvenue {pseudonym}")


def wait_controlled(page: Any) -> None:
    """Wait until the service worker controls the page (the shell is then cached)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)


def capture(
    page: Any,
    *,
    theme: str = "Voir et être vue",
    rating: str = "1 — problématique",
    photo: bytes | None = None,
    comment: str | None = None,
    expect_gps: str | None = "± 8 m",
    taps: Taps | None = None,
) -> None:
    """Record one observation at the phone's position; waits for « enregistrée »."""
    t = taps or Taps()
    t.tap(page.get_by_role("link", name="Nouvelle observation"), "Nouvelle observation")
    expect(page.locator("#v-capture")).to_be_visible()
    if expect_gps:
        expect(page.locator("#gps-status")).to_contain_text(expect_gps)
    t.tap(page.get_by_label(theme, exact=True), f"thème « {theme} »")
    t.tap(page.get_by_label(rating, exact=True), f"appréciation « {rating} »")
    if photo is not None:
        with page.expect_file_chooser() as chooser:
            t.tap(page.get_by_role("button", name="Prendre une photo"), "Prendre une photo")
        chooser.value.set_files(
            files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo}]
        )
        t.taps += 1  # the camera's shutter
        t.steps.append("tap: déclencheur de l'appareil photo")
        expect(page.locator("#photo-status")).to_contain_text("Photo ajoutée")
    if comment:
        t.type(page.get_by_label("Commentaire"), comment, "commentaire")
    t.tap(page.get_by_role("button", name="Enregistrer", exact=True), "Enregistrer")
    expect(page.locator(".flash")).to_contain_text("Observation enregistrée sur le téléphone")


def local_counts(page: Any) -> tuple[int, int]:
    """(observations, photos) still waiting on the phone."""
    counts = page.evaluate(LOCAL_DB_COUNTS)
    return (int(counts[0]), int(counts[1]))


def wait_synced(page: Any, sent: int, timeout: float = 20000) -> None:
    """Wait on the walk's page until nothing waits and the server confirmed ``sent``."""
    expect(page.locator("#sync-panel")).to_contain_text(
        re.compile(rf"confirmées par le serveur : {sent}(?!\d)[\s\S]*Tout est envoyé"),
        timeout=timeout,
    )
