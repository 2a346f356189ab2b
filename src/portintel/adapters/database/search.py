"""Case-insensitive substring search over statement values, served by an index.

``value ILIKE '%text%'`` alone is a scan of every statement. Migration 0008
adds an index that finds the candidates of a substring of three characters
or more:

* SQLite: an FTS5 table with the ``trigram`` tokenizer (:data:`FTS_TABLE`),
  external content on ``statements.value`` by rowid, kept in step by
  triggers. Its case folding is Unicode-wide, wider than SQLite's ASCII-only
  ``lower()``, so it yields a superset of the ILIKE matches: the ILIKE is
  kept as well and decides.
* PostgreSQL: a ``pg_trgm`` GIN index (:data:`TRIGRAM_INDEX`), which the
  planner uses for ILIKE itself.

Shorter texts have no trigram to look up: they keep the scan. Either way the
condition is exactly ``value ILIKE '%text%'`` (wildcards in ``text`` matched
literally); only the access path changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import phonenumbers
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Select,
    Table,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects import postgresql, sqlite

from portintel.adapters.name_data import name_variants
from portintel.domain.identifiers.check import ascii_digits
from portintel.domain.names import ascii_words, prepare_name

FTS_TABLE = "statements_search"
"""SQLite: the FTS5 trigram index of ``statements.value`` (and its shadow tables' prefix)."""
FTS_TRIGGERS = ("statements_search_insert", "statements_search_delete", "statements_search_update")
TRIGRAM_INDEX = "ix_statements_value_trgm"
"""PostgreSQL: the pg_trgm GIN index of ``statements.value``."""
MIN_INDEXED = 3
"""A trigram index finds substrings of at least this many characters."""


def escaped(text: str) -> str:
    """``text`` matched literally by LIKE with ``ESCAPE '\\'``: its wildcards escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: every character literal (quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def value_contains(dialect: str, statements: Table, text: str) -> ColumnElement[bool]:
    """``statements.value`` contains ``text``, case-insensitively, through the index if any.

    ``dialect`` is the connection's dialect name; ``statements`` the statements
    table as it appears in the query (SQLite's index is keyed by its rowid).
    """
    contains = statements.c.value.ilike(f"%{escaped(text)}%", escape="\\")
    if dialect != "sqlite" or len(text) < MIN_INDEXED or "\x00" in text:
        return contains  # PostgreSQL's GIN index serves the ILIKE itself
    fts = table(FTS_TABLE)
    candidates: Select[tuple[Any]] = (
        select(literal_column("rowid"))
        .select_from(fts)
        .where(literal_column(FTS_TABLE).op("MATCH")(_fts_phrase(text)))
    )
    rowid: ColumnClause[Any] = literal_column(f"{statements.name}.rowid")
    return rowid.in_(candidates) & contains


# --- search keys: names across scripts and identifiers however written (migration 0018) ------
#
# A substring cannot find "Chhim Vibol" from "Chim Vibul", "Nguyễn" from "Nguyen" or
# "IMO 9074729" from "IMO9074729". Each name or identifier statement therefore gets a row of
# *search keys* (``search_keys``): words that two spellings of one name, or two writings of
# one identifier, share. They are computed in Python when the statement is written
# (``portintel.services.intake.statements.write_statements``) and found by a word index:
# SQLite FTS5 (``search_keys_fts``, external content on ``search_keys``), PostgreSQL a GIN
# index of ``to_tsvector('simple', keys)``. Each key is one lower-case ASCII word whose
# first letter says what it is:
#
# * ``w`` + a word of a romanisation of the name (accents folded: Nguyễn -> wnguyen);
# * ``k`` + that word's key (:func:`portintel.domain.names.skeleton` of its variants group,
#   or of the word): Chhim and Chim -> kcm, Vibol and Vibul -> kwbl, សុខ and Sok -> one key;
# * ``i`` + an identifier's letters and digits (IMO 9074729 -> iimo9074729);
# * ``d`` + its digits, also without leading zeros, and a phone's national number
#   (+855 12 345 678 -> d85512345678, d12345678).

KEYS_TABLE = "search_keys"
KEYS_FTS = "search_keys_fts"
KEYS_TRIGGER = "search_keys_fts_insert"
KEYS_INDEX = "ix_search_keys_tsv"
NAME_TYPES = frozenset({"name"})
IDENTIFIER_TYPES = frozenset({"identifier", "phone", "iban", "checksum"})
INDEXED_TYPES = NAME_TYPES | IDENTIFIER_TYPES
"""followthemoney property types whose statements get search keys."""
MIN_DIGITS = 5
"""Fewer digits than this are not an identifier worth a digit key."""

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_DIGITS = re.compile(r"[^0-9]+")


def _digit_keys(text: str) -> set[str]:
    digits = _NOT_DIGITS.sub("", ascii_digits(text))
    keys: set[str] = set()
    if len(digits) >= MIN_DIGITS:
        keys.add("d" + digits)
        if digits.lstrip("0"):
            keys.add("d" + digits.lstrip("0"))
    if text.strip().startswith("+"):
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            return keys
        national = str(number.national_number)
        if len(national) >= MIN_DIGITS:
            keys.add("d" + national)
    return keys


def _name_forms(text: str) -> list[tuple[tuple[str, str], ...]]:
    """Each romanisation of ``text`` as (word, key) pairs."""
    prepared = prepare_name(text, name_variants())
    return [tuple(zip(form.tokens, form.keys, strict=True)) for form in prepared.forms]


@lru_cache(maxsize=65536)
def search_keys(prop_type: str, value: str) -> str:
    """The search keys of a statement (space-separated, sorted); empty if it has none."""
    keys: set[str] = set()
    if prop_type in NAME_TYPES:
        for form in _name_forms(value):
            for word, key in form:
                keys.update(("w" + word, "k" + key))
    if prop_type in IDENTIFIER_TYPES:
        alnum = _NOT_ALNUM.sub("", ascii_words(value))
        if alnum:
            keys.add("i" + alnum)
        keys.update(_digit_keys(value))
    return " ".join(sorted(keys))


Alternatives = tuple[tuple[tuple[str, ...], ...], ...]
"""Alternatives (any) of conjunctions (all) of disjunctions (any) of keys."""


@lru_cache(maxsize=4096)
def query_keys(text: str) -> Alternatives:
    """What a query looks for, as alternatives of conjunctions of disjunctions of keys.

    Each name form of the query asks every one of its words (the word or its key);
    an identifier-like query asks its letters and digits, or its digits.
    """
    found: list[tuple[tuple[str, ...], ...]] = []
    for form in _name_forms(text):
        if form:
            found.append(tuple(tuple(sorted({"w" + word, "k" + key})) for word, key in form))
    alnum = _NOT_ALNUM.sub("", ascii_words(text))
    if alnum and any(char.isdigit() for char in alnum):
        found.append((("i" + alnum,),))
    found.extend(((key,),) for key in sorted(_digit_keys(text)))
    return tuple(found)


def _fts_query(alternatives: Alternatives) -> str:
    return " OR ".join(
        "(" + " AND ".join("(" + " OR ".join(f'"{k}"' for k in anyof) + ")" for anyof in form) + ")"
        for form in alternatives
    )


def _ts_query(alternatives: Alternatives) -> str:
    return " | ".join(
        "(" + " & ".join("(" + " | ".join(anyof) + ")" for anyof in form) + ")"
        for form in alternatives
    )


def keys_match(dialect: str, text: str) -> Select[tuple[Any]] | None:
    """``SELECT statement_id`` of the statements whose search keys match ``text``, or None
    when ``text`` yields no key (punctuation only)."""
    alternatives = query_keys(text)
    if not alternatives:
        return None
    keys = table(KEYS_TABLE, column("statement_id"), column("keys"))
    if dialect == "sqlite":
        fts = table(KEYS_FTS)
        rowids: Select[tuple[Any]] = (
            select(literal_column("rowid"))
            .select_from(fts)
            .where(literal_column(KEYS_FTS).op("MATCH")(_fts_query(alternatives)))
        )
        return select(keys.c.statement_id).where(literal_column(f"{KEYS_TABLE}.rowid").in_(rowids))
    vector = func.to_tsvector(literal_column("'simple'::regconfig"), keys.c["keys"])
    query = func.to_tsquery(literal_column("'simple'::regconfig"), _ts_query(alternatives))
    return select(keys.c.statement_id).where(vector.op("@@")(query))


def keys_rows(records: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    """``search_keys`` rows for (statement id, property type, value) triples that have keys."""
    rows: dict[str, dict[str, str]] = {}
    for statement_id, prop_type, value in records:
        if prop_type not in INDEXED_TYPES or statement_id in rows:
            continue
        keys = search_keys(prop_type, value)
        if keys:
            rows[statement_id] = {"statement_id": statement_id, "keys": keys}
    return list(rows.values())


def write_search_keys(connection: Connection, records: Iterable[tuple[str, str, str]]) -> int:
    """Index (statement id, property type, value) triples; a statement indexed already is
    kept (its keys follow from its value, which its id fixes). Returns rows offered."""
    rows = keys_rows(records)
    if not rows:
        return 0
    keys = table(KEYS_TABLE, column("statement_id"), column("keys"))
    insert: Any
    if connection.dialect.name == "postgresql":
        insert = postgresql.insert(keys).on_conflict_do_nothing(index_elements=["statement_id"])
    else:
        insert = sqlite.insert(keys).on_conflict_do_nothing(index_elements=["statement_id"])
    for start in range(0, len(rows), 5000):
        connection.execute(insert, rows[start : start + 5000])
    return len(rows)


def fill_search_keys(connection: Connection, *, batch: int = 5000) -> int:
    """Index every statement of an indexed type (a migration's backfill; idempotent)."""
    s = table("statements", column("id"), column("prop_type"), column("value"))
    result = connection.execute(
        select(s.c.id, s.c.prop_type, s.c.value).where(s.c.prop_type.in_(sorted(INDEXED_TYPES)))
    )
    written = 0
    while chunk := result.fetchmany(batch):
        written += write_search_keys(connection, [tuple(row) for row in chunk])
    return written


def keys_admit(text: str, prop_type: str, value: str) -> bool:
    """Whether the search keys of a statement match ``text``: what :func:`keys_match` finds,
    decided in Python (a test oracle, and for callers holding the values already)."""
    keys = set(search_keys(prop_type, value).split()) if prop_type in INDEXED_TYPES else set()
    return any(
        all(any(key in keys for key in anyof) for anyof in form) for form in query_keys(text)
    )
