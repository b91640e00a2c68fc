"""The dashboard: every page built offline, opened in a real headless Chromium."""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest

from observatory.dashboard import french

PAGES = {  # page: (plots expected at least, choropleth paths expected)
    "index.html": (1, 0),
    "cartes.html": (1, None),
    "evolution.html": (4, 0),
    "agence.html": (0, 0),
    "territoires.html": (0, 0),
    "ou-agir.html": (0, 0),
    "scenarios.html": (0, 0),
    "commune.html#00004": (2, 0),
    "epci.html#200000001": (2, 0),
    "methode.html": (0, 0),
    "zonages.html": (0, 0),
    "zone-cpts-3.html": (0, 0),
}


def test_numbers_are_written_the_french_way():
    assert french.number(330124) == "330\u202f124"
    assert french.number(7.5729, 1) == "7,6"
    assert french.percent(0.56) == "56\u202f%"
    assert french.number(None) == french.number(float("nan")) == "–"
    assert (french.signed(0.0612, 2), french.signed(-3), french.signed(0.001, 2), french.signed(1234)) == (
        "+0,06", "−3", "0,00", "+1\u202f234")


def test_a_secret_quarter_says_so_instead_of_reading_as_zero():
    import pandas as pd

    from observatory.dashboard.figures import fig_funnel_by_quarter

    table = pd.DataFrame({"period": ["2022-T1", "2022-T2"], "year": [2022, 2022], "quarter": [1, 2],
                          "new_contacts": [21.0, None], "new_accompanied": [17.0, 10.0], "installations": [None, 0.0]})
    figure = fig_funnel_by_quarter(table)
    contacts, _, installations = figure.data
    assert list(contacts.x) == ["T1 2022", "T2 2022"]
    assert list(contacts.text) == ["", "secret"] and list(contacts.customdata) == ["21", "secret"]
    assert list(installations.text) == ["secret", ""] and list(installations.customdata) == ["secret", "0"]
    assert figure.layout.yaxis.rangemode == "tozero"


def test_pages_reference_only_local_files(demo_build):
    site = demo_build.settings.site_dir
    for name in {page.split("#")[0] for page in PAGES}:
        html = (site / name).read_text(encoding="utf-8")
        assert '<html lang="fr">' in html and "SYNTHÉTIQUES" in html, name
        references = re.findall(r'(?:src|href)="([^"]+)"', html)
        draws = PAGES[next(page for page in PAGES if page.startswith(name))][0] > 0
        # plotly.js only where a chart is drawn, as the partial bundle holding what the page draws
        bundle = "assets/plotly-geo.min.js" if name == "cartes.html" else "assets/plotly-basic.min.js"
        assert (bundle in references) == draws and ("assets/plotly-locale-fr.js" in references) == draws, name
        assert not {"assets/plotly.min.js", "assets/plotly-geo.min.js", "assets/plotly-basic.min.js"} - {bundle} \
            & set(references), name
        assert "Indicateurs au 30/06/2024 · registre RPPS du 30/06/2024" in html, name
        assert not [ref for ref in references if re.match(r"^(?:https?:)?//", ref)], name
        for reference in references:
            assert (site / reference.split("#")[0]).exists(), (name, reference)


def test_the_partial_plotly_bundles_are_the_plotly_js_of_the_python_package():
    """The figures are written by the Python package for its own plotly.js: the npm bundles
    the pages load must be that version (package.json pins it; npm ci installs it)."""
    from pathlib import Path

    from plotly.offline import get_plotlyjs_version

    from observatory.dashboard.offline import BUNDLES, NODE_MODULES

    root = Path(__file__).resolve().parents[1]
    pinned = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert {pinned[package] for package, _ in BUNDLES.values()} == {get_plotlyjs_version()}
    for package, file in BUNDLES.values():
        if (NODE_MODULES / package / file).exists():
            assert f"v{get_plotlyjs_version()}" in (NODE_MODULES / package / file).read_text(encoding="utf-8")[:200]


