"""Refresh triggers: a monthly schedule, and a sensor for raw files that land."""

from dagster import RunRequest, ScheduleDefinition, SensorEvaluationContext, SkipReason, define_asset_job, sensor

from observatory.raw_files import raw_fingerprint

from .resources import ObservatoryConfig

refresh_job = define_asset_job(
    "refresh_observatory",
    description="Read the raw files, recompute every indicator, republish the database and the dashboard.",
)
monthly_refresh = ScheduleDefinition(
    name="monthly_refresh", job=refresh_job, cron_schedule="0 5 2 * *", execution_timezone="Europe/Paris",
    description="On the 2nd of each month at 05:00 (the RPPS extract is refreshed early in the month).",
)


@sensor(job=refresh_job, minimum_interval_seconds=300)
def new_raw_file(context: SensorEvaluationContext, observatory: ObservatoryConfig):
    """Refresh when a file lands in, changes in or leaves data/raw/<territory>/ (checked every 5 minutes)."""
    digest, files = raw_fingerprint(observatory.settings().raw_dir)
    if digest == context.cursor:
        return SkipReason(f"no change among the {len(files)} raw files")
    context.update_cursor(digest)
    return RunRequest(run_key=digest, tags={"observatory/trigger": "raw files changed", "observatory/raw_files": str(len(files))})
