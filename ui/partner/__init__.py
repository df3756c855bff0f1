"""Partner formats: the HTCDS export and a partner's toolkit spreadsheet imported as cases."""
