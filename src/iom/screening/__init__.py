"""Force-wide screening: the rules of `iom.rules` over a whole population at once, in DuckDB.

`run.screen()` loads a PNC-style extract (JSON Lines, or normalised CSV or Parquet tables),
keeps bad rows aside with their reasons, and computes every person's assessment in SQL. The
decisions are proven equal to `iom.rules.assess` by the tests (tests/screening/).
"""
