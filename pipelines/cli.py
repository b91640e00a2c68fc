"""``observatory``: the operator's commands (build a territory, find the dashboard, list vintages).

They drive Dagster, so they live beside the definitions, not in the domain package."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from observatory.locking import RefreshRunning, data_folder_lock
from observatory.settings import Settings
from observatory.territories import UnknownTerritory
from observatory.raw_files import present_origins
from observatory.sources.catalog import SOURCES

from .progress import progress_logger_definition


def _settings(arguments) -> Settings:
    overrides = {}
    if arguments.territory:
        overrides["territory"] = arguments.territory
    if arguments.data_dir:
        overrides["data_dir"] = Path(arguments.data_dir).resolve()
    return Settings.from_env(**overrides)


def build(settings: Settings) -> int:
    """Materialise every asset in-process, then print the headline figures."""
    import dagster as dg

    from .definitions import build_definitions

    from observatory.dashboard import french
    from observatory.headline import HEADLINE_TABLES, headline_figures

    started = time.perf_counter()
    print(f"observatory: building territory '{settings.territory}' from {settings.raw_dir}", flush=True)
    definitions = build_definitions(settings, loggers={"progress": progress_logger_definition()})
    result = definitions.resolve_job_def("refresh_observatory").execute_in_process(
        run_config={"loggers": {"progress": {}}}, raise_on_error=False)
    failed_checks = []
    for check in result.get_asset_check_evaluations():
        if check.passed:
            continue
        details = ", ".join(f"{key}: {value.value}" for key, value in check.metadata.items())
        if check.severity == dg.AssetCheckSeverity.WARN:
            print(f"  ⚠ check {check.check_name} on {check.asset_key.to_user_string()}: {check.description} ({details})")
        else:
            failed_checks.append(check)
            print(f"  ✗ check {check.check_name} on {check.asset_key.to_user_string()}: {check.description} ({details})",
                  file=sys.stderr)
    if not result.success or failed_checks:
        print("observatory: build FAILED; the previously published observatory is unchanged.", file=sys.stderr)
        return 1

    import duckdb
    import pandas as pd

    with duckdb.connect(str(settings.database_path), read_only=True) as connection:
        figures = headline_figures({name: connection.table(name).df() for name in HEADLINE_TABLES})
        coverage = connection.table("gp_register_coverage").df()
        unmapped = connection.execute("select count(*) from quarantine where dataset = 'commune_history'").fetchone()[0]
        communes = connection.execute("select count(*) from commune_reference").fetchone()[0]
    unavailable = f"non disponible ({figures['unavailable']})"
    print(f"\nHeadline figures ({settings.territory}, {settings.reference_date:%d/%m/%Y}):")
    print(f"  population                 {french.number(figures['population'])}")
    print(f"  GPs                        {figures['gps'] if figures['gps'] is not None else unavailable}")
    print(f"  GP density / 10 000 inh.   "
          f"{french.number(figures['gp_density'], 2) if figures['gp_density'] is not None else unavailable}")
    print(f"  share of GPs aged 55+      {french.percent(figures['share_senior'], 1)}"
          + ("" if figures["share_senior"] is not None else "  (unknown: no roster, suppressed, or register incomplete)"))
    print(f"  APL (population-weighted)  {french.number(figures['apl'], 2) if figures['apl'] is not None else unavailable}")
    for row in coverage.itertuples():
        if pd.notna(row.benchmark_liberal_gps):
            print(f"  CNAM benchmark {row.departement_code} ({row.benchmark_year}): {int(row.benchmark_liberal_gps)} liberal GPs,"
                  f" register holds {row.register_liberal_gps} ({french.percent(row.coverage)})")
    print(f"  communes                   {communes}; former commune codes not mapped: {unmapped}")
    if figures["agency_present"]:
        print(f"  agency: contacted {figures.get('agency_contacted')}, accompanied {figures.get('agency_accompanied')}, "
              f"installed {figures.get('agency_installed')} = {figures.get('agency_installed_durable')} durable + "
              f"{figures.get('agency_installed_replacement')} replacements")
        # a hidden count is « secret »: under the threshold, or hidden so that none can be deduced
        quarters = ", ".join(f"{p}: {'secret' if n is None else n}" for p, n in figures["installations_by_quarter"].items())
        print(f"  installations by quarter   {quarters}")
    else:
        print("  agency                     no records for this territory")
    print(f"\nDatabase:  {settings.database_path}")
    print(f"Dashboard: {settings.site_dir / 'index.html'}")
    print(f"Built in {time.perf_counter() - started:.1f} s")
    return 0


def ui_command(settings: Settings, host: str, port: int) -> tuple[list[str], dict]:
    """The ``dagster dev`` command for the operator's UI, and its environment. It listens on
    ``host``, by default 127.0.0.1: only this machine can reach it unless asked otherwise."""
    from observatory.settings import PROJECT_ROOT

    dagster = Path(sys.executable).parent / "dagster"
    environment = {**os.environ, "DAGSTER_HOME": os.environ.get("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")),
                   "OBSERVATORY_TERRITORY": settings.territory, "OBSERVATORY_DATA_DIR": str(settings.data_dir)}
    command = [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "-h", host, "-p", str(port)]
    return command, environment


def vintages(settings: Settings) -> int:
    """Print the origin record of each raw file of the territory."""
    origins = present_origins(settings)
    for source in SOURCES:
        origin = origins[source.name]
        if not origin.present:
            print(f"{source.name:26} {'missing' if source.required else 'absent (optional)'}")
        for file in origin.files:
            changed = "  CHANGED since its origin record" if file.changed_since_record else ""
            print(f"{source.name:26} {file.name}  vintage {file.vintage or '?'}  {file.producer}  "
                  f"sha256 {file.sha256[:12]}{changed}")
    return 0


def sources(settings: Settings, check: bool, timeout: float = 5.0) -> int:
    """Each dataset: what is present, its vintage, the address it would be fetched from and,
    with ``check``, whether that address answers (HEAD) and publishes a newer vintage.
    Offline, the check says so for each address; the command always exits 0."""
    import urllib.error
    import urllib.request
    from email.utils import parsedate_to_datetime

    from observatory.raw_files import source_url

    origins = present_origins(settings)
    for source in SOURCES:
        origin = origins[source.name]
        present = origin.names or ("missing" if source.required else "absent")
        address = source_url(source, settings.departements[0]) if source.url else ""
        line = f"{source.name:26} {present}  vintage {origin.vintage or '?'}  address {address or '(none: placed by hand)'}"
        if check and address:
            try:
                request = urllib.request.Request(address, method="HEAD")
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    modified = response.headers.get("Last-Modified")
                published = parsedate_to_datetime(modified).date().isoformat() if modified else ""
                newer = published and max((file.vintage for file in origin.files), default="") < published
                line += f"  answers (published {published or '?'}{', NEWER than the file here' if newer else ''})"
            except (OSError, ValueError) as error:
                line += f"  unreachable ({getattr(error, 'reason', error)}): offline, or the address moved"
        print(line)
    return 0


def scenario(settings: Settings, count: int, only: list[str], min_population: float, msp_only: bool = False) -> int:
    """Place ``count`` GPs one at a time where each lifts the most people out of deserts, on
    the last build of the territory, printing each placement as it is decided; candidates
    restricted to ``only`` (codes), to ``min_population`` and, with ``msp_only``, to the
    communes that have a maison de santé."""
    from observatory.accessibility.parameters import parameters_from_record
    from observatory.accessibility.providers import apl_settings
    from observatory.dashboard import french
    from observatory.scenarios.placement import placement_plan

    from .resources import read_staged

    folder = settings.staging_dir / "assets"
    try:
        area, pairs, communes, parameters, structures = (read_staged(folder / name) for name in (
            "apl_over_area", "commune_travel_times", "accessibility_by_commune", "apl_parameters",
            "care_structure_locations"))
    except FileNotFoundError:
        print(f"observatory: territory '{settings.territory}' has no build yet: run 'observatory build' first",
              file=sys.stderr)
        return 1
    unknown = sorted(set(only) - set(communes["commune_code"]))
    if unknown:
        print(f"observatory: not communes of territory '{settings.territory}': {', '.join(unknown)}", file=sys.stderr)
        return 2
    with_msp = set(structures.loc[structures["kind"] == "maison_de_sante", "commune_code"])
    allowed = set(communes.loc[(communes["population"] >= min_population)
                               & (communes["commune_code"].isin(only) if only else True)
                               & (communes["commune_code"].isin(with_msp) if msp_only else True), "commune_code"])
    names = communes.set_index("commune_code")["commune_name"]
    apl = apl_settings(settings, parameters_from_record(parameters))

    def heard(row: dict) -> None:
        print(f"  {row['rank']:>3}. {names[row['commune_code']]} ({row['commune_code']}): "
              f"lifts {french.number(row['population_out_of_desert'])} people out of deserts, "
              f"{french.number(row['population_out_of_fragile'])} out of fragile zones; still in deserts: "
              f"{french.number(row['population_in_desert_after'])}", flush=True)

    complete = int(communes["register_complete"].astype(bool).sum())
    print(f"observatory: placing {count} full-time GPs ({french.number(apl.consultations_per_fte)} consultations a "
          f"year each) among {len(allowed & set(communes.loc[communes['register_complete'].astype(bool), 'commune_code']))}"
          f" candidate communes of '{settings.territory}' ({complete} with a complete register)", flush=True)
    plan = placement_plan(area, pairs, communes, settings.desert_thresholds, apl.consultations_per_fte, apl.bands,
                          count, allowed=allowed, on_placement=heard)
    if plan.empty:
        print("observatory: no candidate commune (a partial register, or filters that exclude every commune)")
        return 1
    before, after = plan["population_in_desert_before"].iloc[0], plan["population_in_desert_after"].iloc[-1]
    print(f"In deserts: {french.number(before)} people today, {french.number(after)} after the plan "
          f"({french.number(before - after)} lifted).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="observatory", description=__doc__)
    parser.add_argument("--territory", help="'demo', 'france', a région such as region:24, or département codes such as "
                                            "41 or 2A,2B (default: $OBSERVATORY_TERRITORY or demo)")
    parser.add_argument("--data-dir", help="data folder (default: ./data)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="ingest the raw files, compute the indicators, publish tables and dashboard")
    refresh = commands.add_parser("refresh", help="build one département (or 'demo'): same as --territory CODE build")
    refresh.add_argument("departement", help="a département code such as 41, or demo")
    commands.add_parser("dashboard", help="print the path of the dashboard's home page")
    commands.add_parser("vintages", help="list the raw files with their producer, vintage and checksum")
    commands.add_parser("settings", help="print the settings in force")
    listing = commands.add_parser("sources", help="each dataset: file here, vintage, address; --check asks the publishers")
    listing.add_argument("--check", action="store_true", help="ask each address (HEAD) whether it answers and is newer")
    plan = commands.add_parser("scenario", help="where to place the next GPs: the greedy plan on the last build")
    plan.add_argument("--count", type=int, help="GPs to place (default: $OBSERVATORY_PLACEMENT_COUNT or 10)")
    plan.add_argument("--communes", default="", help="only these communes as candidates (INSEE codes, commas)")
    plan.add_argument("--min-population", type=float, default=0, help="only candidates of at least this population")
    plan.add_argument("--msp-only", action="store_true", help="only communes with a maison de santé as candidates")
    ui = commands.add_parser("ui", help="start Dagster's UI (schedules, sensor, asset graph) on this machine")
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    ui.add_argument("--port", type=int, default=3000)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    if arguments.command == "refresh":
        arguments.territory = arguments.departement
    settings = _settings(arguments)
    try:
        settings.departements
    except UnknownTerritory as error:
        print(f"observatory: {error}", file=sys.stderr)
        return 2
    if arguments.command in {"build", "refresh"}:
        try:
            with data_folder_lock(settings.data_dir):
                return build(settings)
        except RefreshRunning as error:
            print(f"observatory: {error}", file=sys.stderr)
            return 1
    if arguments.command == "dashboard":
        print(settings.site_dir / "index.html")
        return 0
    if arguments.command == "vintages":
        return vintages(settings)
    if arguments.command == "sources":
        return sources(settings, arguments.check)
    if arguments.command == "scenario":
        only = [code.strip() for code in arguments.communes.split(",") if code.strip()]
        return scenario(settings, arguments.count or settings.placement_count, only, arguments.min_population,
                        arguments.msp_only)
    if arguments.command == "ui":
        command, environment = ui_command(settings, arguments.host, arguments.port)
        os.execve(command[0], command, environment)
    print(json.dumps({k: str(v) for k, v in vars(settings).items() if k != "pseudonymisation_key"}, indent=2))
    return 0


def run() -> None:
    """The command's entry point: ``main``, then leave without tearing the interpreter down
    object by object (0.8 s after a national build, for nothing: every file is closed and
    every child process joined by then). The output streams and logs are flushed first."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
