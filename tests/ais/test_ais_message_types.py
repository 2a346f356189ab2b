"""Every message type 1-27: coded values, conversions and readable text as pyais gives them."""

from __future__ import annotations

import pyais
import pyais.constants as constants
import pyais.messages as pyais_messages
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from portintel.ais import DECODED_TYPES, decode_lines, message_schema
from portintel.ais.conversions import LOOKUP_TABLES
from portintel.ais.enumerations import CODE_TABLES
from portintel.ais.fields import Kind, layouts_of
from tests.ais.nmea_text import tag_block
from tests.ais.pyais_reference import assert_same, reference_messages, rows_by_line

ENUMS = {
    "ship_type": constants.ShipType,
    "epfd": constants.EpfdType,
    "solas_status": constants.SOLASStatus,
    "transmit_mode": constants.TransmitMode,
    "station_type": constants.StationType,
    "station_interval": constants.StationIntervals,
    "signal_impact": constants.SignalImpact,
    "inland_loaded": constants.InlandLoadedType,
    "ice_class": constants.IceClass,
    "emma_wind": constants.EMMAWinds,
    "emma_type": constants.EMMATypeCodes,
}
CONVERTERS = {
    "airtemp_legacy": pyais_messages.to_airtemp_leg,
    "dewpoint_legacy": pyais_messages.to_dewpt_leg,
    "water_level_legacy": pyais_messages.to_wl_leg,
    "water_level_31": pyais_messages.to_wl31,
    "pressure_800": pyais_messages.to_press800,
    "pressure_799": pyais_messages.to_press799,
}


def test_every_type_from_1_to_27_is_decoded() -> None:
    assert set(range(1, 28)) == DECODED_TYPES


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_code_tables_fold_every_raw_value_as_pyais(name: str) -> None:
    table = CODE_TABLES[name]
    for raw in range(table.shape[0]):
        assert table[raw] == int(ENUMS[name].from_value(raw)), f"{name} {raw}"


@pytest.mark.parametrize("name", sorted(CONVERTERS))
def test_lookup_tables_equal_pyais_conversions_for_every_raw_value(name: str) -> None:
    table = LOOKUP_TABLES[name]
    for raw in range(table.shape[0]):
        expected = CONVERTERS[name](float(raw) if table.dtype.kind == "f" else raw)
        assert table[raw].item() == expected and type(table[raw].item()) is type(expected)


def test_every_coded_and_looked_up_field_names_a_table() -> None:
    for message_type in DECODED_TYPES:
        for layout in layouts_of(message_type):
            for field in layout:
                if field.kind is Kind.CODE:
                    table = CODE_TABLES[field.table or field.name]
                    assert table.shape[0] == 2**field.width, field  # every raw value
                if field.kind is Kind.LOOKUP:
                    assert field.table is not None and not field.is_signed, field
                    assert LOOKUP_TABLES[field.table].shape[0] >= 2**field.width, field


def _decoded(fields: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    sentences = encode_dict(fields, radio_channel="A", talker_id="AI")
    batch = decode_lines(sentences)
    assert batch.rejects.height == 0 and batch.unsupported.height == 0
    table = batch.messages[int(fields["msg_type"])]  # type: ignore[call-overload]
    assert table.height == 1
    assert dict(table.schema) == message_schema(int(fields["msg_type"]))  # type: ignore[call-overload]
    return table.row(0, named=True), pyais.decode(*sentences).asdict(enum_as_int=True)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        (
            {
                "msg_type": 12,
                "mmsi": 271002099,
                "dest_mmsi": 271002111,
                "seqno": 1,
                "text": "MAN OVERBOARD NEAR BERTH 4",
            },
            "MAN OVERBOARD NEAR BERTH 4",
        ),
        ({"msg_type": 14, "mmsi": 351809000, "text": "SART ACTIVE"}, "SART ACTIVE"),
        (
            {"msg_type": 14, "mmsi": 970010001, "text": "MOB " + "X" * 150},
            "MOB " + "X" * 150,
        ),
    ],
    ids=["type 12", "type 14", "type 14 long"],
)
def test_safety_text_is_readable(fields: dict[str, object], text: str) -> None:
    ours, theirs = _decoded(fields)
    assert ours["text"] == text
    assert_same(ours, theirs, str(fields))


