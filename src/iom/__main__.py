from iom.cli import main

main()
