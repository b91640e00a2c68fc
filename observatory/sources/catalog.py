"""The raw sources of a territory: where their files are found, which are required,
where the official publishers serve them, and the origin record kept beside each file."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import SourceFormatError


@dataclass(frozen=True)
class RawSource:
    """One dataset: file-name patterns in ``data/raw/<territory>/`` (the publishers' names;
    the first pattern is the name the demo generator and downloads write), whether a
    territory can be observed without it, and the publisher's address. A source published
    in parts says ``per`` what: ``departement`` (``{dep}`` in the address is each of the
    territory's départements), ``neighbour`` (each département around it, within the border
    ring's distance) or ``region`` (``{region}``: each Geofabrik extract covering the
    territory and its neighbours); every matching file of such a source is read."""

    name: str
    patterns: tuple[str, ...]
    required: bool
    producer: str
    url: str = ""
    licence: str = "Licence Ouverte / Open Licence 2.0 (Etalab)"
    archive_member: str = ""  # the file to extract when the download is a ZIP archive
    multiple: bool = False  # every matching file is used (e.g. dated snapshots), not only the newest
    per: str = ""  # "", "departement", "neighbour" or "region": one file per part
    description: str = ""  # what it is and what it serves, for the orchestrator's catalogue

    @property
    def filename(self) -> str:
        """The name a download is saved under when the publisher gives none: the first
        pattern, its wildcards dropped (``v_mvt_commune*.csv`` → ``v_mvt_commune.csv``)."""
        return self.patterns[0].replace("*", "")

    def matches(self, name: str) -> bool:
        """Whether a file name is one of this source's (case aside: ``….CSV`` is a CSV)."""
        return any(fnmatch.fnmatchcase(name.lower(), Path(pattern).name.lower()) for pattern in self.patterns)


