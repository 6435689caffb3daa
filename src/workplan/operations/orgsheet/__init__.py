"""The organisation (units and users) as one .xlsx workbook, out and in."""
