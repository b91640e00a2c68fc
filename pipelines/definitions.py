"""The Dagster code location: every asset, check, resource and schedule of the observatory."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, ScheduleDefinition, define_asset_job, load_assets_from_modules

from observatory.settings import Settings

from .assets import curated, published, raw, staged
from .checks import CHECKS
from .resources import ObservatoryConfig, StagingIOManager

refresh_job = define_asset_job(
    "refresh_observatory", selection=AssetSelection.all(),
    description="Read the raw files, recompute every indicator, republish the database and the dashboard.",
)
monthly_refresh = ScheduleDefinition(
    name="monthly_refresh", job=refresh_job, cron_schedule="0 5 2 * *", execution_timezone="Europe/Paris",
    description="On the 2nd of each month at 05:00 (the RPPS extract is refreshed early in the month).",
)


def build_definitions(settings: Settings | None = None) -> Definitions:
    """Definitions for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    return Definitions(
        assets=load_assets_from_modules([raw, staged, curated, published]),
        asset_checks=CHECKS,
        jobs=[refresh_job],
        schedules=[monthly_refresh],
        resources={
            "observatory": ObservatoryConfig(
                data_dir=str(settings.data_dir), territory=settings.territory,
                reference_date=settings.reference_date.isoformat(),
                small_count_threshold=settings.small_count_threshold,
            ),
            "staging_io": StagingIOManager(base_dir=str(settings.staging_dir / "assets")),
        },
    )


defs = build_definitions()
