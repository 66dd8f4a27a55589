from ftcost.cli import main

raise SystemExit(main())
