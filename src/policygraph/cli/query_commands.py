"""``query``, ``queries``, ``push`` and ``serve``: SPARQL on the graph, here or on a server."""

from __future__ import annotations

import json
import os
import signal

import click

from policygraph.cli.options import (
    engine_option,
    format_option,
    graph_options,
    load_from_options,
    output_option,
    timeout_option,
)
from policygraph.errors import ConfigError, InputError

_SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
_GRAPH_FORMATS = ("ttl", "nt", "jsonld", "xml")


@click.command()
@click.argument("query", required=False, metavar="(NAME | FILE.rq | -)")
@click.option("-e", "--expression", metavar="SPARQL", help="The query itself, instead of NAME or FILE.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter; repeatable.")
@format_option(
    *sorted(set(_SELECT_FORMATS + _GRAPH_FORMATS)),
    help="SELECT/ASK: table (default), csv, tsv, json, xml, md. CONSTRUCT/DESCRIBE: ttl (default), nt, jsonld, xml.",
)
@click.option("--labels", is_flag=True, help="In table and md output, show labels instead of ids and IRIs.")
@click.option("--max-width", default=40, show_default=True, type=click.IntRange(5, 10000), help="Cut table cells to this width.")
@output_option("Write the result to FILE (atomically) instead of standard output (- is standard output).")
@graph_options
@click.option("--endpoint", metavar="URL", help="Run the query on this SPARQL 1.1 endpoint instead of the local graph.")
@engine_option("rdflib", "oxigraph", help="Local engine; auto uses Oxigraph for large or prebuilt graphs.")
@timeout_option(300, help="Stop the query after this long (exit 2).")
def query(query, expression, params, fmt, labels, max_width, output, data, no_bundled, graph_file, endpoint, engine, timeout):
    """Run a SPARQL query: a named query, a .rq file, or -e 'SPARQL'.

    ASK queries print true or false and exit 0 or 1. Queries are read-only:
    SERVICE, LOAD, updates and (locally) FROM are refused. A secured
    --endpoint takes its credentials from the environment or ~/.netrc (see push).

    \b
    Example:
      policygraph queries
      policygraph query treaties-party
      policygraph query provision-policies --param provision=crc-art-9 --labels
      policygraph query statistics-series --param measures=refugee --format csv
      policygraph query -e 'SELECT ?law WHERE { ?law a pg:Law }' --format json
      policygraph query my-query.rq --graph japan.ttl --timeout 10
      policygraph query treaties-party --endpoint http://127.0.0.1:7878/query
    """
    from policygraph.sparql.params import bind_params, parse_param_options
    from policygraph.sparql.query import named_query, parse_query, read_query
    from policygraph.sparql.results import format_result
    from policygraph.sparql.run import result_labels, run_query

    if (query is None) == (expression is None):
        raise ConfigError("give a query: NAME, FILE.rq, - (standard input) or -e 'SPARQL' (exactly one)")
    if endpoint and (data or no_bundled or graph_file):
        raise ConfigError("--endpoint cannot be combined with --data, --no-bundled or --graph")
    from policygraph.cli.options import store_dir

    if endpoint and store_dir() is not None:
        raise ConfigError("--endpoint cannot be combined with --store")
    if expression is not None:
        parsed = parse_query(expression, origin="-e")
    elif query == "-" or query.endswith(".rq") or os.sep in query or (os.altsep and os.altsep in query):
        parsed = read_query(query)
    else:
        parsed = named_query(query)
    _check_format(parsed.form, fmt)
    given = parse_param_options(params)
    graph = None if endpoint else load_from_options(data, no_bundled, graph_file)
    bindings = bind_params(parsed, given, graph)
    result = run_query(parsed, bindings, graph=graph, endpoint=endpoint, engine=engine, timeout=timeout)
    fmt = fmt or ("ttl" if result.is_graph else "table")
    names = {}
    if labels and fmt in ("table", "md") and not result.is_graph:
        names = result_labels(result, graph=graph, endpoint=endpoint, timeout=timeout, from_graphs=parsed.from_graphs)
    text = format_result(result, fmt, labels=names, max_width=max_width)
    if output:
        from policygraph.output import write_atomic

        write_atomic(output, text)
        click.echo(f"wrote {output} ({_describe(result)})", err=True)
    elif fmt in ("table", "md"):
        click.echo(text, nl=False)
    else:  # W3C and RDF formats as UTF-8 bytes, line ends untouched (CSV's CRLF on every platform)
        click.echo(text.encode("utf-8"), nl=False)
    if result.form == "ASK" and not result.boolean:
        click.get_current_context().exit(1)


def _check_format(form: str, fmt: str | None) -> None:
    if fmt is None:
        return
    if form in ("CONSTRUCT", "DESCRIBE") and fmt not in _GRAPH_FORMATS:
        raise ConfigError(f"format {fmt!r} is for SELECT and ASK results; {form} gives a graph", hint="use ttl, nt, jsonld or xml")
    if form in ("SELECT", "ASK") and fmt not in _SELECT_FORMATS:
        raise ConfigError(f"format {fmt!r} is for graphs; {form} gives results", hint="use table, csv, tsv, json, xml or md")


def _describe(result) -> str:
    if result.form == "ASK":
        return "true" if result.boolean else "false"
    if result.is_graph:
        return f"{len(result.triples)} triples"
    return f"{len(result.rows)} row" + ("" if len(result.rows) == 1 else "s")


