"""QPV boundaries: read the State's files into a normalised frame, store them, look them up."""

from geo.qpv.manifest import Manifest, load_manifest
from geo.qpv.read import ImportProblems, QpvFile, read_qpv
from geo.qpv.repo import (
    ImportSummary,
    count,
    feature,
    feature_collection,
    generations,
    lookup,
    upsert,
)

__all__ = [
    "ImportProblems",
    "ImportSummary",
    "Manifest",
    "QpvFile",
    "count",
    "feature",
    "feature_collection",
    "generations",
    "load_manifest",
    "lookup",
    "read_qpv",
    "upsert",
]
