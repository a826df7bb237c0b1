from seasonctl.cli import main

main()
