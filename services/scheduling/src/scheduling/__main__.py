from scheduling.entrypoints.main import main

main()
