from idtool.cli import main

raise SystemExit(main())
