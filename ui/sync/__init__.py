"""Exchange screens: enrolment, export and import of exchange packages (bundles), and the
supervisor's review queues. The work itself is `idtool.sync`; these modules only show it."""