def test_pages_follow_french_typography(demo_build):
    """No ordinary (breakable) space before « : ; ? ! » or inside guillemets, in any page's text."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.code, self.parts = 0, []

        def handle_starttag(self, tag, attrs):
            self.code += tag in {"script", "style"}

        def handle_endtag(self, tag):
            self.code -= tag in {"script", "style"}

        def handle_data(self, data):
            if not self.code:
                self.parts.append(data)

    site = demo_build.settings.site_dir
    for name in {page.split("#")[0] for page in PAGES}:
        reader = Text()
        reader.feed((site / name).read_text(encoding="utf-8"))
        words = " ".join(reader.parts)
        assert "Source\u00a0:" in words or name in {"commune.html", "epci.html", "agence.html", "territoires.html",
                                                  "ou-agir.html", "methode.html"}, name
        bad = re.findall(r".{12}(?: [:;!?»]|« ).{12}", words)
        assert bad == [], (name, bad[:5])


def test_every_table_is_downloadable_as_csv_and_xlsx(demo_build):
    data = demo_build.settings.site_dir / "data"
    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        tables = {name for (name,) in connection.execute("show tables").fetchall()} - {"commune_boundaries"}
        for name in tables:
            assert (data / f"{name}.csv").exists() and (data / f"{name}.xlsx").exists(), name
        from observatory.publish import extension_path

        connection.execute(f"LOAD '{extension_path('excel')}'")
        rows = connection.execute(f"select count(*) from read_xlsx('{data / 'accessibility_by_commune.xlsx'}')").fetchone()[0]
    assert rows == 270
    csv = (data / "gp_supply_by_departement.csv").read_text(encoding="utf-8-sig").splitlines()
    # French CSV: the catalogue's column names, semicolons, decimal comma, rounded numbers
    assert csv[0].startswith("Code département;Nom;") or csv[0].startswith("Code département;Département;")
    assert "Densité de médecins généralistes" in csv[0] and ";7,573;" in csv[1]


def test_maps_are_exported_as_png_and_pdf_for_reports(demo_build, chromium):
    exports = demo_build.settings.site_dir / "exports"
    for name in ("carte-densite", "carte-apl", "carte-age", "carte-classes"):
        assert (exports / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (exports / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (exports / f"{name}.png").stat().st_size > 20_000  # a drawn map, not a blank frame


def test_no_figure_publishes_a_small_count(demo_build):
    """Counts from non-public data on the site are 0 or at least the threshold."""
    threshold = demo_build.settings.small_count_threshold
    data = demo_build.settings.site_dir / "data"
    territories = "".join(path.read_text(encoding="utf-8") for path in [data / "territoires.js", *data.glob("fiches/*.js")])
    departures = [float(v) for v in re.findall(r'"departs(?:5|10)": ([0-9.]+)', territories)]
    assert departures and all(v == 0 or v >= threshold for v in departures)
    by_epci = duckdb.sql(f"select installations from read_csv('{demo_build.settings.site_dir / 'data' / 'agency_installations_by_epci.csv'}', delim=';')").fetchall()
    assert all(count >= threshold for (count,) in by_epci)


@pytest.mark.browser
def test_every_page_renders_offline_in_chromium(demo_build, chromium, artifacts, spec):
    from playwright.sync_api import sync_playwright

    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        for name, (plots, paths) in PAGES.items():
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests, errors = [], []
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto((site / name.split("#")[0]).as_uri() + ("#" + name.split("#")[1] if "#" in name else ""))
            if plots:
                page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=30_000)
            drawn = page.locator("path.choroplethlocation").count()
            if plots:  # no modebar button uploads a chart (« Share chart... » goes to Plotly Cloud)
                page.locator(".js-plotly-plot").first.hover()
                assert page.locator(".modebar-btn").count() > 0, name
                assert page.locator('.modebar-btn[data-title^="Share"]').count() == 0, name
            rendered = page.locator(".js-plotly-plot").count()
            page.screenshot(path=str(artifacts / f"dashboard-{name.replace('.html', '').replace('#', '-')}.png"),
                            full_page=True)
            if name == "index.html":
                assert page.locator(".card .value").all_inner_texts()[:4] == ["330\u202f124", "250", "7,6", "56\u202f%"]
            if name.startswith("commune.html"):
                assert "Beauelles-sur-Loire (00004)" in page.locator("#fiche h3").inner_text()
                page.fill("#recherche", "CC de Mentange (EPCI 200000005)")
                page.dispatch_event("#recherche", "change")
                page.wait_for_url("**/epci.html#200000005")
                assert "CC de Mentange" in page.locator("#fiche h3").inner_text()
            page.close()
            assert errors == [], name
            assert [url for url in requests if not url.startswith(("file://", "data:"))] == [], name
            assert rendered >= plots, name
            if paths is None:  # the map's layer shown draws every commune, the EPCI borders above it
                assert drawn == spec.communes + spec.epcis, name
        browser.close()


def test_without_a_browser_the_maps_are_published_without_exports(monkeypatch, tmp_path):
    import plotly.graph_objects as go
    import plotly.io as pio

    from observatory.dashboard.exports import export_maps

    def no_browser(*args, **kwargs):
        raise RuntimeError("no Chromium found")

    monkeypatch.setattr(pio, "write_images", no_browser)
    previous = pio.defaults.topojson
    assert export_maps({"carte": go.Figure()}, tmp_path / "exports", {"carte": "x"}) == {}
    assert pio.defaults.topojson == previous  # the global setting is restored


def test_an_exported_map_carries_its_territory_sources_and_dates(monkeypatch, tmp_path):
    import plotly.graph_objects as go
    import plotly.io as pio

    from observatory.dashboard.exports import export_maps

    written = {}
    monkeypatch.setattr(pio, "write_images", lambda figures, paths, **_: written.update(zip(paths, figures)))
    said = "Territoire de démonstration — Source : RPPS · registre RPPS du 30/06/2024 · données synthétiques"
    assert export_maps({"carte-apl": go.Figure()}, tmp_path, {"carte-apl": said}) == {
        "carte-apl": ["carte-apl.png", "carte-apl.pdf"]}
    assert len(written) == 2 and all([a.text for a in figure.layout.annotations] == [said]
                                     for figure in written.values())


def test_maps_page_says_when_exports_are_missing():
    from observatory.dashboard.figures import MapLayer, fig_map
    from observatory.dashboard.pages import maps
    from observatory.dashboard.site import MapPage

    class Data:
        small_count_threshold = 5
        synthetic = False
        reference_date = date(2024, 6, 30)
        register_vintage = ""

        map_exports = True

    layer = MapLayer("Densité", ("gp_density",), [{"type": "choropleth", "locations": ["1"], "z": [1]}])
    shown = MapPage("Cartes", {"densite": layer}, [], {}, (0, 0, 1, 1))
    html = maps(Data(), fig_map({"densite": layer}, "densite", [], (0, 0, 1, 1)), shown, {})
    assert "Export image indisponible sur cette machine." in html
    Data.map_exports = False  # not asked for (France): said so, not called a failure
    html = maps(Data(), fig_map({"densite": layer}, "densite", [], (0, 0, 1, 1)), shown, {})
    assert "Exports image non produits pour un territoire de cette taille" in html


def _browser(playwright, chromium):
    return playwright.chromium.launch(executable_path=chromium, args=[
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])


def _maps_page(browser, site, layer: str):
    """The maps page at desktop width, ``layer`` chosen by the address, once Plotly has drawn it."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto((site / "cartes.html").as_uri() + "#" + layer)
    page.wait_for_selector("#carte .main-svg", state="attached", timeout=30_000)
    return page


