"""pmprb: score PMPRB self-assessments (Indeks RB) from YAML rule sets and answer files."""

__version__ = "0.1.0"
