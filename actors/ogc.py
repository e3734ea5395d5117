"""The public support actors as an OGC API – Features collection (``/ogc/collections/actors``).

Minimal provider added by the benchmarks (issue 10) so that the OGC items of the directory can be
measured against tipg; issue 9 registers the full set of collections.
"""

from __future__ import annotations

from geo.features import FeatureSource

PUBLIC_WHERE = "visibility = 'public' AND status <> 'fermee'"
"""What anonymous readers may see of the directory (closed places are not served)."""


def feature_source() -> FeatureSource:
    """Public actors with their contact and what they handle (codes, see the vocabularies)."""
    return FeatureSource(
        id="actors",
        title="Lieux d'aide et d'accès aux droits",
        description=(
            "Structures qui accompagnent les personnes (discriminations, accès aux droits, "
            "emploi, numérique), d'après les données ouvertes et la saisie de l'équipe"
        ),
        table="actor",
        where=PUBLIC_WHERE,
        geometry_type="Point",
        properties=tuple(
            (name, name)
            for name in (
                "nom",
                "actor_type",
                "adresse",
                "code_postal",
                "commune",
                "telephone",
                "site_web",
                "horaires_accueil",
                "grounds",
                "domains",
                "publics",
                "status",
            )
        ),
    )
