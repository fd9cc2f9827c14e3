"""Reading company files (CSV in UTF-8 or CP949, XLSX, HTML tables saved as .xls) and turning
their cells into profile values. No database access here: see `services/importing.py`."""
