"""Synthetic populations in the shape of a force's PNC extract, for demos, tests and benchmarks.

No real people: names, dates and histories are drawn from distributions chosen to look like an
offender population (see `population.py`). Deterministic for a seed, generated in fixed-size
chunks so that millions of people stream to disk in bounded memory.
"""

from iom.synth.population import CHUNK_SIZE, Chunk, generate

__all__ = ["CHUNK_SIZE", "Chunk", "generate"]
