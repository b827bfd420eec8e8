"""Each person's reasons as codes: one text column, the core's codes in the core's order.

The batch writes no words. The figures a reason rests on are the row's own fields (windows,
scores, cohort, exclusions, tier) and its `evidence` column (how many convictions qualified for
each criterion); `iom.screening.render` turns a screened row back into the rules core's reasons,
words and evidence, listing the convictions, when it is read. Codes are joined by single
spaces: text costs a row far less to build and to write than a list, and Parquet stores the few
distinct sequences once.
"""

from __future__ import annotations


def sql_text(words: str) -> str:
    return "'" + words.replace("'", "''") + "'"


def either(condition: str, met: str, not_met: str) -> str:
    return f"CASE WHEN {condition} THEN {sql_text(met)} ELSE {sql_text(not_met)} END"


def only_if(condition: str, code: str) -> str:
    return f"CASE WHEN {condition} THEN {sql_text(code)} END"


def codes(*parts: str) -> str:
    """The codes of each part that has one (NULL parts add nothing), in order."""
    return "concat_ws(' ', " + ", ".join(parts) + ")"


def split(reason_codes: str) -> list[str]:
    return reason_codes.split()
