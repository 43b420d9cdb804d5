"""``python -m policygraph`` runs the command-line interface."""

from policygraph.cli import main

main()