@pytest.mark.parametrize("width", [1440, 390])
def test_every_page_fits_the_screen_and_every_chart_speaks(demo_build, chromium, artifacts, width):
    """At desktop and phone widths: no page wider than the screen, a skip link first, every
    chart an image with a summary for screen readers and its sources beneath."""
    from playwright.sync_api import sync_playwright

    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        for name, (plots, _) in PAGES.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((site / name.split("#")[0]).as_uri() + ("#" + name.split("#")[1] if "#" in name else ""))
            if plots:
                page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=30_000)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, width, overflow)
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Aller au contenu", name
            charts = page.locator(".js-plotly-plot")
            for index in range(charts.count()):
                holder = charts.nth(index).locator("xpath=ancestor::*[@role='img'][1]")
                assert holder.count() == 1 and len(holder.get_attribute("aria-label")) > 40, (name, index)
            if name.split("#")[0] in {"index.html", "cartes.html", "evolution.html"}:
                captions = page.locator("figure.chart figcaption").all_inner_texts()
                assert len(captions) == charts.count() and all(c.startswith("Source\u00a0: ") for c in captions), name
                assert all("registre RPPS du 30/06/2024" in c and "synthétiques" in c for c in captions), name
            if width == 390:
                page.screenshot(path=str(artifacts / f"phone-{name.replace('.html', '').replace('#', '-')}.png"),
                                full_page=True)
            page.close()
        browser.close()


def test_the_map_switches_layers_keeps_the_scroll_and_opens_the_sheet_clicked(demo_build, chromium, artifacts):
    """One large map: the selector (a keyboard-usable <select>) shows each layer with its
    title, sources and legend; the wheel scrolls the page; a click on a commune, made with
    the mouse where the commune is drawn, opens its sheet."""
    from playwright.sync_api import sync_playwright

    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = _maps_page(browser, site, "age")
        assert page.evaluate("document.getElementById('carte')._context.scrollZoom") is False
        # the address chose the EPCI layer: its title, the EPCI polygons drawn, oranges
        assert page.input_value("#choix-carte") == "age"
        assert page.locator("#titre-carte").inner_text().startswith("Part des généralistes de 55 ans ou plus")
        legend = page.locator("#carte .legendtext").all_text_contents()
        assert legend[0] in {"0", "secret statistique", "aucun médecin"} or " à " in legend[0], legend
        page.keyboard.press("Tab")
        page.focus("#choix-carte")
        options = page.locator("#choix-carte option").evaluate_all("options => options.map(o => o.value)")
        for _ in range(options.index("age") - options.index("classes")):  # from the keyboard, up to the classes
            page.keyboard.press("ArrowUp")
        page.wait_for_function("document.getElementById('titre-carte').textContent.startsWith('Classe d')")
        assert page.url.endswith("cartes.html#classes")
        assert "Désert médical (APL < 2,5)" in page.locator("#carte .legendtext").all_text_contents()
        assert page.locator("figure.chart figcaption").inner_text().startswith("Source\u00a0: ")
        assert page.locator("[role=img]").get_attribute("aria-label").startswith("Classe d'accessibilité des communes")
        page.screenshot(path=str(artifacts / "carte-classes.png"), full_page=True)
        page.mouse.move(700, 450)
        before = page.evaluate("window.scrollY")
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(300)
        assert page.evaluate("window.scrollY") > before  # the wheel scrolls the page, not the map
        page.evaluate("window.scrollTo(0, 0)")
        # a real click inside a commune drawn on the map (the EPCI borders above do not catch it)
        names = json.loads((site / "data" / "territoires.js").read_text(encoding="utf-8")
                           .removeprefix("window.OBSERVATOIRE = ").rstrip().rstrip(";"))["communes"]
        boxes = page.evaluate("""Array.from(document.querySelectorAll('#carte path.choroplethlocation'))
            .filter(p => p.__data__ && typeof p.__data__.loc === 'string' && p.__data__.loc.length === 5)
            .map(p => { const r = p.getBoundingClientRect();
                        return [p.__data__.loc, r.x + r.width / 2, r.y + r.height / 2]; })""")
        for code, x, y in boxes:
            page.mouse.move(x, y)
            if names[code]["nom"] in (page.locator("#carte .hoverlayer").text_content() or ""):
                page.mouse.click(x, y)
                page.wait_for_url(f"**/commune.html#{code}")
                page.wait_for_selector("#fiche table")
                break
        else:
            raise AssertionError("no commune of the map answered the mouse")
        browser.close()


