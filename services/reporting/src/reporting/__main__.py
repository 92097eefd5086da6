from reporting.entrypoints.main import main

main()
