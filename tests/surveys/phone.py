"""A field phone as the app of issue #8 will behave: observations and photos wait in an outbox
until the server confirms them; a lost response leaves them there and they are sent again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient


class NetworkLost(Exception):
    """The request reached the server but the answer never came back."""


@dataclass
class Phone:
    client: TestClient
    headers: dict[str, str]
    outbox: dict[str, dict[str, Any]] = field(default_factory=dict)
    photos: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    answers: list[int] = field(default_factory=list)
    lose_at: int | None = None
    """Number of the request (counted from 1) whose answer gets lost."""
    sent: int = 0

    def record(self, body: dict[str, Any], photos: dict[str, bytes] | None = None) -> None:
        body = {**body, "photo_ids": list(photos or {})}
        self.outbox[body["id"]] = body
        for photo_id, data in (photos or {}).items():
            self.photos[photo_id] = (body["id"], data)

    def _send(self, method: str, url: str, **kwargs: Any) -> Any:
        resp = self.client.request(method, url, headers=self.headers, **kwargs)
        self.sent += 1
        if self.sent == self.lose_at:  # the server did its work; the phone never hears of it
            self.lose_at = None
            raise NetworkLost(url)
        self.answers.append(resp.status_code)
        return resp

    def sync(self) -> bool:
        """Send everything pending, then ask the server what it holds and forget only that.

        A lost answer ends the attempt (the phone is offline again); False then."""
        try:
            for body in list(self.outbox.values()):
                self._send("POST", "/api/observations", json=body)
            for photo_id, (obs_id, data) in list(self.photos.items()):
                self._send(
                    "POST",
                    f"/api/observations/{obs_id}/photos",
                    files={"file": ("photo.jpg", data, "image/jpeg")},
                    data={"photo_id": photo_id},
                )
            self.confirm()
        except NetworkLost:
            return False
        return True

    def confirm(self) -> None:
        if not self.outbox:
            return
        status = self._send(
            "POST", "/api/observations/sync-status", json={"ids": list(self.outbox)}
        ).json()
        for item in status["items"]:
            if item["held"]:
                for photo_id in item["photos_received"]:
                    self.photos.pop(photo_id, None)
                if not item["photos_expected"]:
                    self.outbox.pop(item["id"])
