"""The home page: what the service offers, in French."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.routing import StrictJSONRoute

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])

HOME = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cartégalité</title>
<link rel="stylesheet" href="/static/app/site.css">
</head>
<body>
<main>
<h1>Cartégalité</h1>
<p>Cartographie et diagnostics de terrain pour l'égalité des droits
(contrat de ville de Nantes Métropole, enjeu 3).</p>
<h2>Cartes</h2>
<ul>
  <li><a href="/cartes/qpv">Quartiers prioritaires de la politique de la ville (QPV 2015)</a></li>
  <li><a href="/cartes/qpv?generation=2024">Quartiers prioritaires (QPV 2024)</a></li>
</ul>
<h2>Vos données</h2>
<ul>
  <li><a href="/confidentialite">Confidentialité : qui voit quoi, combien de temps</a></li>
</ul>
<h2>Pour les développeurs</h2>
<ul>
  <li><a href="/docs">Documentation de l'API</a> (<a href="/openapi.json">OpenAPI</a>)</li>
  <li><a href="/health">État du service</a></li>
</ul>
</main>
</body>
</html>
"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home() -> HTMLResponse:
    return HTMLResponse(HOME)
