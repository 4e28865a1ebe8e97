"""Word lists the stages share, each written once: honorifics, offices, months, weekdays, number words.

A stage that needs a list adds to one of these rather than writing its own copy; where a stage
needs a wider set it says so by extending one here (`| {...}`), so the lists cannot drift apart.
"""

from __future__ import annotations

# Courtesy titles printed before a name ("Mr Cleverly", "Dame Alison").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "sir", "dame", "dr", "lord", "lady", "baroness", "prof"})
HE_HONORIFICS = ("Mr", "Sir", "Lord")  # "Mr Reilly" is a he ...
SHE_HONORIFICS = ("Mrs", "Ms", "Miss", "Dame", "Lady", "Baroness")  # ... and "Ms Solheim" a she
# Offices and ranks printed before a name ("Prime Minister Rishi Sunak", "Gen. Milley").
OFFICES = (
    "president", "vice president", "prime minister", "premier", "chancellor", "senator", "sen", "rep", "gov",
    "governor", "mayor", "judge", "justice", "king", "queen", "prince", "princess", "councillor", "cllr", "gen",
    "general", "col", "colonel", "capt", "captain", "rev", "reverend", "pope", "sheikh", "rabbi", "imam",
    "minister", "secretary",
)  # fmt: skip

# Heads of the roles printed before a name ("spokesman Glyn Davies", "executive director Robert Tapsfield").
ROLE_HEADS = {
    "executive", "director", "chair", "chairman", "chairwoman", "spokesperson", "spokesman", "spokeswoman", "minister",
    "secretary", "officer", "leader", "chief", "head", "manager", "owner", "lawyer", "judge", "inspector", "mp", "mayor",
    "president", "commissioner", "chancellor", "coach", "captain", "founder", "editor", "analyst", "economist",
}  # fmt: skip

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
MONTH_NUMBERS = {m[:3]: i + 1 for i, m in enumerate(MONTHS)}  # "aug" -> 8: printed dates abbreviate
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
