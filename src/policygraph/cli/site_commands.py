"""``site``: generate the static website (and preview it on 127.0.0.1)."""

from __future__ import annotations

import signal

import click

from policygraph.cli.options import data_options, load_from_options


@click.command()
@click.option("-o", "--output", "folder", required=True, metavar="DIR",
              help="The site's folder: created, or replaced if it holds a site built before (never another folder).")
@click.option("--as-of", metavar="DATE", help="Judge every binding status on this date (YYYY, YYYY-MM or YYYY-MM-DD); "
              "default: each policy's own date, as trace does.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="The language at the site's root; the other one is under DIR/<lang>/.")
@click.option("--serve", is_flag=True, help="After building, preview the site at http://127.0.0.1:PORT/ until Ctrl-C.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port for --serve (0: any free port).")
@data_options
def site(folder, as_of, lang, serve, port, data, no_bundled):
    """Generate a static website: every policy's trace, every treaty, provision, body and source, searchable offline.

    The site opens from the folder (file://) or from any static host: relative links, no server,
    nothing loaded from elsewhere. It is built beside DIR and swapped in when complete, so a
    failed build leaves the previous site.

    \b
    Example:
      policygraph site -o site
      policygraph site -o site --lang ja --as-of 2024-06-30
      policygraph site -o site --serve --port 8080
    """
    from policygraph.site.build import build_site

    loaded = load_from_options(data, no_bundled)
    report = build_site(loaded, folder, as_of=as_of, lang=lang)
    click.echo(
        f"wrote {report.folder}: {report.pages} pages, {report.files} files, {report.size / 1e6:.1f} MB in {report.seconds:.1f} s",
        err=True,
    )
    if serve:
        _serve(report.folder, port)


def _serve(folder, port: int) -> None:  # noqa: ANN001 - a Path
    from policygraph.site.serve import site_server

    server = site_server(folder, port)

    def stop(signum, frame):  # noqa: ANN001 - a signal handler
        raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python then never raises KeyboardInterrupt
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        click.echo(f"serving {folder} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
