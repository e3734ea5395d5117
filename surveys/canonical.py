"""Canonical form and hash of a submitted observation (the idempotency check).

The hash covers the *meaning* of what was submitted, not its bytes: key order, whitespace,
absent-versus-null optional fields, the time zone of ``observed_at`` and the order of ``items``
do not change it; any difference in a value does. A resend after a network failure therefore
matches (200) and a different observation under the same id does not (409).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from surveys.models import ObservationInput


def canonical(obs: ObservationInput) -> dict[str, Any]:
    """The observation as a JSON-able dict with every field present and normalised."""
    return {
        "id": str(obs.id),
        "kind": obs.kind.value,
        "walk_id": str(obs.walk_id) if obs.walk_id else None,
        "stop_id": str(obs.stop_id) if obs.stop_id else None,
        "location": [float(obs.lon), float(obs.lat)],
        "observed_at": obs.observed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "theme": obs.theme,
        "items": sorted(set(obs.items)),
        "rating": obs.rating,
        "feeling": obs.feeling,
        "works_well": bool(obs.works_well),
        "comment": obs.comment,
        "proposal": obs.proposal,
        "category": obs.category,
        "photo_ids": sorted({str(p) for p in obs.photo_ids}),
    }


def payload_hash(obs: ObservationInput) -> bytes:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(canonical(obs), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).digest()
