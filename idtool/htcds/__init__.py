"""Partner formats as IOM's Human Trafficking Case Data Standard 2.0 defines them.

- `standard`: the standard's field and value names (a copy shipped in resources/htcds);
- `mapping`: our codes to the standard's value names and back (documented in docs/formats.md);
- `rows`: the facts of each screened case, as HTCDS values, with no personal data;
- `export`: the anonymised record-level CSV (k = 11) and the same rows in the layout of the
  HTCDS Excel toolkit (`toolkit`);
- `importer`: a partner's filled toolkit spreadsheet previewed and imported as cases.
"""
