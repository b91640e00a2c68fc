"""Indicators, one module per family, each a pure function of staged tables (DuckDB SQL)."""