SOURCES = (
    # The RPPS extract from data.gouv.fr's mirror of the ANS file (plain text, a certificate
    # chain every client trusts); the ANS address (a ZIP, served under the IGC-Santé chain,
    # which neither the system store nor certifi holds) stays usable through
    # OBSERVATORY_URL_RPPS_EXTRACT on a machine that trusts that chain.
    RawSource("rpps_extract", ("PS_LibreAcces_Personne_activite.txt", "PS_LibreAcces_Personne_activite*.txt"),
              True, "Agence du Numérique en Santé (Annuaire Santé, RPPS), via data.gouv.fr",
              "https://www.data.gouv.fr/api/1/datasets/r/fffda7e9-0ea2-4c35-bba0-4496f3af935d",
              archive_member="PS_LibreAcces_Personne_activite*.txt",
              description="RPPS open extract (Annuaire Santé): one line per activity of every health professional."),
    RawSource("rpps_snapshots", ("snapshots/PS_LibreAcces_Personne_activite*.txt",), False,
              "Agence du Numérique en Santé (earlier RPPS extracts, one per date, for time series)", multiple=True,
              description="Earlier RPPS extracts, one per date in its file name, for the time series (optional)."),
    RawSource("population", ("base-cc-evol-struct-pop.csv", "base-cc-evol-struct-pop*.csv", "donnees_communes*.csv",
                             "communes_*pop*.csv"),
              True, "INSEE (recensement de la population)",
              "https://www.insee.fr/fr/statistiques/fichier/8581696/base-cc-evol-struct-pop-2022_csv.zip",
              archive_member="base-cc-evol-struct-pop-*.csv",
              description="Population per commune (INSEE base-cc with age bands, legal populations, or a commune "
                           "table)."),
    RawSource("population_by_age", ("TD_POP1B.csv", "TD_POP1B*.csv"), False,
              "INSEE (recensement, population par sexe et âge révolu : TD_POP1B)",
              "https://www.insee.fr/fr/statistiques/fichier/8202264/TD_POP1B_2021_csv.zip",
              archive_member="TD_POP1B_*.csv",
              description="INSEE population by single year of age per commune (TD_POP1B), for the APL's 5-year age "
                           "weights (optional)."),
    RawSource("commune_contours", ("communes.geojson", "*communes*.geojson"), True,
              "IGN / Etalab (API Découpage administratif)",
              "https://geo.api.gouv.fr/departements/{dep}/communes?format=geojson&geometry=contour&fields=code,nom",
              per="departement",
              description="Commune contours (GeoJSON) of the current geography."),
    RawSource("commune_contours_previous", ("previous/*.geojson",), False,
              "IGN (ADMIN EXPRESS, earlier vintage): used to map former commune codes", per="departement",
              description="Commune contours of an earlier vintage, to map former commune codes (optional)."),
    RawSource("departement_contours", ("departements-1000m.geojson", "*departements*.geojson"), False,
              "Etalab (contours administratifs, départements généralisés à 1 000 m): which départements "
              "neighbour the territory", "https://etalab-datasets.geo.data.gouv.fr/contours-administratifs/2025/"
                                         "geojson/departements-1000m.geojson",
              description="The départements' contours (generalised): which départements lie around the territory, "
                           "whose communes the border ring needs (optional)."),
    RawSource("neighbour_contours", ("neighbours/communes.geojson", "neighbours/*.geojson"), False,
              "IGN / Etalab (API Découpage administratif: contours of the neighbouring départements, for the "
              "APL's border ring)",
              "https://geo.api.gouv.fr/departements/{dep}/communes?format=geojson&geometry=contour&fields=code,nom",
              per="neighbour",
              description="Commune contours of the départements around the territory, one file each, for the APL's "
                           "border ring (optional)."),
    RawSource("national_communes", ("reference/communes.json",), False,
              "Etalab (API Découpage administratif / @etalab/decoupage-administratif: legal population of every "
              "commune, for the border ring)",
              "https://geo.api.gouv.fr/communes?fields=code,nom,population,codeDepartement&format=json",
              description="Every commune's legal population (the geo API's communes, or communes.json of its package), "
                           "for the border ring (optional)."),
    RawSource("osm_extract", ("reseau_routier.osm.pbf", "*.osm.pbf"), False,
              "OpenStreetMap contributors (ODbL), Geofabrik regional extracts: the road network for travel times",
              "https://download.geofabrik.de/europe/france/{region}-latest.osm.pbf",
              licence="Open Database License (ODbL) 1.0", per="region",
              description="OpenStreetMap extracts (.osm.pbf) covering the territory and its ring: travel times are "
                           "routed on them (optional)."),
    RawSource("commune_history", ("v_mvt_commune.csv", "v_mvt_commune*.csv"), False,
              "INSEE (Code officiel géographique, mouvements)",
              "https://www.insee.fr/fr/statistiques/fichier/8740222/v_mvt_commune_2026.csv",
              description="INSEE table of commune movements (v_mvt_commune), to map former codes (optional)."),
    RawSource("epci_membership", ("epci_composition.csv", "epci_composition*.csv", "EPCI_au_*.xlsx",
                                  "Intercommunalite_Metropole_au_*.xlsx"), False,
              "INSEE (composition communale des EPCI)",
              "https://www.insee.fr/fr/statistiques/fichier/2510634/epci_au_01-01-2026.zip",
              archive_member="*.xlsx",
              description="INSEE composition of EPCIs (optional)."),
    RawSource("gp_roster", ("repertoire_medecins_departement.csv", "repertoire_medecins*.csv"), False,
              "Conseil départemental (répertoire des médecins)", licence="not public: personal data",
              description="The département's GP roster, keyed by RPPS id: birth year, FTE, planned departure "
                           "(optional)."),
    # FINESS+ « structures » (JSON, refreshed daily) first; the legacy geolocated extract
    # cs1100507 (frozen in May 2026, https://www.data.gouv.fr/fr/datasets/r/98f3161f-79ff-4f16-8f6a-6d571a80fea2)
    # is still read when it is the file at hand.
    RawSource("care_structures", ("finess-structures.json", "*finess*structures*.json", "etalab-cs1100507-stock.csv",
                                  "etalab-cs1100507-stock*.csv"), False,
              "Ministère de la Santé / ANS (FINESS+, flux « structures »; or the etalab extract cs1100507)",
              "https://www.data.gouv.fr/api/1/datasets/r/cd493959-fb03-41e5-9347-0edd14dfbc22",
              description="FINESS establishments: the FINESS+ structures JSON, or the legacy etalab extract cs1100507 "
                           "(optional)."),
    RawSource("agency_cases", ("agence_dossiers.csv", "agence_dossiers*.csv"), False,
              "Agence d'attractivité (export du suivi des dossiers)", licence="not public: personal data",
              description="The attractiveness agency's case records, CRM export with personal data (optional)."),
    RawSource("plan_budget", ("plan_budget.csv", "plan_budget*.csv"), False,
              "Conseil départemental (budget du plan santé, par axe et par an)", licence="the département's own data",
              description="The health plan's budget per axis and year, an editable CSV (optional)."),
    RawSource("zonings", ("zonages/*.csv", "zonages/table-appartenance-geo-communes*.xlsx"), False,
              "Observatoire, ARS, INSEE (zonages : CPTS, bassins de vie, cantons, territoires de santé)",
              multiple=True, licence="Licence Ouverte / Open Licence 2.0 (Etalab), or the producer's for a CPTS list",
              description="Zonings commune → zone, a CSV each (CPTS, territoires de santé) or INSEE's table "
                          "d'appartenance géographique (bassins de vie, cantons, zones d'emploi), for indicators "
                          "per zone (optional; format in sources/zonings.py; INSEE's table: "
                          "https://www.insee.fr/fr/information/7671844)."),
    RawSource("scenarios", ("scenarios/scenarios*.csv", "scenarios/*.csv"), False,
              "Observatoire (scénarios des analystes)", multiple=True, licence="the département's own analyses",
              description="What-if scenarios written by the département's analysts: GPs or maisons de santé added, "
                          "departures kept, another retirement age (optional; format in sources/scenarios.py)."),
    RawSource("ars_zoning", ("zonage_medecins*.csv", "zonage*.csv"), False,
              "ARS (zonage des médecins généralistes: ZIP, ZAC)",
              description="The ARS zoning of GPs per commune (ZIP, ZAC) (optional)."),
    RawSource("official_apl", ("indicateur_apl_medecins_generalistes.xlsx", "*apl*medecins*generalistes*.xlsx"),
              False, "DREES (APL aux médecins généralistes: paramètres et APL officielle par commune)",
              "https://data.drees.solidarites-sante.gouv.fr/api/v2/catalog/datasets/530_l-accessibilite-potentielle-"
              "localisee-apl/attachments/indicateur_d_apl_aux_medecins_generalistes_xlsx",
              description="The DREES workbook of the APL to GPs: its parameters and the official APL per commune "
                           "(optional)."),
    RawSource("gp_benchmark", ("ameli_demographie_ps_liberaux_departement.csv", "ameli_demographie*departement*.csv"), False,
              "CNAM (data.ameli, démographie des professionnels de santé libéraux)",
              "https://data.ameli.fr/api/explore/v2.1/catalog/datasets/demographie-effectifs-et-les-densites/exports/csv",
              description="CNAM (ameli) liberal GPs per département: the benchmark of the register's count "
                           "(optional)."),
)
SOURCES_BY_NAME = {source.name: source for source in SOURCES}
DEMO_SOURCES = ("rpps_extract", "population", "commune_contours", "epci_membership", "gp_roster",
                "care_structures", "agency_cases", "gp_benchmark", "plan_budget", "osm_extract", "scenarios",
                "zonings")


