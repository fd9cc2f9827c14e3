"""Korean search helpers: a pure library (no Django import).

`terms` turns text into index terms with Kiwi morphemes plus the original words; `query`
turns what a person typed into the query languages of SQLite FTS5 and PostgreSQL.
"""
