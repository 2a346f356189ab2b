"""Identifiers of the cast: passports with valid MRZ, phones in E.164,
IMO numbers, MMSIs with the right MID, call signs and registrations."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, timedelta

from portintel.domain.identifiers import imo_check_digit, mrz_check_digit
from portintel.scenario.model import Passport

ISO3 = {
    "KH": "KHM",
    "TH": "THA",
    "MM": "MMR",
    "VN": "VNM",
    "BD": "BGD",
    "ID": "IDN",
    "MY": "MYS",
    "TG": "TGO",
    "SL": "SLE",
}

MIDS: dict[str, tuple[str, ...]] = {
    "KH": ("514", "515"),
    "TH": ("567",),
    "MM": ("506",),
    "VN": ("574",),
    "ID": ("525",),
    "MY": ("533",),
    "TG": ("671",),  # Togo: a flag of convenience in the region's cases
    "SL": ("667",),  # Sierra Leone
}

CALL_SIGN_PREFIXES = {
    "KH": "XU",
    "TH": "HS",
    "MM": "XY",
    "VN": "3W",
    "ID": "PM",
    "MY": "9M",
    "TG": "5V",
    "SL": "9L",
}

FAMILY_NAME_FIRST = {"KH", "VN"}

# national mobile numbers that libphonenumber accepts (country code, prefixes, digits after prefix)
MOBILE_PLANS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "KH": ("855", ("12", "17", "11", "97", "96"), 6),
    "TH": ("66", ("81", "86", "89", "92", "95"), 7),
    "MM": ("95", ("975", "977", "979", "969", "944"), 7),
    "VN": ("84", ("90", "91", "98", "32", "35"), 7),
    "BD": ("880", ("17", "18", "19", "13", "15"), 8),
    "ID": ("62", ("812", "813", "821", "852", "857"), 8),
    "MY": ("60", ("12", "16", "19"), 7),
}
_NINE_DIGIT_KH = {"97", "96"}


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def mobile_number(country: str, rng: random.Random) -> str:
    """A mobile number of ``country`` in E.164 (+855..., +66..., ...)."""
    code, prefixes, length = MOBILE_PLANS[country]
    prefix = rng.choice(prefixes)
    if country == "KH" and prefix in _NINE_DIGIT_KH:
        length += 1
    return f"+{code}{prefix}{_digits(rng, length)}"


def national_format(e164: str) -> str:
    """The number as people write it at home: trunk prefix 0, no country code (a trap)."""
    for _country, (code, _prefixes, _length) in MOBILE_PLANS.items():
        if e164.startswith("+" + code):
            return "0" + e164[1 + len(code) :]
    raise ValueError(f"{e164} is not a number of the scenario's countries")


def imo_number(rng: random.Random) -> str:
    six = str(rng.randint(800000, 999999))
    return f"IMO{six}{imo_check_digit(six)}"


def bad_imo_number(valid: str) -> str:
    """The IMO number with its check digit off by one: a keying error."""
    digits = valid.removeprefix("IMO")
    wrong = (int(digits[-1]) + 1) % 10
    return f"IMO{digits[:-1]}{wrong}"


def mmsi(flag: str, rng: random.Random) -> str:
    return rng.choice(MIDS[flag]) + _digits(rng, 5) + "0"


def call_sign(flag: str, rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    tail = "".join(rng.choice(letters) for _ in range(2)) + _digits(rng, 2)
    return CALL_SIGN_PREFIXES[flag] + tail


def passport_number(country: str, rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    if country == "KH":
        return "N" + _digits(rng, 8)
    if country in {"TH", "BD"}:
        return rng.choice(letters) + rng.choice(letters) + _digits(rng, 7)
    if country == "MM":
        return "M" + rng.choice("ABCDE") + _digits(rng, 6)
    if country == "MY":
        return "A" + _digits(rng, 8)
    return rng.choice("BCX") + _digits(rng, 7)


def _mrz_field(text: str, width: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Z]+", "<", ascii_text.upper()).strip("<")
    return cleaned[:width].ljust(width, "<")


def _mrz_name(name: str, nationality: str) -> str:
    words = [word for word in name.replace(".", "").split(" ") if word]
    if nationality == "MM" or len(words) == 1:
        surname, given = " ".join(words), ""
    elif nationality in FAMILY_NAME_FIRST:
        surname, given = words[0], " ".join(words[1:])
    else:
        surname, given = words[-1], " ".join(words[:-1])
    joined = _mrz_field(surname, 39).rstrip("<")
    if given:
        joined += "<<" + _mrz_field(given, 39).rstrip("<")
    return joined[:39].ljust(39, "<")


def machine_readable_zone(
    *, number: str, country: str, name: str, birth: date, sex: str, expires: date
) -> tuple[str, str]:
    """Both lines of a TD3 (passport) MRZ with every ICAO 9303 check digit."""
    nation = ISO3[country]
    line1 = f"P<{nation}{_mrz_name(name, country)}"
    document = number.ljust(9, "<")[:9]
    born = birth.strftime("%y%m%d")
    until = expires.strftime("%y%m%d")
    personal = "<" * 14
    parts = (
        document + str(mrz_check_digit(document)),
        born + str(mrz_check_digit(born)),
        until + str(mrz_check_digit(until)),
        personal + str(mrz_check_digit(personal)),
    )
    composite = str(mrz_check_digit(parts[0] + parts[1] + parts[2] + parts[3]))
    line2 = f"{parts[0]}{nation}{parts[1]}{sex}{parts[2]}{parts[3]}{composite}"
    return line1, line2


def passport(
    country: str, name: str, birth: date, gender: str, rng: random.Random, today: date
) -> Passport:
    number = passport_number(country, rng)
    issued = today - timedelta(days=rng.randint(90, 9 * 365))
    expires = issued + timedelta(days=10 * 365)
    return Passport(
        number=number,
        country=country,
        issued=issued,
        expires=expires,
        mrz=machine_readable_zone(
            number=number,
            country=country,
            name=name,
            birth=birth,
            sex="F" if gender == "female" else "M",
            expires=expires,
        ),
    )
