"""Obligation tracing: the rules' assembly into a trace, and its renderers.

The evidence strengths live here, not in ``model``: the CLI reads them at start-up, before it knows
whether a trace is asked for (``model``'s dataclasses take a few milliseconds to make).
"""

STRENGTHS = ("cited", "practice", "status", "group")
"""Evidence kinds, strongest first."""

DEFAULT_MIN_STRENGTH = "status"
"""The weakest evidence a trace shows unless told otherwise: a link through a group alone (a treaty on
children, a policy touching children) is left to ``--min-strength group``; docs/trace-rules.md gives the
measured precision behind this choice."""