@click.command()
@click.argument("name", required=False)
@format_option("text", "json", default="text")
def queries(name, fmt):
    """List the named queries with their parameters, or show one with its SPARQL.

    \b
    Example:
      policygraph queries
      policygraph queries policies-affecting-group
    """
    from policygraph.sparql.query import list_queries, named_query

    found = [named_query(name)] if name else list_queries(check=False)
    if fmt == "json":
        documents = [q.to_dict() for q in found]
        if name:
            documents[0]["sparql"] = found[0].text
        click.echo(json.dumps(documents[0] if name else documents, ensure_ascii=False, indent=2))
        return
    if name:
        click.echo(_render_query(found[0]))
        return
    import shutil
    import textwrap

    columns = max(60, shutil.get_terminal_size((100, 24)).columns)
    width = max((len(q.name) for q in found), default=0)
    for q in found:
        summary = textwrap.wrap(q.summary or "(no summary)", columns - width - 2) or [""]
        click.echo(f"{q.name:<{width}}  {summary[0]}")
        for line in summary[1:]:
            click.echo(f"{'':<{width}}  {line}")
        for param in q.params:
            spec = param.describe()[len(param.name) :].strip()
            text = " ".join(part for part in (f"--param {param.name}=…", spec, param.meaning) if part)
            for line in textwrap.wrap(text, columns - width - 4, subsequent_indent="    "):
                click.echo(f"{'':<{width}}    {line}")
    click.echo(f"\n{len(found)} queries; run one with: policygraph query NAME [--param NAME=VALUE]; details: policygraph queries NAME")


def _render_query(q) -> str:
    lines = [f"{q.name} — {q.summary or '(no summary)'}", f"  {q.form} query, file {q.origin}"]
    if q.description:
        lines += ["", "  " + q.description]
    if q.params:
        lines += ["", "parameters:"]
        lines += [f"  {p.describe()}: {p.meaning}" for p in q.params]
    if q.examples:
        lines += ["", "examples:"]
        lines += [f"  {example}" for example in q.examples]
    body = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("#")).strip()
    lines += ["", body]
    return "\n".join(lines)


@click.command()
@click.argument("url")
@graph_options
@click.option("--named-graph", metavar="IRI", help="Put the triples in this named graph (default: the default graph).")
@click.option("--append", is_flag=True, help="Add to the target graph (POST) instead of replacing it (PUT).")
@timeout_option(60)
def push(url, data, no_bundled, graph_file, named_graph, append, timeout):
    """Upload the built graph to a SPARQL 1.1 Graph Store (Graph Store HTTP Protocol).

    A secured store's credentials come from the environment: POLICYGRAPH_ENDPOINT_USER and
    POLICYGRAPH_ENDPOINT_PASSWORD (HTTP Basic or Digest, as the server asks), or
    POLICYGRAPH_ENDPOINT_TOKEN (a bearer token); else from ~/.netrc. Never from the command line.

    \b
    Example:
      policygraph push http://127.0.0.1:7878/store
      policygraph push http://127.0.0.1:7878/store --named-graph https://example.org/japan
      POLICYGRAPH_ENDPOINT_USER=dba POLICYGRAPH_ENDPOINT_PASSWORD=... \\
        policygraph push http://127.0.0.1:8890/sparql-graph-crud-auth --named-graph https://example.org/japan
    """
    from policygraph.sparql.remote import push_graph

    graph = load_from_options(data, no_bundled, graph_file).graph
    report = push_graph(graph, url, named_graph=named_graph, replace=not append, timeout=timeout)
    target = f"named graph <{report.graph}>" if report.graph else "the default graph"
    verb = "replaced" if report.replaced else "added to"
    click.echo(f"pushed {report.triples} triples to {url}: {verb} {target} (HTTP {report.status})")


@click.command()
@graph_options
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535), help="Port on 127.0.0.1.")
@timeout_option(60, help="Per-query time limit of the server.")
@click.option("--cors", metavar="ORIGIN", help="Let web pages from ORIGIN (scheme://host[:port], or *) read the answers.")
def serve(data, no_bundled, graph_file, port, timeout, cors):
    """Serve the built graph as a read-only SPARQL endpoint on 127.0.0.1 (Oxigraph's server).

    Runs until interrupted (Ctrl-C); the temporary store is deleted on exit.
    Updates and SERVICE (federated) queries are refused, as by the local query.
    The graph's VoID and DCAT description is at /.well-known/void.

    \b
    Example:
      policygraph serve --port 7878
      policygraph serve --cors https://example.org
      policygraph query treaties-party --endpoint http://127.0.0.1:7878/query
      curl http://127.0.0.1:7878/.well-known/void
    """
    from policygraph.graph.void import dataset_description
    from policygraph.sparql.serve import OxigraphServer, check_origin

    if cors is not None:
        check_origin(cors)
    loaded = load_from_options(data, no_bundled, graph_file)
    graph = loaded.graph
    server = OxigraphServer(graph, port, timeout=timeout, cors=cors)
    server.description = dataset_description(loaded, endpoint=server.url)

    def stop(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python then never raises KeyboardInterrupt
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.start()
        click.echo(f"serving {len(graph)} triples read-only at {server.url} (Ctrl-C to stop)")
        code = server.wait()
        if code:
            raise InputError(f"the SPARQL server stopped with exit code {code}")
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
