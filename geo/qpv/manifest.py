"""The manifest of official QPV sources (``data/qpv/manifest.toml``)."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "qpv" / "manifest.toml"


@dataclass(frozen=True)
class Generation:
    """What the State publishes for one generation of QPV."""

    year: int
    label: str
    code_pattern: re.Pattern[str]
    licence: str
    attribution: str
    dataset_url: str
    download_url: str
    archive_member: str
    sha256: str
    encoding: str
    fields: dict[str, list[str]]
    population_year: int | None


@dataclass(frozen=True)
class Manifest:
    generations: dict[int, Generation]
    extracts: list[dict[str, Any]]

    def detect(self, codes: list[str]) -> int | None:
        """The generation whose code pattern matches every code, or None."""
        for year, gen in self.generations.items():
            if codes and all(gen.code_pattern.match(c) for c in codes):
                return year
        return None

    def known_extract(self, path: Path) -> dict[str, Any] | None:
        """The manifest entry whose checksum equals the file's, if any."""
        digest = sha256_file(path)
        for entry in self.extracts:
            if entry.get("sha256") == digest:
                return entry
        for gen in self.generations.values():
            if gen.sha256 and gen.sha256 == digest:
                return {"file": gen.archive_member, "generation": gen.year, "official": True}
        return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and check the manifest.

    Parameters
    ----------
    path : Path, optional
        Defaults to ``data/qpv/manifest.toml`` in the project.
    """
    raw = tomllib.loads((path or DEFAULT_PATH).read_text(encoding="utf-8"))
    gens: dict[int, Generation] = {}
    for key, spec in raw["generations"].items():
        fields = dict(spec["fields"])
        pop_year = fields.pop("population_year", None)
        for required in ("code", "name"):
            if not fields.get(required):
                raise ValueError(f"manifest: generation {key} has no '{required}' field mapping")
        gens[int(key)] = Generation(
            year=int(key),
            label=spec["label"],
            code_pattern=re.compile(spec["code_pattern"]),
            licence=spec["licence"],
            attribution=spec["attribution"],
            dataset_url=spec["dataset_url"],
            download_url=spec.get("download_url", ""),
            archive_member=spec.get("archive_member", ""),
            sha256=spec.get("sha256", ""),
            encoding=spec.get("encoding", "utf-8"),
            fields={k: list(v) for k, v in fields.items()},
            population_year=int(pop_year) if pop_year else None,
        )
    return Manifest(generations=gens, extracts=list(raw.get("extracts", [])))
