"""Observatory of medical demography: registers in, indicators, maps and dashboard out.

Domain logic only: nothing here imports Dagster, so every piece is testable on its own.
"""
