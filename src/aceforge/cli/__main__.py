from aceforge.cli import main

main()
