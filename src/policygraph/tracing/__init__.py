"""Obligation tracing: the rules' assembly into a trace, and its renderers."""
