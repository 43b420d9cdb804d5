"""``trace``: which treaty obligations apply to a policy, whether the state is bound, and why."""

from __future__ import annotations

import json

import click

from policygraph.cli.options import data_options, format_option, load_from_options, output_option
from policygraph.errors import ConfigError
from policygraph.tracing import DEFAULT_MIN_STRENGTH


@click.command()
@click.argument("policy", required=False)
@click.option("--provision", metavar="ID", help="Inverse: the policies that engage this provision (or any provision of a treaty id).")
@click.option("--as-of", metavar="DATE", help="Judge binding status on this date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day); "
    "default: today for a policy still in place, the last date of a bill or of an ended policy.")
@click.option("--treaty", "treaties", multiple=True, metavar="ID", help="Only provisions of this treaty; repeatable. Alone: the inverse for the whole treaty.")
@click.option(
    "--min-strength",
    type=click.Choice(["cited", "practice", "status", "group"]),
    default=DEFAULT_MIN_STRENGTH,
    show_default=True,
    help="Weakest evidence shown: cited > practice > status > group; the report counts the provisions it leaves out.",
)
@format_option("text", "md", "json", "html", default="text")
@output_option("Write the report to FILE (atomically) instead of stdout (- is stdout).")
@data_options
def trace(policy, provision, as_of, treaties, min_strength, fmt, output, data, no_bundled):
    """Trace the treaty obligations a policy engages, with the evidence for each.

    Lists each provision the policy engages (cited by a source, or inferred from the practices,
    groups and residence statuses it touches), whether the state is bound on the as-of date, its
    reservations and declarations, and who raised the issue.

    \b
    Example:
      policygraph trace bill-2021-immigration-control-revision
      policygraph trace icrra --as-of 1980-01-01 --treaty refugee-convention
      policygraph trace titp --format html -o titp.html
      policygraph trace --provision crc-art-9
    """
    from policygraph.tracing import report, report_html
    from policygraph.tracing import trace as tracing

    if policy and provision:
        raise ConfigError("give a POLICY or --provision, not both")
    if not policy and not provision and len(treaties) != 1:
        raise ConfigError("give a POLICY, --provision ID, or a single --treaty ID for the inverse trace")
    loaded = load_from_options(data, no_bundled)
    if policy:
        result = tracing.trace_policy(loaded, policy, as_of=as_of, treaties=treaties, min_strength=min_strength)
        renderers = {"text": report.render_text, "md": report.render_markdown, "html": report_html.render_html}
    else:
        result = tracing.trace_provision(loaded, provision or treaties[0], as_of=as_of, min_strength=min_strength)
        renderers = {"text": report.render_provision_text, "md": report.render_provision_markdown, "html": report_html.render_provision_html}
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n" if fmt == "json" else renderers[fmt](result)
    if output:
        from policygraph.output import write_atomic

        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
