"""SPARQL: named queries, parameters, engines, results and their writers, remote endpoints."""
