"""The network stage: the graph as a network of entities and relations, measured, exported and drawn.

Read it in this order:

- ``model``: the ``Network`` (a networkx ``MultiDiGraph`` and the graph it came from) and ``ProjectionOptions``;
- ``projection``: ``project(loaded)`` builds the network from the store's answers (``answers``: the
  queries, answered as TSV on two threads), with ``attributes`` (the nodes' labels, dates and
  literals), ``schema`` (what the ontology says about classes and properties) and ``folding``
  (n-ary nodes as direct edges);
- ``measures`` (engine choice, node scores, summary, centrality), ``communities``, ``paths``
  (shortest paths, ego networks) and ``cuts`` (articulation points, bridges); ``igraph_engine``
  runs the costly ones in C on big networks;
- ``tables`` (the columns and colours every export writes), ``export`` (GEXF, GraphML, CSV, RDF)
  and ``plots`` (PNG or SVG).
"""
