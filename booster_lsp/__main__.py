"""python -m booster_lsp -> the `booster` command."""

from booster_lsp.cli import main

main()
