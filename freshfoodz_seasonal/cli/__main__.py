"""`python -m freshfoodz_seasonal.cli`: the same as `seasonctl`."""

from freshfoodz_seasonal.cli.app import main

main()
