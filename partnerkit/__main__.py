from partnerkit._launch import main

main()
