"""Assets by layer: raw files → staged tables → curated indicators → published outputs."""