def _glob(raw_dir: Path, pattern: str) -> list[Path]:
    """Paths under ``raw_dir`` matching ``pattern``, the file name compared without case
    (publishers write ``.CSV`` as often as ``.csv``); origin records and hidden files
    (partial downloads) are not data."""
    folder = Path(raw_dir) / Path(pattern).parent
    if not folder.is_dir():
        return []
    wanted = Path(pattern).name.lower()
    return sorted(path for path in folder.iterdir()
                  if fnmatch.fnmatchcase(path.name.lower(), wanted) and not path.name.startswith(".")
                  and not path.name.endswith(".origin.json"))


def locate_all(raw_dir: Path, source: RawSource) -> list[Path]:
    """Every file matching ``source``'s first matching pattern, in sort order. A match that
    is not a readable file (a folder, a broken link) is an error, never a missing source."""
    for pattern in source.patterns:
        matches = _glob(raw_dir, pattern)
        for path in matches:
            if not path.is_file():
                raise SourceFormatError(path, None, None, f"present for {source.name} but not a readable file "
                                                          "(a folder or a broken link?): remove or replace it")
        if matches:
            return matches
    return []


def locate(raw_dir: Path, source: RawSource) -> Path | None:
    """The file of ``source`` in ``raw_dir``: the first pattern that matches, and among
    several matching names the last in sort order (dated names: the newest vintage)."""
    matches = locate_all(raw_dir, source)
    return matches[-1] if matches else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def origin_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".origin.json")