def test_binary_messages_keep_dac_fi_and_raw_data_of_unknown_applications() -> None:
    data = bytes(range(1, 40))
    ours, theirs = _decoded({"msg_type": 8, "mmsi": 2655619, "dac": 235, "fid": 10, "data": data})
    assert (ours["dac"], ours["fid"]) == (235, 10)
    assert ours["data"] == data
    assert_same(ours, theirs, "type 8 DAC 235 FI 10")


def test_a_known_application_decodes_its_fields() -> None:
    """Type 8 DAC 1 FI 31 (meteorological and hydrological data, IMO 289)."""
    ours, theirs = _decoded(
        {
            "msg_type": 8,
            "mmsi": 2573555,
            "dac": 1,
            "fid": 31,
            "lon": 5.3,
            "lat": 60.4,
            "wspeed": 12,
            "airtemp": -3.5,
            "pressure": 1013,
            "waterlevel": 1.25,
        }
    )
    assert (ours["lon"], ours["lat"], ours["wspeed"]) == (5.3, 60.4, 12)
    assert (ours["airtemp"], ours["pressure"], ours["waterlevel"]) == (-3.5, 1013, 1.25)
    assert ours["data"] is None  # a column of the raw-data layout only
    assert_same(ours, theirs, "type 8 DAC 1 FI 31")


def test_the_signal_station_of_dac_1_fi_19_does_not_hide_the_receiving_station() -> None:
    fields = {"msg_type": 8, "mmsi": 2655619, "dac": 1, "fid": 19, "station": "LOCK NORTH"}
    sentence = encode_dict(fields, radio_channel="A", talker_id="AI")[0]
    line = tag_block("s:harbour-1,c:1700000000") + sentence
    row = decode_lines([line]).messages[8].row(0, named=True)
    assert row["signal_station"] == "LOCK NORTH"
    assert row["station"] == "harbour-1"


ARMOUR = "".join(map(chr, range(48, 88))) + "".join(map(chr, range(96, 120)))


def _sentences(payload: str, fill: int, sequence: int) -> list[str]:
    """``payload`` as one or more sentences of at most 60 characters."""
    parts = [payload[at : at + 60] for at in range(0, len(payload), 60)] or [payload]
    lines = []
    for index, part in enumerate(parts, start=1):
        last = index == len(parts)
        seq = str(sequence) if len(parts) > 1 else ""
        body = f"AIVDM,{len(parts)},{index},{seq},A,{part},{fill if last else 0}"
        checksum = 0
        for char in body:
            checksum ^= ord(char)
        lines.append(f"!{body}*{checksum:02X}")
    return lines


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 27),
            st.text(alphabet=ARMOUR, max_size=180),
            st.integers(0, 5),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_payloads_of_any_type_and_length_decode_as_pyais(
    messages: list[tuple[int, str, int]],
) -> None:
    """Random payloads (cut anywhere, so fields end early and layouts are chosen from
    partial bits) of every type: whatever pyais decodes is decoded the same."""
    lines: list[str] = []
    for number, (message_type, rest, fill) in enumerate(messages):
        payload = ARMOUR[message_type] + rest
        fill = fill if len(payload) * 6 - fill >= 6 else 0  # the type's six bits are there
        lines.extend(_sentences(payload, fill, number % 10))
    batch = decode_lines(lines)
    ours = {t: rows_by_line(frame) for t, frame in batch.messages.items()}
    compared = 0
    for line, theirs in reference_messages(lines):
        row = ours.get(theirs["msg_type"], {}).get(line)
        assert row is not None, f"line {line}: {lines[line - 1]} not decoded"
        assert_same(row, theirs, lines[line - 1])
        compared += 1
    assert compared == batch.message_count
