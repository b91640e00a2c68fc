"""Dagster orchestration of the observatory: thin assets over ``observatory``."""

from .definitions import defs

__all__ = ["defs"]