def test_the_scenarios_page_gives_the_horizons_the_plan_and_the_candidates(demo_build, chromium, artifacts):
    from playwright.sync_api import sync_playwright

    from observatory.publish import read_published_tables

    tables = read_published_tables(demo_build.settings.curated_dir)
    plan, horizons = tables["gp_placement_plan"], tables["apl_horizons"]
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto((demo_build.settings.site_dir / "scenarios.html").as_uri())
        first = page.locator("section").nth(0).locator("tbody tr")
        assert first.count() == 3 and first.nth(1).locator("td").first.inner_text() == "Dans 5\u00a0ans"
        assert first.nth(1).locator("td").nth(1).inner_text() == french.number(horizons.at[1, "population_desert"])
        rows = page.locator("section").nth(1).locator("tbody tr")
        assert rows.count() == len(plan) == 10
        assert rows.first.locator("a").get_attribute("href") == f"commune.html#{plan.at[0, 'commune_code']}"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.click('#classement-candidats button[data-key="gain"]')
        gains = [float(v) for v in page.eval_on_selector_all("#classement-candidats tbody tr",
                                                             "rows => rows.map(r => r.dataset.gain)")]
        assert gains in (sorted(gains), sorted(gains, reverse=True)) and len(gains) == 50
        page.screenshot(path=str(artifacts / "phone-scenarios.png"), full_page=True)
        browser.close()


def test_quantile_classes_hold_every_value_in_order():
    import numpy as np
    import pandas as pd
    from hypothesis import given, strategies as st

    from observatory.dashboard.figures import quantile_classes

    @given(st.lists(st.one_of(st.just(0.0), st.floats(0.01, 100), st.just(float("nan"))), min_size=1, max_size=60))
    def check(values):
        series = pd.Series(values, dtype="float64")
        classes, labels = quantile_classes(series, 1)
        known = series.notna()
        assert classes[~known].isna().all() and classes[known].notna().all()
        assert len(labels) <= 6 and len(set(labels)) == len(labels)
        if known.any():  # every class holds a value, in the order of the values
            assert sorted(classes[known].unique()) == list(range(len(labels)))
            ordered = classes[known].to_numpy()[np.argsort(series[known].to_numpy(), kind="stable")]
            assert (np.diff(ordered) >= 0).all()
        assert ((series == 0) == (classes == 0) & known).all() or not (series == 0).any()
        if (series == 0).any():
            assert labels[0] == "0"

    check()
    # layers of one to six classes, and of none (no roster: no ages, only greys, one per reason)
    from observatory.dashboard.figures import quantile_layer

    for values, names in (([float("nan")] * 2, ["secret statistique"]), ([0.0, 1.0, 2.0, 3.0], ["0", "1 à 2", "2 à 3"]),
                          # 1…29: the lower quantiles at 0, 20 … 100 % are the values at ranks 0, 5, 11, 16, 22, 28
                          (list(range(30)), ["0", "1 à 6", "6 à 12", "12 à 17", "17 à 23", "23 à 29"])):
        table = pd.DataFrame({"commune_code": [str(i) for i in range(len(values))], "commune_name": "A", "v": values})
        layer = quantile_layer("communes", table, "v",
                               pd.Series("secret statistique", index=table.index), title="T", unit="u", decimals=0,
                               palette="Blues", group="g")
        assert [trace["name"] for trace in layer.traces] == names
    classes, labels = quantile_classes(pd.Series([0.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0, float("nan")]), 1)
    assert labels == ["0", "2,0 à 4,0", "4,0 à 6,0", "6,0 à 8,0", "8,0 à 10,0"]  # by hand: quintiles of 2…10
    assert list(classes.iloc[:7]) == [0, 0, 1, 2, 3, 4, 4] and pd.isna(classes.iloc[7])


