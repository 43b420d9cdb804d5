"""The network: projection of the graph, analyses (networkx, igraph), exports, plots."""
