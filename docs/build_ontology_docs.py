"""Regenerate docs/ontology.html, the ontology's reference page, from ontology/policygraph.ttl with pyLODE.

    pip install -e '.[docs]'
    python docs/build_ontology_docs.py            # writes docs/ontology.html
    python docs/build_ontology_docs.py OUT.html   # writes elsewhere (the drift test does)

The page is made from the ontology file alone: the concept schemes live in ontology/concepts.ttl,
so pyLODE titles the page from the ontology's dcterms:title. pyLODE is pinned in the ``docs``
extra (3.2.3: 3.4.1 installed from a wheel looks for its own pyproject.toml and fails).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "policygraph.ttl"
TARGET = ROOT / "docs" / "ontology.html"


def render() -> str:
    """The HTML page pyLODE makes of the ontology."""
    import logging

    from pylode import OntPub

    logging.getLogger("asyncio").setLevel(logging.WARNING)  # pyLODE's imports log at DEBUG on the root logger
    return OntPub(ontology=str(ONTOLOGY)).make_html()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else TARGET
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
