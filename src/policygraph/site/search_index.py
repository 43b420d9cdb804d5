"""The data the browser needs, as JavaScript files: the search documents and the network to draw.

Both are scripts that assign a global (``window.PG_SEARCH``, ``window.PG_NETWORK``) rather than JSON files:
a page opened from a folder (``file://``) may load a script, but Chromium refuses it ``fetch()``. MiniSearch
builds its index from the documents when the search page opens (a few milliseconds for thousands of records).
"""

from __future__ import annotations

import json

from policygraph.site.model import SiteData
from policygraph.site.pages import entity_path

__all__ = ["search_script", "network_script"]


def search_script(data: SiteData) -> str:
    """``search-index.js``: one document per record page, with its labels in every language, aliases and id."""
    documents = []
    for entity in data.entities.values():
        path = entity_path(entity)
        if path is None:
            continue
        other = [label for lang, label in sorted(entity.labels.items()) if lang not in ("en", "")]
        documents.append(
            {
                "id": path,
                "en": entity.label("en"),
                "ja": entity.labels.get("ja", ""),
                "names": " ".join(other + entity.aliases),
                "key": entity.id,
                "kind": entity.kind,
                "section": entity.section,
            }
        )
    return _assign("PG_SEARCH", documents)


def network_script(data: SiteData, network) -> str:  # noqa: ANN001 - a network.model.Network
    """``network-data.js``: the projected network's nodes (label, colour, position, page) and links.

    Positions come from igraph's Fruchterman-Reingold layout (in C: a third of a second for a thousand nodes,
    where networkx's takes tens of seconds) with a seeded random generator, so the drawing is the same on every
    build and the browser does not have to lay out a thousand nodes before showing anything.
    """
    from policygraph.network.tables import colour_of

    graph = network.graph
    positions = _layout(network.simple)
    nodes = []
    for node in sorted(graph.nodes):
        attributes = graph.nodes[node]
        entity = data.entities.get(node)
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append(
            {
                "id": node,
                "label": entity.label("en") if entity else attributes["label"],
                "ja": entity.labels.get("ja", "") if entity else "",
                "type": attributes["type"],
                "colour": colour_of(attributes["class"]),
                "x": round(x * 60, 1),
                "y": round(y * 60, 1),
                "page": (entity_path(entity) or "") if entity else "",
            }
        )
    links = [{"source": s, "target": t} for s, t in sorted(network.simple.edges)]
    return _assign("PG_NETWORK", {"nodes": nodes, "links": links})


def _layout(simple) -> dict[str, tuple[float, float]]:  # noqa: ANN001 - a networkx Graph
    import random

    from policygraph.network.igraph_engine import import_igraph, to_igraph

    igraph = import_igraph()

    if not len(simple):
        return {}
    graph = to_igraph(simple)
    igraph.set_random_number_generator(random.Random(7))
    try:
        layout = graph.layout_fruchterman_reingold(niter=500)
    finally:
        igraph.set_random_number_generator(random)
    positions = {name: (float(x), float(y)) for name, (x, y) in zip(graph.vs["name"], layout.coords)}
    return _ring_outliers(simple, positions)


def _ring_outliers(simple, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:  # noqa: ANN001
    """Put the nodes outside the largest connected part on a ring just around it.

    The force layout pushes unconnected nodes far out, which shrinks the part worth looking at to a dot
    when the drawing is fitted to the screen.
    """
    import math

    import networkx as nx

    main = max(nx.connected_components(simple), key=len)
    if len(main) == len(simple):
        return positions
    cx = sum(positions[n][0] for n in main) / len(main)
    cy = sum(positions[n][1] for n in main) / len(main)
    radius = 1.1 * max(math.dist((cx, cy), positions[n]) for n in main)
    outside = sorted(n for n in simple if n not in main)
    for i, node in enumerate(outside):
        angle = 2 * math.pi * i / len(outside)
        positions[node] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return positions


def _assign(name: str, value: object) -> str:
    # "</" is escaped so that no value can close a <script> element if the file is ever inlined
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.{name} = {text};\n"
