from freshfoodz_seasonal.cli.cli import main

main()
