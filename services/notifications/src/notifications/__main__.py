from notifications.entrypoints.main import main

main()
