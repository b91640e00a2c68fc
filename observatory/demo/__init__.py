"""The bundled demo territory: a synthetic département in the formats of the real sources.

Everything is drawn from one seed, so the same spec always gives byte-identical files,
and the headline figures are set by construction (``DemoSpec``), so tests can compare
the observatory's output with what was put in.
"""

from .generate import generate_demo_territory
from .spec import DemoSpec

__all__ = ["DemoSpec", "generate_demo_territory"]
