"""Spatial accessibility: travel times between communes and the DREES APL (E2SFCA)."""
