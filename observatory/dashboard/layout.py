"""The page shell shared by every page (French, offline), and small HTML helpers."""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from . import french
from .offline import GEO_ASSETS_SCRIPT

PAGES = (
    ("index.html", "Accueil"),
    ("cartes.html", "Cartes"),
    ("evolution.html", "Évolution"),
    ("agence.html", "Agence d'attractivité"),
    ("territoires.html", "Communes et EPCI"),
    ("methode.html", "Méthode et données"),
)
STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 1rem}
header h1{margin:1rem 0 .2rem;font-size:1.6rem} header p{margin:0 0 .6rem;color:#444}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem;padding:0;margin:.4rem 0 1rem}
nav a{display:block;padding:.35rem .7rem;border-radius:4px;background:#e4e9ef;color:#00457c;text-decoration:none}
nav a[aria-current=page]{background:#00457c;color:#fff}
a{color:#00457c}
.synthetic{background:#fff3cd;border:2px solid #b58100;padding:.6rem 1rem;margin:1rem 0;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:.8rem;margin:1rem 0}
.card{background:#fff;border-radius:6px;padding:.8rem 1rem;box-shadow:0 1px 2px #0002}
.card .value{font-size:1.9rem;font-weight:700;color:#00457c} .card .label{font-size:.95rem}
.card .value.na{font-size:1.15rem;color:#555;font-style:italic}
.card .unit{font-size:.8rem;color:#555}
section{background:#fff;border-radius:6px;padding:1rem;margin:1rem 0;box-shadow:0 1px 2px #0002}
table{border-collapse:collapse;width:100%;font-size:.92rem} th,td{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums} .note{font-size:.85rem;color:#444}
label{font-weight:600} input[type=search]{font-size:1rem;padding:.4rem;width:min(32rem,100%)}
"""


def text(value) -> str:
    """A cell's text: empty for missing values."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def cell(value) -> str:
    """Numbers the French way, « – » for missing or suppressed values, text as it is."""
    return value if isinstance(value, str) else french.number(value)


def cells(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    return [[cell(value) for value in row] for row in frame[columns].itertuples(index=False)]


def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), caption: str = "") -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{html.escape(c)}</td>' if i in numeric else f"<td>{html.escape(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def card(value: str, label: str, unit: str, available: bool = True) -> str:
    """A headline card; an unavailable figure is set apart (its ``unit`` line says why)."""
    kind = "value" if available else "value na"
    return (f'<div class="card"><div class="{kind}">{html.escape(value)}</div>'
            f'<div class="label">{html.escape(label)}</div><div class="unit">{html.escape(unit)}</div></div>')


def page(*, file: str, title: str, territory: str, reference_date: date, synthetic: bool, body: str,
         scripts: tuple[str, ...] = (), unavailable: str = "") -> str:
    """A whole page: head with the local plotly.js, navigation, the synthetic-data banner and,
    when the register is partial (``unavailable`` says why), a warning atop every page, body."""
    banner = ('<p class="synthetic" role="note">Données SYNTHÉTIQUES : territoire de démonstration généré '
              "par le logiciel. Ces chiffres ne décrivent aucun territoire réel.</p>") if synthetic else ""
    if unavailable:
        banner += (f'<p class="synthetic" role="alert">Attention : {html.escape(unavailable)}. Les chiffres qui '
                   "dépendent du registre sont « non disponibles » pour ce territoire.</p>")
    navigation = "".join(
        f'<li><a href="{target}"{" aria-current=page" if target == file else ""}>{html.escape(label)}</a></li>'
        for target, label in PAGES)
    extra = "".join(f'<script src="{source}"></script>' for source in scripts)
    heading = f"Observatoire de la démographie médicale — {territory}"
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · {html.escape(heading)}</title>
<style>{STYLE}</style>
<script>{GEO_ASSETS_SCRIPT}</script>
<script src="assets/plotly.min.js"></script>{extra}
</head><body>
<header><h1>{html.escape(heading)}</h1>
<p>Situation au {reference_date.strftime('%d/%m/%Y')}</p>
<nav aria-label="Pages de l'observatoire"><ul>{navigation}</ul></nav>{banner}</header>
<main>
<h2>{html.escape(title)}</h2>
{body}
</main>
<footer><p class="note">Observatoire de la démographie médicale · tableaux agrégés uniquement, aucune donnée
personnelle · effectifs inférieurs au seuil du secret statistique non publiés (« – »).</p></footer>
</body></html>
"""
