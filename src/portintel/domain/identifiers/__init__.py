"""Identifiers found in reports: IMO and MMSI numbers, phones, passports.

Each check takes the raw text and returns an :class:`IdentifierCheck` that
keeps the raw value, the normalised value when one can be made, and a reason
in words when the value is not valid. Nothing is dropped: an invalid value is
stored with its reason (see DESIGN "Nothing is lost").
"""

from portintel.domain.identifiers.check import IdentifierCheck
from portintel.domain.identifiers.imo import check_imo, imo_check_digit, imo_company_check_digit
from portintel.domain.identifiers.maritime_identification_digits import MID_COUNTRY
from portintel.domain.identifiers.mmsi import check_mmsi, mmsi_country, mmsi_kind, mmsi_mid
from portintel.domain.identifiers.mrz import Mrz, MrzCheck, mrz_check_digit, parse_mrz
from portintel.domain.identifiers.passport import check_passport, normalise_passport_number
from portintel.domain.identifiers.phone import check_phone

__all__ = [
    "MID_COUNTRY",
    "IdentifierCheck",
    "Mrz",
    "MrzCheck",
    "check_imo",
    "check_mmsi",
    "check_passport",
    "check_phone",
    "imo_check_digit",
    "imo_company_check_digit",
    "mmsi_country",
    "mmsi_kind",
    "mmsi_mid",
    "mrz_check_digit",
    "normalise_passport_number",
    "parse_mrz",
]