def write_origin(path: Path, *, producer: str, url: str, licence: str, vintage: str, synthetic: bool) -> dict:
    """Record where a raw file came from (producer, URL, licence, vintage, checksum)."""
    record = {
        "file": Path(path).name,
        "producer": producer,
        "url": url,
        "licence": licence,
        "vintage": vintage,
        "synthetic": synthetic,
        "accessed": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sha256": sha256_of(path),
        "bytes": Path(path).stat().st_size,
    }
    origin_path(path).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return record


def vintage_from_name(name: str) -> str:
    """The vintage a publisher wrote into a file name: a date stamp (``202407010800`` →
    ``2024-07-01``), a geography or census year (``cog2023``, ``rp2021``), or a year
    ending the name (``v_mvt_commune_2024.csv``); ``unknown`` otherwise: any other number
    may be anything (a copy's date, a version), so it is not taken for a vintage. The
    file's own date says when it was copied, not what it describes: never used."""
    stamp = re.search(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])([0-2]\d|3[01])(?:\d{4})?(?!\d)", name)
    if stamp:
        return "-".join(stamp.groups())
    year = (re.search(r"(?:cog|rp)((?:19|20)\d{2})(?!\d)", name, re.IGNORECASE)
            or re.search(r"[_-]((?:19|20)\d{2})\.[A-Za-z]+$", name))
    return year.group(1) if year else "unknown"


@dataclass(frozen=True)
class RawFile:
    """One raw file and its origin record: who published it, from where, under which
    licence, its vintage and checksum, and whether it changed since its record was written."""

    path: Path
    producer: str
    url: str = ""
    licence: str = ""
    vintage: str = ""
    synthetic: bool = False
    sha256: str = ""
    changed_since_record: bool = False

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Origin:
    """What the raw folder holds for one source: its files (none when it is absent; several
    for dated snapshots or a source published in parts), and why a missing one could not be
    fetched. It travels between the assets as their raw input."""

    source: str
    producer: str
    files: tuple[RawFile, ...] = ()
    problem: str = ""

    @property
    def present(self) -> bool:
        return bool(self.files)

    @property
    def paths(self) -> list[Path]:
        return [file.path for file in self.files]

    @property
    def path(self) -> Path:
        """The file of a single-file source (the first of several)."""
        if not self.files:
            raise SourceFormatError(Path(self.source), None, None, f"no file for {self.source}: "
                                                                  f"{self.problem or 'absent'}")
        return self.files[0].path

    @property
    def names(self) -> str:
        return ", ".join(file.name for file in self.files)

    @property
    def checksums(self) -> str:
        return ", ".join(file.sha256 for file in self.files)

    @property
    def vintage(self) -> str:
        return ", ".join(sorted({file.vintage for file in self.files if file.vintage}))

    @property
    def synthetic(self) -> bool:
        return any(file.synthetic for file in self.files)

    def to_record(self) -> dict:
        """As plain JSON values, for the staging folder."""
        return {"source": self.source, "producer": self.producer, "problem": self.problem,
                "files": [{**asdict(file), "path": str(file.path)} for file in self.files]}

    @classmethod
    def from_record(cls, record: dict) -> "Origin":
        return cls(source=record["source"], producer=record["producer"], problem=record["problem"],
                   files=tuple(RawFile(**{**file, "path": Path(file["path"])}) for file in record["files"]))


def read_origin(path: Path, source: RawSource | None = None) -> RawFile:
    """The origin record of a raw file. A file placed by hand gets one built from the
    catalogue; its checksum is always recomputed, so a file changed since its record was
    written is seen as such (``changed_since_record``)."""
    record_path = origin_path(path)
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {
        "producer": (source.producer + " (file placed by hand)") if source else "unknown (file placed by hand)",
        "url": source.url if source else "",
        "licence": source.licence if source else "",
        "vintage": vintage_from_name(Path(path).name),
    }
    actual = sha256_of(path)
    return RawFile(path=Path(path), producer=record["producer"], url=record.get("url", ""),
                   licence=record.get("licence", ""), vintage=str(record.get("vintage") or ""),
                   synthetic=bool(record.get("synthetic", False)), sha256=actual,
                   changed_since_record="sha256" in record and record["sha256"] != actual)
