"""Documents in the GUI: the certificate, consent and referral sections of a case, the
certificate verification dialog and the NRM directory dialog.

The rules live in the core (`idtool.certificate`, `idtool.consent`, `idtool.referrals`,
`idtool.directory`); these widgets only bind to them. PDFs are produced in memory off the GUI
thread and written only where the officer chooses.
"""
