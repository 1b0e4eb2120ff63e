from chungsuc.manage import main

main()
