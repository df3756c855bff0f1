"""What the printed documents share (the certificate, the referral packet, the statistics
report): the embedded fonts and colours, the base paragraph styles (`style`), text helpers for
ReportLab markup (`text`) and the Jinja2 templates of the wording (`templates`).

Nothing is imported here, so importing one module does not load ReportLab or Jinja2.
"""
