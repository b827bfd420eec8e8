"""Coded values in words, as people read them: ethnicity by the 2021 census categories, exclusions."""

from __future__ import annotations

GROUPS = {
    "A": "Asian, Asian British or Asian Welsh",
    "B": "Black, Black British, Black Welsh, Caribbean or African",
    "M": "Mixed or multiple ethnic groups",
    "W": "White",
    "O": "Other ethnic group",
}
ETHNICITY = {
    "A1": "Indian",
    "A2": "Pakistani",
    "A3": "Bangladeshi",
    "A4": "Chinese",
    "A5": "Any other Asian background",
    "B1": "African",
    "B2": "Caribbean",
    "B3": "Any other Black, Black British or Caribbean background",
    "M1": "White and Black Caribbean",
    "M2": "White and Black African",
    "M3": "White and Asian",
    "M4": "Any other Mixed or multiple ethnic background",
    "W1": "English, Welsh, Scottish, Northern Irish or British",
    "W2": "Irish",
    "W3": "Gypsy or Irish Traveller",
    "W4": "Roma",
    "W5": "Any other White background",
    "O1": "Arab",
    "O2": "Any other ethnic group",
}


EXCLUSIONS = {
    "MAPPA_LEVEL_2_3": "managed at MAPPA level 2 or 3",
    "SEX_OFFENDER": "a current sex offender",
    "NO_CONVICTION_6M": "no conviction in the last 6 months at liberty",
    "YOUTH": "under 18",
}


def exclusions(codes: list[str] | None) -> str:
    """The rules' exclusion codes in words, joined: 'managed at MAPPA level 2 or 3 and under 18'."""
    words = [EXCLUSIONS.get(code, code.replace("_", " ").lower()) for code in codes or []]
    return " and ".join(words) if words else "none"


def ethnicity(code: str | None) -> str:
    """'W1' as 'White: English, Welsh, Scottish, Northern Irish or British'; unknown codes as given."""
    if not code:
        return "Not stated"
    code = code.upper()
    if code in ("NS", "Z", "NOT STATED"):
        return "Not stated"
    group, detail = GROUPS.get(code[:1]), ETHNICITY.get(code)
    if group is None or detail is None:
        return f"Recorded as {code}"
    return f"{group}: {detail}"