def test_a_commune_sheet_prints_without_navigation_on_a4(demo_build, chromium, artifacts):
    from playwright.sync_api import sync_playwright

    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto((site / "commune.html").as_uri() + "#00004")
        page.wait_for_selector("#serie-territoire-apl .main-svg", state="attached", timeout=30_000)
        assert page.locator("button.print").inner_text() == "Imprimer la fiche"
        # one measure per chart, each axis from zero: no second axis
        assert page.evaluate("document.getElementById('serie-territoire').layout.yaxis2") is None
        assert page.evaluate("document.getElementById('serie-territoire-apl').layout.yaxis.rangemode") == "tozero"
        page.emulate_media(media="print")
        hidden = page.evaluate("""['nav', 'button.print', '#recherche'].map(
            s => getComputedStyle(document.querySelector(s)).display)""")
        assert hidden == ["none", "none", "none"]
        assert "données synthétiques" in page.locator("footer").inner_text()
        pdf = page.pdf(format="A4", print_background=True)
        (artifacts / "fiche-commune-00004.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        browser.close()


def test_ou_agir_ranks_filters_and_sorts_the_territories(demo_build, chromium, artifacts):
    """Deserts first, by population; the filters hide what they exclude; a column title
    sorts; the structures within 15 minutes are counted from the travel times."""
    from playwright.sync_api import sync_playwright

    from observatory.dashboard.targeting import structures_within
    from observatory.publish import read_published_tables

    tables = read_published_tables(demo_build.settings.curated_dir)
    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto((site / "ou-agir.html").as_uri())
        rows = page.locator("#classement-communes tbody tr")
        assert rows.count() == len(tables["accessibility_by_commune"])
        classes = [rows.nth(i).get_attribute("data-classe") for i in range(rows.count())]
        assert classes == sorted(classes, key=["desert", "fragile", "adequate", ""].index)  # deserts first
        first = page.locator("#classement-communes tbody tr").first
        code = first.locator("a").get_attribute("href").split("#")[1]
        expected = structures_within(tables["commune_travel_times"], tables["care_structure_locations"]).get(code, 0)
        assert first.get_attribute("data-structures") == str(expected)
        page.fill("#filtre-population", "2000")
        page.select_option("#filtre-classe", "desert")
        visible = page.locator("#classement-communes tbody tr:not([hidden])")
        assert 0 < visible.count() < rows.count()
        assert all(int(float(visible.nth(i).get_attribute("data-population"))) >= 2000
                   and visible.nth(i).get_attribute("data-classe") == "desert" for i in range(visible.count()))
        assert page.locator("#compte-communes").inner_text().startswith(f"{visible.count()} communes affichées")
        page.click('#classement-communes button[data-key="minutes"]')
        minutes = [float(v) for v in page.eval_on_selector_all(
            "#classement-communes tbody tr", "rows => rows.map(r => r.dataset.minutes).filter(v => v !== '')")]
        assert minutes == sorted(minutes, reverse=True)
        page.screenshot(path=str(artifacts / "ou-agir.png"), full_page=True)
        # the search takes part of a name (no accents needed) or a code, and says when nothing matches
        page.fill("#recherche", "zzzz")
        page.press("#recherche", "Enter")
        assert page.locator("#recherche-message").inner_text() == "Aucun territoire ne correspond à « zzzz »."
        page.fill("#recherche", "beauelles")
        page.press("#recherche", "Enter")
        page.wait_for_url("**/commune.html#00004")
        page.fill("#recherche", "200000005")
        page.press("#recherche", "Enter")
        page.wait_for_url("**/epci.html#200000005")
        browser.close()


def test_a_commune_sheet_sets_its_figures_beside_its_epci_and_departement(demo_build, chromium):
    from playwright.sync_api import sync_playwright

    from observatory.publish import read_published_tables

    tables = read_published_tables(demo_build.settings.curated_dir)
    commune = tables["gp_supply_by_commune"].set_index("commune_code").loc["00004"]
    epci_code = tables["commune_reference"].set_index("commune_code").at["00004", "epci_code"]
    epci = tables["gp_supply_by_epci"].set_index("epci_code").loc[epci_code]
    departement = tables["gp_supply_by_departement"].iloc[0]
    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto((site / "commune.html").as_uri() + "#00004")
        page.wait_for_selector("table.reperes")
        headers = page.locator("table.reperes thead th").all_inner_texts()
        assert headers == ["Repères", "Beauelles-sur-Loire", epci["epci_name"], departement["departement_name"]]
        density = page.locator("table.reperes tbody tr").first.locator("td").all_inner_texts()
        assert density == [french.number(value, 1) for value in
                           (commune["gp_density"], epci["gp_density"], departement["gp_density"])]
        # and the CNAM's figure of the département (its région and France where the file has them)
        cnam = tables["gp_density_references"].iloc[0]
        assert page.locator("p.reperes-cnam").inner_text().endswith(
            f"{cnam['name']} {french.number(cnam['density_per_100k'], 1)}.")
        browser.close()


def test_the_maps_page_carries_its_contours_once(demo_build):
    site = demo_build.settings.site_dir
    maps = (site / "cartes.html").read_text(encoding="utf-8")
    assert '<script src="data/contours.js"></script>' in maps
    assert '"coordinates"' not in maps  # every polygon is in data/contours.js, loaded once for the four maps
    assert len(maps.encode()) < 200_000


def test_desert_classes_stay_apart_in_greyscale():
    from observatory.dashboard.figures import CLASS_COLOURS

    def luminance(colour: str) -> float:  # WCAG relative luminance
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    levels = sorted(luminance(colour) for colour in CLASS_COLOURS.values())
    assert len(levels) == 4 and min(b - a for a, b in zip(levels, levels[1:])) > 0.1


def test_json_inlined_in_a_page_cannot_close_its_script():
    from observatory.dashboard.pages import inline_json

    text = inline_json({"nom": "</script><script>window.__xss=1</script> & co"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"nom": "</script><script>window.__xss=1</script> & co"}


def test_each_page_declares_its_tables_and_a_missing_one_fails_by_name(demo_build):
    from dataclasses import fields

    from observatory.dashboard import inputs
    from observatory.publish import read_published_tables

    tables = read_published_tables(demo_build.settings.curated_dir)
    pages = (inputs.HomeInput, inputs.EvolutionInput, inputs.AgencyInput, inputs.TerritoriesInput,
             inputs.PrioritiesInput, inputs.MethodInput)
    for page in pages:
        built = page.of(tables)
        assert all(getattr(built, field.name) is not None for field in fields(page)), page.__name__
    without = {name: table for name, table in tables.items() if name != "gp_density_references"}
    with pytest.raises(KeyError, match="needs the published table gp_density_references"):
        inputs.HomeInput.of(without)


def test_a_missing_figure_says_why(demo_build, chromium):
    """« – » meant three things; a sheet now says which: secret statistique, aucun médecin,
    or no data, each where the published tables say so."""
    from playwright.sync_api import sync_playwright

    from observatory.dashboard.site import sheet_labels
    from observatory.publish import read_published_tables

    supply = read_published_tables(demo_build.settings.curated_dir)["gp_supply_by_commune"].set_index("commune_code")
    secret = supply[supply["age_suppressed"] & (supply["gps"] > 0)].index[0]
    empty = supply[supply["gps"] == 0].index[0]
    labels = sheet_labels()
    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for code, expected in ((secret, "secret statistique"), (empty, "aucun médecin")):
            page.goto((site / "commune.html").as_uri() + "#" + code)
            page.wait_for_selector("#fiche table")
            cells = dict(zip(page.locator("#fiche table.chiffres th").all_inner_texts(),
                             page.locator("#fiche table.chiffres td").all_inner_texts()))
            assert cells[labels["part55"]] == expected, code
            assert cells[labels["departs5"]] == expected, code
        browser.close()


def test_downloads_speak_french_and_round_to_what_figures_mean():
    import pandas as pd

    from observatory.dashboard.downloads import for_readers

    frame = pd.DataFrame({"commune_code": ["41018"], "population": [45000.0], "apl": [2.734567], "lat": [47.5861234567],
                          "share_desert": [0.123456], "register_complete": [True], "durable": [3.0],
                          "installed_durable": [3.0]})
    shown = for_readers("any_table", frame)
    assert list(shown.columns) == ["Code commune", "Population municipale", "Accessibilité potentielle localisée (APL)",
                                   "Latitude", "Part de la population en désert médical", "Registre complet",
                                   "Installations durables", "Installations durables (installed_durable)"]
    assert shown.iloc[0].tolist() == ["41018", 45000, 2.735, 47.58612, 0.1235, "oui", 3, 3]


def test_downloads_are_csv_for_french_spreadsheets(tmp_path):
    """Semicolons, decimal commas in shortest form, dates without a time that was never given,
    quotes only where a value holds a semicolon or a quote, formulas neutralised, a byte order
    mark; a table with no column is still a file."""
    import duckdb
    import pandas as pd

    from observatory.dashboard.downloads import as_text, neutralised, write_csv

    frame = pd.DataFrame({"nom": pd.array(["Blois", "a;b", '=1+1', None], dtype="string"),
                          "apl": [2.5, 330124.0, None, 0.125], "n": pd.array([1, None, 3, 4], dtype="Int64"),
                          "jour": pd.to_datetime(["2024-06-30", None, "2023-01-01", "2022-12-31"])})
    connection = duckdb.connect()
    write_csv(as_text(neutralised(frame)), tmp_path / "t.csv", connection)
    write_csv(as_text(neutralised(frame.head(1))), tmp_path / "one.csv", connection)  # the connection serves again
    assert (tmp_path / "one.csv").read_bytes().decode("utf-8") == "\ufeffnom;apl;n;jour\nBlois;2,5;1;2024-06-30\n"
    assert (tmp_path / "t.csv").read_bytes().decode("utf-8") == (
        "\ufeffnom;apl;n;jour\nBlois;2,5;1;2024-06-30\n\"a;b\";330124;;\n'=1+1;;3;2023-01-01\n;0,125;4;2022-12-31\n")
    write_csv(pd.DataFrame(), tmp_path / "vide.csv", connection)
    assert (tmp_path / "vide.csv").read_bytes() == "\ufeff\n".encode("utf-8")


def test_the_downloads_are_shared_in_two_halves_of_about_the_same_cells():
    """Every table in one share and one only, the largest first to the lighter share."""
    import pandas as pd

    from observatory.dashboard.downloads import two_shares

    tables = {name: pd.DataFrame({"a": range(rows), "b": range(rows)})
              for name, rows in {"big": 100, "mid": 60, "small": 30, "tiny": 10, "empty": 0}.items()}
    first, second = two_shares(tables)
    assert sorted([*first, *second]) == sorted(tables) and not set(first) & set(second)
    assert (sorted(first), sorted(second)) == (["big", "empty"], ["mid", "small", "tiny"])
    assert sum(frame.size for frame in first.values()) == 200 and sum(f.size for f in second.values()) == 200


def test_every_profession_has_its_figures_or_says_why():
    """Hand-made rows: a profession held and complete, one the register did not hold yet, one
    whose register is partial; the GPs keep their own layers and are not among the others."""
    import pandas as pd

    from observatory.dashboard import professions

    supply = pd.DataFrame({
        "commune_code": ["41001"] * 4 + ["41002"] * 4,
        "profession": ["medecin_generaliste", "infirmier", "sage_femme", "pharmacien"] * 2,
        "in_register": [True, False, True, True] * 2,
        "register_complete": [True, False, False, True] * 2,
        "headcount": [2.0, None, None, 1.0, 0.0, None, None, 3.0],
        "density": [20.0, None, None, 10.0, 0.0, None, None, 7.5],
    })
    wide = professions.density_columns(supply, "commune_code").set_index("commune_code")
    assert "density_medecin_generaliste" not in wide.columns
    assert wide.loc["41001", "density_pharmacien"] == 10.0 and wide.loc["41002", "density_pharmacien"] == 7.5
    assert pd.isna(wide.loc["41001", "why_density_pharmacien"])
    assert (wide["why_density_infirmier"] == "profession absente du registre à cette date").all()
    assert (wide["why_density_sage_femme"] == "registre incomplet pour la profession").all()
    rows = professions.sheet_rows(supply, "commune_code")
    assert rows["41001"] == [["medecin_generaliste", 2.0, 20.0, None],
                             ["infirmier", None, None, "profession absente du registre à cette date"],
                             ["sage_femme", None, None, "registre incomplet pour la profession"],
                             ["pharmacien", 1.0, 10.0, None]]


@pytest.mark.browser
def test_every_profession_is_on_the_maps_the_sheets_and_the_territories_page(demo_build, chromium, artifacts):
    """The maps' selector draws each profession's density; a commune's sheet lists each
    profession's headcount and density as published; « Communes et EPCI » gives them per
    département beside the CNAM's count."""
    import pandas as pd
    from playwright.sync_api import sync_playwright

    from observatory.publish import read_published_tables

    tables = read_published_tables(demo_build.settings.curated_dir)
    supply = tables["profession_supply_by_commune"]
    busiest = supply[supply["profession"] == "infirmier"].sort_values("headcount").iloc[-1]
    expected = supply[supply["commune_code"] == busiest["commune_code"]]
    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = _maps_page(browser, site, "densite_infirmier")
        title = page.locator("#titre-carte").inner_text()
        assert title.startswith("Infirmiers") and "densité par commune" in title
        drawn = page.evaluate("""Array.from(document.querySelectorAll('#carte path.choroplethlocation'))
            .filter(p => p.__data__ && typeof p.__data__.loc === 'string').length""")
        assert drawn >= len(supply["commune_code"].unique())  # every commune, in a class or greyed with a reason
        page.goto((site / "commune.html").as_uri() + "#" + busiest["commune_code"])
        page.wait_for_selector("#fiche table.professions")
        rows = page.locator("#fiche table.professions tbody tr").all()
        shown = {row.locator("th").inner_text(): row.locator("td").all_inner_texts() for row in rows}
        page.screenshot(path=str(artifacts / "fiche-professions.png"), full_page=True)
        browser.close()
    labels = dict(zip(expected["profession"], expected["profession_label"]))
    assert list(shown) == list(labels.values())
    for row in expected.itertuples():
        count, density = shown[row.profession_label]
        assert count == f"{int(row.headcount):,}".replace(",", "\u202f") and density == f"{row.density:.1f}".replace(".", ",")
    territories = (site / "territoires.html").read_text(encoding="utf-8")
    nurses = tables["profession_supply_by_departement"].set_index("profession").loc["infirmier"]
    assert "<h3>Professions de santé</h3>" in territories
    assert f"<td>Infirmiers</td><td class=\"n\">{int(nurses['headcount']):,}</td>".replace(",", "\u202f") in territories
    assert pd.notna(nurses["density"])
    method = (site / "methode.html").read_text(encoding="utf-8")
    assert "non une APL dont il aurait inventé les paramètres" in method  # why the others have no APL
    evolution = (site / "evolution.html").read_text(encoding="utf-8")
    over_time = tables["profession_supply_over_time"]
    assert over_time["snapshot_date"].nunique() == 3  # the demo's two earlier snapshots and today's
    for row in over_time[over_time["profession"] == "infirmier"].itertuples():
        shown = f"{int(row.headcount):,} ({row.density:.1f})".replace(",", "\u202f").replace(".", ",")
        assert f'<td class="n">{shown}</td>' in evolution


def test_a_zone_diagnostic_gives_its_figures_beside_its_departement_and_prints(demo_build, chromium, artifacts):
    """The demo's CPTS de Saint-Coudville: its figures are the published tables', a secret one
    says so, the département stands beside, and the page prints on A4 without navigation."""
    from playwright.sync_api import sync_playwright

    with duckdb.connect(str(demo_build.settings.database_path), read_only=True) as connection:
        zone = connection.execute("select s.population, s.gps, a.apl, a.departures_5y, i.installations, s.zone_name "
                                  "from gp_supply_by_zone s join accessibility_by_zone a using (zoning, zone_code) "
                                  "join agency_installations_by_zone i using (zoning, zone_code) "
                                  "where zone_code = 'CPTS-3'").fetchone()
    population, gps, apl, departures, installations, name = zone
    assert departures is None and installations is None  # secret in the demo: the page must say so
    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto((site / "zonages.html").as_uri())
        page.get_by_role("link", name=name).click()
        page.wait_for_url("**/zone-cpts-3.html")
        assert page.locator("main h2").inner_text() == f"Diagnostic\u00a0: {name}"

        def row(label: str) -> list[str]:
            return page.locator("tr", has=page.locator("td", has_text=label)).first.locator("td").all_inner_texts()

        assert row("Population (habitants)")[1:] == [french.number(population), "330\u202f124"]
        assert row("Médecins généralistes (effectif)")[1:] == [french.number(gps), "250"]
        assert row("Accessibilité potentielle localisée")[1:] == [french.number(apl, 2), "2,37"]
        assert row("Départs prévisibles à 5 ans")[1] == "secret statistique"
        assert row("Dans la zone") == ["Dans la zone", "secret"]
        assert row("Maisons de santé")[1:] == ["0", "24"]
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
        pdf = page.pdf(format="A4", print_background=True)
        (artifacts / "diagnostic-cpts-3.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")
        page.goto((site / "index.html").as_uri())  # the search finds a zone by its name, as it finds a commune
        page.fill("#recherche", "CPTS de Saint-Fonton (CPTS (synthétiques))")
        page.dispatch_event("#recherche", "change")
        page.wait_for_url("**/zone-cpts-4.html")
        page.goto((site / "index.html").as_uri())
        page.fill("#recherche", "saint-coud")  # part of a name: the commune before the zone named after it
        page.dispatch_event("#recherche", "change")
        page.wait_for_url("**/commune.html#*")
        assert pdf.startswith(b"%PDF")
        browser.close()


def test_the_maps_group_layers_by_level_and_a_zone_clicked_opens_its_diagnostic(demo_build, chromium):
    from playwright.sync_api import sync_playwright

    site = demo_build.settings.site_dir
    with sync_playwright() as playwright:
        browser = _browser(playwright, chromium)
        page = _maps_page(browser, site, "zone_cpts_apl")
        assert page.locator("#choix-carte optgroup").evaluate_all("groups => groups.map(g => g.label)") == [
            "Par commune", "Par EPCI", "Par zone : CPTS (synthétiques)"]
        assert page.locator("#titre-carte").inner_text().startswith("Accessibilité potentielle localisée (APL) par zone")
        boxes = page.evaluate("""Array.from(document.querySelectorAll('#carte path.choroplethlocation'))
            .filter(p => p.__data__ && typeof p.__data__.loc === 'string' && p.__data__.loc.startsWith('cpts:'))
            .map(p => { const r = p.getBoundingClientRect(); return [p.__data__.loc, r.x + r.width / 2, r.y + r.height / 2]; })""")
        assert sorted({code for code, *_ in boxes}) == ["cpts:CPTS-1", "cpts:CPTS-2", "cpts:CPTS-3", "cpts:CPTS-4"]
        for code, x, y in boxes:
            page.mouse.move(x, y)
            if "CPTS de" in (page.locator("#carte .hoverlayer").text_content() or ""):
                page.mouse.click(x, y)
                page.wait_for_url("**/zone-cpts-*.html")
                assert page.locator("main h2").inner_text().startswith("Diagnostic")
                break
        else:
            raise AssertionError("no zone of the map answered the mouse")
        browser.close()
