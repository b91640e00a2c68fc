"""The Dagster code location: every asset, check, resource, schedule and sensor of the observatory."""

from dagster import Definitions, load_assets_from_modules

from observatory.settings import Settings

from .assets import curated, published, raw, staged
from .checks import CHECKS
from .resources import ObservatoryConfig, StagingIOManager
from .sensors import monthly_refresh, new_raw_file, refresh_job


def build_definitions(settings: Settings | None = None, loggers: dict | None = None) -> Definitions:
    """Definitions for ``settings``, every one fixed; by default, settings read from the
    environment when each run starts, which the launchpad may change for one run.
    ``loggers`` are made available to every job (the command line adds its progress printer)."""
    observatory = ObservatoryConfig.of(settings) if settings else ObservatoryConfig.configure_at_launch()
    return Definitions(
        loggers=loggers,
        assets=load_assets_from_modules([raw, staged, curated, published]),
        asset_checks=CHECKS,
        jobs=[refresh_job],
        schedules=[monthly_refresh],
        sensors=[new_raw_file],
        resources={
            "observatory": observatory,
            "staging_io": StagingIOManager(observatory=observatory),
        },
    )


defs = build_definitions()
