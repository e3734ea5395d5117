"""In-page QR scanning where the browser reads QR codes itself (``BarcodeDetector``, e.g. Chrome
on Android). Debian's Chromium has no such detector and no camera, so both are stand-ins here:
a detector that "sees" the facilitator's link and a canvas stream as the camera. What is tested
is the page: the button appears only then, the code is taken from the link, the camera stops."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

STAND_INS = """
window.__tracksStopped = 0;
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  async detect() { return [{ rawValue: %s }]; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  canvas.getContext("2d").fillRect(0, 0, 64, 48);
  const stream = canvas.captureStream(5);
  for (const track of stream.getTracks()) {
    const stop = track.stop.bind(track);
    track.stop = () => { window.__tracksStopped += 1; stop(); };
  }
  return stream;
};
"""


@pytest.mark.browser
def test_scan_fills_the_code_from_the_link(phone: Any, walk: dict[str, Any]) -> None:
    page = phone
    page.goto(page.base_url + "/marche")
    expect(page.get_by_role("button", name="Scanner le QR code")).to_be_hidden()  # no detector

    link = f"https://cartegalite.example/marche?code={walk['invite_code']}"
    page.add_init_script(STAND_INS % json.dumps(link))
    page.reload()
    page.get_by_role("button", name="Scanner le QR code avec la caméra").tap()
    expect(page.get_by_label("Code d'invitation")).to_have_value(walk["invite_code"])
    expect(page.locator("#scan-status")).to_have_text(
        "Code lu. Choisissez maintenant un pseudonyme."
    )
    assert page.evaluate("() => document.activeElement.id") == "join-pseudo"
    assert page.evaluate("() => window.__tracksStopped") >= 1
    expect(page.locator("#scan-video")).to_be_hidden()
    page.get_by_label("Pseudonyme").fill("Nour")
    page.get_by_role("button", name="Rejoindre la marche").tap()
    expect(page.locator("#t-walk")).to_have_text(walk["title"])
