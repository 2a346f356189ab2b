"""Tables of the relational store.

One metadata for every table. Changes go through Alembic migrations in
``migrations/versions``; a test checks that the migrated schema equals this
metadata, on SQLite and PostgreSQL.

Times are stored as timezone-aware UTC. Identifiers are text: reports,
sources and users have readable, stable ids (``R-...``), entities carry
followthemoney ids, statements a deterministic hash.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)

from portintel.adapters.database.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

UTC = UtcDateTime()  # aware UTC in, aware UTC out, on both backends

agencies = Table(
    "agencies",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UTC, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("totp_secret", String(64), nullable=True),
    # the last TOTP time step accepted: a one-time code is refused a second time
    Column("totp_last_step", BigInteger, nullable=True),
    # a new secret shown to the user, in force only once they confirm a first code with it
    Column("totp_pending_secret", String(64), nullable=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", UTC, nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("last_login_at", UTC, nullable=True),
    # the interface language (a code of portintel.domain.languages.LANGUAGES) and IANA time
    # zone the user chose on their account page; NULL: the browser's language, the node's zone
    Column("locale", String(16), nullable=True),
    Column("time_zone", String(64), nullable=True),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    # a role name from the roles vocabulary (portintel.domain.actors.Role)
    Column("role", String(32), primary_key=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    # sha256 of the token; the token itself is shown once and never stored
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTC, nullable=False),
    Column("last_used_at", UTC, nullable=True),
    Column("revoked_at", UTC, nullable=True),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTC, nullable=False),
    Column("expires_at", UTC, nullable=False),
    Column("revoked_at", UTC, nullable=True),
    Column("second_factor_done", Boolean, nullable=False, default=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(64), primary_key=True),
    # informant, officer, ais_receiver, partner_node, open_source, public_tip
    Column("kind", String(32), nullable=False),
    # codename shown to everyone who may see the source at all
    Column("reference", String(100), nullable=False, unique=True),
    # the protected identity: only source handlers ever see it; never shared
    Column("protected_identity", Text, nullable=True),
    Column("handler_id", String(64), ForeignKey("users.id"), nullable=True),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=True),
    Column("grading_scheme", String(32), nullable=False),
    Column("reliability", String(8), nullable=False),
    Column("notes", Text, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTC, nullable=False),
    Column("created_by", String(64), nullable=True),
)

reports = Table(
    "reports",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=False, index=True),
    Column("source_id", String(64), ForeignKey("sources.id"), nullable=True, index=True),
    Column("occurred_at", UTC, nullable=True),
    Column("reported_at", UTC, nullable=False),
    Column("place", String(300), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("text", Text, nullable=False),
    Column("grading_scheme", String(32), nullable=False),
    Column("reliability", String(8), nullable=False),
    Column("credibility", String(8), nullable=False),
    Column("reliability_overridden", Boolean, nullable=False, default=False),
    # handling code as "vocabulary:code", e.g. "uk-3x5x2:C", "europol:H2", "tlp:AMBER"
    Column("handling", String(64), nullable=False),
    Column("handling_conditions", Text, nullable=True),
    # whether the handling code restricts readers (need-to-know rule 4): computed from
    # the handling vocabulary whenever the handling is written, so reads filter in SQL;
    # a row written without saying is restrictive (fails closed)
    Column("restrictive", Boolean, nullable=False, server_default=true()),
    Column("tlp", String(32), nullable=True),
    Column("category", String(64), nullable=True),
    # draft, submitted, evaluated, disseminated, archived
    Column("status", String(16), nullable=False, index=True),
    # where the report came from when not typed in here (partner node, import file)
    Column("origin_node", String(100), nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("updated_at", UTC, nullable=False),
    # the report list: newest first, by page
    Index("ix_reports_reported", "reported_at", "id"),
    # readers of one agency (need-to-know rule 3)
    Index("ix_reports_agency_status", "agency_id", "status"),
    # a reader's scope decided from the index alone: joins from statements and counts
    Index("ix_reports_scope", "id", "status", "agency_id", "author_id", "restrictive"),
)

report_releasable_to = Table(
    "report_releasable_to",
    metadata,
    # agencies beyond the author's that may read a restrictive report (rule 4)
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
    Column("agency_id", String(64), ForeignKey("agencies.id"), primary_key=True),
)

report_events = Table(
    "report_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=False, index=True),
    Column("action", String(32), nullable=False),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=True),
    Column("actor_id", String(64), ForeignKey("users.id"), nullable=True),
    Column("at", UTC, nullable=False),
    Column("note", Text, nullable=True),
    Column("detail", JSON, nullable=True),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=False, index=True),
    # content address: the file lives at attachments/<sha256[:2]>/<sha256>
    Column("sha256", String(64), nullable=False, index=True),
    Column("filename", String(300), nullable=False),
    Column("media_type", String(200), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", UTC, nullable=False),
    Column("created_by", String(64), ForeignKey("users.id"), nullable=True),
)

statements = Table(
    "statements",
    metadata,
    # deterministic: hash of dataset, entity, property, value and origin
    Column("id", String(64), primary_key=True),
    Column("entity_id", String(128), nullable=False),
    Column("canonical_id", String(128), nullable=False),
    Column("schema", String(64), nullable=False),
    Column("prop", String(64), nullable=False),
    Column("prop_type", String(32), nullable=False),
    # cleaned value; for an invalid value the raw text, with invalid_reason set
    Column("value", Text, nullable=False),
    Column("original_value", Text, nullable=True),
    Column("lang", String(8), nullable=True),
    Column("dataset", String(100), nullable=False),
    # the report the fact comes from (or "ais:<source>", "import:<batch>")
    Column("origin", String(128), nullable=False),
    Column("external", Boolean, nullable=False, default=False),
    Column("first_seen", UTC, nullable=False),
    Column("last_seen", UTC, nullable=False),
    # per-statement overrides; null means inherited from the report
    Column("grading_scheme", String(32), nullable=True),
    Column("reliability", String(8), nullable=True),
    Column("credibility", String(8), nullable=True),
    Column("handling", String(64), nullable=True),
    Column("invalid_reason", Text, nullable=True),
    # whether the statement's own handling restricts readers (rule 5); false when inherited
    Column("restrictive", Boolean, nullable=False, server_default=true()),
    Index("ix_statements_entity_prop", "entity_id", "prop"),
    # entity lists walk canonical ids in order and decide visibility from the index alone
    Index("ix_statements_canonical_scope", "canonical_id", "schema", "origin", "restrictive"),
    # an entity page reads its statements from this index alone (migration 0013)
    Index(
        "ix_statements_entity_page",
        "canonical_id",
        "prop",
        "first_seen",
        "id",
        "schema",
        "origin",
        "restrictive",
        "value",
        "invalid_reason",
    ),
    Index("ix_statements_origin", "origin"),
    Index("ix_statements_prop_value", "prop", "value"),
    # merged statements only (entity_id names an entity merged into canonical_id): an
    # entity's read asks for them by entity_id without fetching every statement it has
    Index(
        "ix_statements_merged",
        "entity_id",
        "canonical_id",
        "origin",
        "restrictive",
        sqlite_where=text("canonical_id <> entity_id"),
        postgresql_where=text("canonical_id <> entity_id"),
    ),
)

search_keys = Table(
    "search_keys",
    metadata,
    # words two spellings of a name, or two writings of an identifier, share (migration 0018,
    # see portintel.adapters.database.search); one row per name or identifier statement
    Column("statement_id", String(64), primary_key=True),
    Column("keys", Text, nullable=False),
)

report_words = Table(
    "report_words",
    metadata,
    # the words of a report's title and text for full-text search (migration 0022, see
    # portintel.adapters.database.fulltext); one row per report
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
    Column("words", Text, nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=True, index=True),
    Column("occurred_at", UTC, nullable=False),
    Column("place", String(300), nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    # detected, intercepted, rescued, capsized
    Column("kind", String(32), nullable=False),
    Column("vessel_entity_id", String(128), nullable=True),
    Column("migrants", Integer, nullable=False),
    Column("minors", Integer, nullable=False, default=0),
    Column("deaths", Integer, nullable=False, default=0),
    Column("missing", Integer, nullable=False, default=0),
    Column("nationalities", JSON, nullable=False),
    Column("route", String(300), nullable=True),
    Column("departure", String(200), nullable=True),
    Column("destination", String(200), nullable=True),
    Column("fee_usd", Integer, nullable=True),
    Column("created_at", UTC, nullable=False),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("filename", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("actor_id", String(64), ForeignKey("users.id"), nullable=True),
    Column("started_at", UTC, nullable=False),
    Column("finished_at", UTC, nullable=True),
    Column("rows_total", Integer, nullable=False, default=0),
    Column("rows_imported", Integer, nullable=False, default=0),
    Column("rows_rejected", Integer, nullable=False, default=0),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(64), ForeignKey("import_batches.id"), nullable=True, index=True),
    Column("kind", String(32), nullable=False),
    Column("location", String(500), nullable=False),
    Column("line", Integer, nullable=True),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("created_at", UTC, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "seq",
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("at", UTC, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object_type", String(64), nullable=True),
    Column("object_id", String(128), nullable=True),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_log_object", "object_type", "object_id"),
    Index("ix_audit_log_actor", "actor"),
)

node_keys = Table(
    "node_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("created_at", UTC, nullable=False),
)

# Signed checkpoints of the audit chain's head (domain.audit_checkpoints); the
# signature is made with the node key, which is never stored in the database.
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("node", String(100), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("entries", BigInteger, nullable=False),
    Column("at", UTC, nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("signature", String(64), nullable=False),
)

# Refused reads not yet summarised in the audit log: one row per actor, object
# type and minute (services.audit.denials), so a flood of probes costs the log
# two entries per minute instead of one per probe.
audit_denials = Table(
    "audit_denials",
    metadata,
    Column("actor", String(100), primary_key=True),
    Column("object_type", String(64), primary_key=True),
    Column("window_start", UTC, primary_key=True),
    Column("refused", Integer, nullable=False),
    Column("last_at", UTC, nullable=False),
    Column("sample", Text, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("state", String(16), nullable=False),
    Column("arguments", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("enqueued_at", UTC, nullable=False),
    Column("started_at", UTC, nullable=True),
    Column("finished_at", UTC, nullable=True),
    Column("lease_until", UTC, nullable=True),
    Column("worker", String(200), nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_jobs_enqueued_at", "enqueued_at"),
    Index("ix_jobs_state_lease", "state", "lease_until"),
)
"""Every job enqueued, written by the job wrapper: what administrators see, and the lease
that lets a restarted worker queue again a job whose worker died mid-run."""

analyst_areas = Table(
    "analyst_areas",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("geometry", JSON, nullable=False),
    Column("created_by", String(64), ForeignKey("users.id"), nullable=False),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=False),
    Column("created_at", UTC, nullable=False),
    Index("ix_analyst_areas_agency_id", "agency_id"),
)
"""Polygons analysts draw on the map (GeoJSON, WGS84), read within the creator's agency."""

report_suggestions = Table(
    "report_suggestions",
    metadata,
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
    Column("suggestion_id", String(40), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("decided_value", Text, nullable=True),
    Column("rule_id", String(64), nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("rules_version", String(32), nullable=False),
    Column("decided_by", String(64), ForeignKey("users.id"), nullable=True),
    Column("decided_at", UTC, nullable=False),
    Column("statement_ids", JSON, nullable=True),
)
"""Decisions on extraction suggestions (accepted, edited, rejected): a decided suggestion is
not proposed again, and an accepted one names the statements it became."""

xref_candidates = Table(
    "xref_candidates",
    metadata,
    # the pair in id order; entity ids are canonical ids at the time of the run
    Column("left_id", String(128), primary_key=True),
    Column("right_id", String(128), primary_key=True),
    Column("score", Float, nullable=False),
    # merge or review (pairs decided none are not kept)
    Column("decision", String(8), nullable=False),
    Column("rule", String(64), nullable=True),
    Column("version", String(32), nullable=False),
    Column("computed_at", UTC, nullable=False),
    Index("ix_xref_candidates_right", "right_id"),
    Index("ix_xref_candidates_queue", "decision", "score"),
)
"""Pairs proposed by the cross-referencing job (as the system, over every entity). Kept
without values or explanations: a reader's queue decides each pair again within the
reader's scope (:func:`portintel.services.collation.xref_queue.review_queue`)."""

port_edits = Table(
    "port_edits",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("port_id", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("licence", String(200), nullable=False),
    Column("note", Text, nullable=True),
    Column("created_by", String(64), ForeignKey("users.id"), nullable=False),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=False),
    Column("created_at", UTC, nullable=False),
    Index("ix_port_edits_port_id", "port_id"),
)
"""Analysts' additions and corrections to the ports gazetteer, one row per edit, never
updated: the latest row of a ``port_id`` is the entry in force, the shipped file untouched."""

judgements = Table(
    "judgements",
    metadata,
    Column("id", String(64), primary_key=True),
    # the pair in id order; entity ids are the statements' own ids, never canonical ids
    Column("left_id", String(128), nullable=False),
    Column("right_id", String(128), nullable=False),
    # same, different or unsure
    Column("verdict", String(16), nullable=False),
    # a user's id, or "system" for an automatic rule (then rule names it, id@version)
    Column("judged_by", String(64), nullable=False),
    Column("rule", String(64), nullable=True),
    Column("reason", Text, nullable=True),
    Column("judged_at", UTC, nullable=False),
    # undone: the judgement stays as history and no longer counts
    Column("retracted_at", UTC, nullable=True),
    Column("retracted_by", String(64), nullable=True),
    Index("ix_judgements_pair", "left_id", "right_id"),
    Index("ix_judgements_right", "right_id"),
)
"""Every judgement ever made on a pair of entities, never deleted: the latest unretracted
one of a pair is in force (:mod:`portintel.domain.resolution`)."""

entity_summaries = Table(
    "entity_summaries",
    metadata,
    # the statements of one entity (their canonical id) of one schema from one origin with
    # one restrictiveness, summed up: need-to-know decides a statement from its origin's
    # report and its own restrictiveness alone, so a reader's scope applies to these rows
    # exactly as to the statements they sum (kept by ``entity_summaries.refresh``)
    Column("entity_id", String(128), primary_key=True),
    Column("schema", String(64), primary_key=True),
    Column("origin", String(128), primary_key=True),
    Column("restrictive", Boolean, primary_key=True),
    Column("statements", Integer, nullable=False),
    Column("last_seen", UTC, nullable=False),
    # the smallest lower-cased valid name: the list's sort by name
    Column("sort_name", Text, nullable=True),
    # whether a report of that id existed when the row was summed (reports are never
    # deleted): the rows of no report are few, a narrow reader's list reads them by this
    Column("reported", Boolean, nullable=False),
    # the origin's report as need-to-know reads it (null: no report), copied so that a
    # reader's scope is decided on the row alone; kept when the report changes
    Column("report_status", String(16), nullable=True),
    Column("report_agency", String(64), nullable=True),
    Column("report_author", String(64), nullable=True),
    Column("report_restrictive", Boolean, nullable=True),
    Index("ix_entity_summaries_origin", "origin", "restrictive"),
    Index("ix_entity_summaries_unreported", "reported", "entity_id"),
)
"""Per-entity sums of the statements, one row per (entity, schema, origin,
restrictiveness): what the entity list reads instead of the statements."""

entity_summary_captions = Table(
    "entity_summary_captions",
    metadata,
    # the first valid value (by first seen, then id) of each caption property of one
    # entity from one origin with one restrictiveness: the list's captions
    Column("entity_id", String(128), primary_key=True),
    Column("origin", String(128), primary_key=True),
    Column("restrictive", Boolean, primary_key=True),
    Column("prop", String(64), primary_key=True),
    Column("first_seen", UTC, nullable=False),
    Column("statement_id", String(64), nullable=False),
    Column("value", Text, nullable=False),
    # an entity's first values of a property, in order: a list's caption stops at the first
    # the reader may read
    Index("ix_entity_summary_captions_first", "entity_id", "prop", "first_seen", "statement_id"),
)

entity_bounds = Table(
    "entity_bounds",
    metadata,
    # one row per (entity, schema it has a statement of), with the entity's sums over
    # every statement whoever may read them: no reader's count is above them, so a list
    # sorted by one of them walks these in order and stops after a page
    Column("entity_id", String(128), primary_key=True),
    Column("schema", String(64), primary_key=True),
    Column("statements", Integer, nullable=False),
    Column("reports", Integer, nullable=False),
    Column("last_seen", UTC, nullable=False),
    Column("sort_name", Text, nullable=True),
    Index("ix_entity_bounds_reports", "reports", "entity_id"),
    Index("ix_entity_bounds_statements", "statements", "entity_id"),
    Index("ix_entity_bounds_last_seen", "last_seen", "entity_id"),
    Index("ix_entity_bounds_sort_name", "sort_name", "entity_id"),
    Index("ix_entity_bounds_schema_reports", "schema", "reports", "entity_id"),
    Index("ix_entity_bounds_schema_statements", "schema", "statements", "entity_id"),
    Index("ix_entity_bounds_schema_last_seen", "schema", "last_seen", "entity_id"),
    Index("ix_entity_bounds_schema_sort_name", "schema", "sort_name", "entity_id"),
)

entity_resolution = Table(
    "entity_resolution",
    metadata,
    # one row per entity that belongs to a cluster of two or more; a lone entity has none
    Column("entity_id", String(128), primary_key=True),
    Column("canonical_id", String(128), nullable=False),
    Index("ix_entity_resolution_canonical", "canonical_id"),
)
"""Which canonical entity each merged entity belongs to: derived from ``judgements``
(rebuilt after each one), never from statements, which a merge leaves untouched."""

partners = Table(
    "partners",
    metadata,
    Column("id", String(64), primary_key=True),
    # the partner node's name among nodes, e.g. TH-PIU-RNG: unique
    Column("name", String(100), nullable=False, unique=True),
    # PIU, CAU, BLO, international (portintel.domain.sharing.NodeKind)
    Column("kind", String(32), nullable=False),
    Column("country", String(2), nullable=False),
    Column("taxii_url", String(500), nullable=True),
    # "ed25519:<base64>" and its "SHA256:<hex>" fingerprint
    Column("public_key", String(100), nullable=True),
    Column("fingerprint", String(80), nullable=True),
    # the TAXII credential sealed with the node secret (AES-GCM); never stored in clear
    Column("credential_sealed", LargeBinary, nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("created_by", String(100), nullable=False),
)
"""Partner nodes registered by an administrator (issue #13)."""

partner_agreements = Table(
    "partner_agreements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    # sorted lists: handling codes "vocabulary:code", TLP codes, categories
    Column("handling_codes", JSON, nullable=False),
    Column("tlp_levels", JSON, nullable=False),
    Column("categories", JSON, nullable=False),
    # whether personal data of victims or minors may go
    Column("personal_data", Boolean, nullable=False, default=False),
    # pull or push
    Column("delivery", String(8), nullable=False),
    Column("expires_at", UTC, nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("created_by", String(100), nullable=False),
)
"""What each partner may receive (domain.sharing.Agreement); the policy reads them."""

disseminations = Table(
    "disseminations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    # pending until a supervisor (not the requester) approves it
    Column("status", String(16), nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("requested_at", UTC, nullable=False),
    Column("approved_by", String(64), nullable=True),
    Column("approved_at", UTC, nullable=True),
    Column("note", Text, nullable=True),
)
"""An analyst's request to send reports (and their entities) to one partner (issue #13)."""

dissemination_reports = Table(
    "dissemination_reports",
    metadata,
    Column(
        "dissemination_id",
        String(64),
        ForeignKey("disseminations.id"),
        primary_key=True,
    ),
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
)
"""The reports an analyst selected; the package holds what the partner's view allows of them."""

outgoing_packages = Table(
    "outgoing_packages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "dissemination_id",
        String(64),
        ForeignKey("disseminations.id"),
        nullable=False,
        unique=True,
    ),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    Column("agreement_id", String(64), nullable=True),
    Column("bundle_id", String(100), nullable=False),
    # the signed bytes: bundle_text() of the STIX 2.1 bundle, and their SHA-256
    Column("bundle", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    # the node key's "SHA256:<hex>" fingerprint and the detached Ed25519 signature (base64)
    Column("fingerprint", String(80), nullable=False),
    Column("signature", String(100), nullable=False),
    # the same selection as an FtM JSON document (canonical text) and its signature by the
    # same key: the second format between portintel nodes; None before it existed
    Column("ftm", Text, nullable=True),
    Column("ftm_signature", String(100), nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("acknowledged_at", UTC, nullable=True),
    Column("acknowledged_by", String(64), nullable=True),
)
"""Signed packages made available to a partner: one per approved dissemination."""

package_items = Table(
    "package_items",
    metadata,
    Column("package_id", String(64), ForeignKey("outgoing_packages.id"), primary_key=True),
    # "report" or "statement"
    Column("kind", String(16), primary_key=True),
    Column("item_id", String(128), primary_key=True),
    Index("ix_package_items_item_id", "item_id"),
)
"""Exactly what each package carries: a report's recipients are read from here."""

package_feedback = Table(
    "package_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("package_id", String(64), ForeignKey("outgoing_packages.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UTC, nullable=False),
    Index("ix_package_feedback_package_id", "package_id"),
)
"""What a partner later said it did with a package ("used in operation X")."""

watch_entries = Table(
    "watch_entries",
    metadata,
    Column("id", String(64), primary_key=True),
    # vessel, person, phone, organisation
    Column("kind", String(16), nullable=False),
    Column("names", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("owner_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=False),
    Column("handling", String(64), nullable=False),
    Column("restrictive", Boolean, nullable=False),
    Column("expires_at", UTC, nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("removed_at", UTC, nullable=True),
    Column("removed_by", String(64), nullable=True),
    Index("ix_watch_entries_kind", "kind"),
)
"""Watchlist entries; a removed entry is kept (``removed_at``) with its hits."""

watch_identifiers = Table(
    "watch_identifiers",
    metadata,
    Column("entry_id", String(64), ForeignKey("watch_entries.id"), primary_key=True),
    # imo, mmsi, phone, passport
    Column("kind", String(16), primary_key=True),
    Column("value", String(64), primary_key=True),
    Index("ix_watch_identifiers_value", "value"),
)
"""An entry's identifiers, cleaned as intake cleans them: exact matching is an index look-up."""

watch_hits = Table(
    "watch_hits",
    metadata,
    # hash of entry, entity and what matched: a hit is recorded once (alerts key on it)
    Column("cause_key", String(32), primary_key=True),
    Column("entry_id", String(64), ForeignKey("watch_entries.id"), nullable=False),
    Column("entity_id", String(128), nullable=False),
    Column("schema", String(64), nullable=False),
    # identifier or name
    Column("method", String(16), nullable=False),
    Column("matched", Text, nullable=False),
    Column("score", Float, nullable=False),
    # entities (a sweep), ais (static data as it arrived), report (a report as filed)
    Column("found_by", String(16), nullable=False),
    Column("origin", String(128), nullable=True),
    Column("hit_at", UTC, nullable=False),
    Index("ix_watch_hits_entry_id", "entry_id"),
    Index("ix_watch_hits_entity_id", "entity_id"),
)
"""Watchlist hits: which entity matched which entry, how, and where it was first seen."""

risk_subjects = Table(
    "risk_subjects",
    metadata,
    Column("mmsi", BigInteger, primary_key=True),
    # "" for the vessel's own recent window, else the voyage's id
    Column("voyage_id", String(32), primary_key=True),
    Column("window_start", UTC, nullable=False),
    Column("window_end", UTC, nullable=False),
    Column("departed_at", UTC, nullable=True),
    Column("arrived_at", UTC, nullable=True),
    Column("from_port", String(200), nullable=True),
    Column("to_port", String(200), nullable=True),
    Column("indicator_version", String(64), nullable=False),
    Column("computed_at", UTC, nullable=False),
)
"""What was scored: each vessel's recent window and its voyages, and when."""

risk_reasons = Table(
    "risk_reasons",
    metadata,
    # hash of the set version, indicator, vessel, voyage and evidence: stable across runs
    Column("cause_key", String(32), primary_key=True),
    Column("mmsi", BigInteger, nullable=False),
    Column("voyage_id", String(32), nullable=False),
    Column("indicator_id", String(64), nullable=False),
    Column("indicator_version", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("weight", Float, nullable=False),
    Column("observed_at", UTC, nullable=True),
    # when this cause first fired: kept while recomputations find it again
    Column("fired_at", UTC, nullable=False),
    Index("ix_risk_reasons_subject", "mmsi", "voyage_id"),
)
"""Fired indicators (reasons); a subject's score is the sum of the reasons a reader may see."""

risk_evidence = Table(
    "risk_evidence",
    metadata,
    Column("cause_key", String(32), ForeignKey("risk_reasons.cause_key"), primary_key=True),
    # event, track, statement, report, incident, watchlist
    Column("kind", String(16), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("report_id", String(64), nullable=True),
    Column("label", Text, nullable=False),
    # an area entry or exit: the analyst area it names (hidden from other agencies)
    Column("area_id", String(64), nullable=True),
    Index("ix_risk_evidence_item", "item_id"),
)
"""What each reason rests on: a reason is shown only to a reader who may read all of it."""

alerts = Table(
    "alerts",
    metadata,
    # increasing: the live stream's event id (a client resumes after the last one it saw)
    Column("id", Integer, primary_key=True, autoincrement=True),
    # "hit:", "score:" or "behaviour:" and a hash of the cause: an alert is raised once
    Column("cause_key", String(80), nullable=False, unique=True),
    # watchlist_hit, score, behaviour
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("entity_id", String(128), nullable=True),
    Column("mmsi", BigInteger, nullable=True),
    Column("voyage_id", String(32), nullable=True),
    Column("entry_id", String(64), nullable=True),
    Column("event_id", String(64), nullable=True),
    Column("score", Float, nullable=True),
    # the reasons at the time it was raised: [{indicator_id, description, weight}]
    Column("reasons", JSON, nullable=False),
    Column("handling", String(64), nullable=True),
    Column("raised_at", UTC, nullable=False),
    # open, acknowledged, closed
    Column("status", String(16), nullable=False),
    Column("acknowledged_at", UTC, nullable=True),
    Column("acknowledged_by", String(64), nullable=True),
    Column("assigned_to", String(64), ForeignKey("users.id"), nullable=True),
    Column("assigned_at", UTC, nullable=True),
    Column("assigned_by", String(64), nullable=True),
    Column("closed_at", UTC, nullable=True),
    Column("closed_by", String(64), nullable=True),
    Column("close_note", Text, nullable=True),
    Column("updated_at", UTC, nullable=False),
    Index("ix_alerts_status", "status", "id"),
    Index("ix_alerts_assigned_to", "assigned_to"),
    Index("ix_alerts_mmsi", "mmsi"),
)
"""Alerts: raised once per cause, acknowledged, assigned and closed with a note."""

alert_evidence = Table(
    "alert_evidence",
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    # event, track, statement, report, incident, watchlist (as risk_evidence)
    Column("kind", String(16), primary_key=True),
    Column("item_id", String(200), primary_key=True),
    Column("report_id", String(64), nullable=True),
    Column("label", Text, nullable=False),
    Column("area_id", String(64), nullable=True),
    Index("ix_alert_evidence_item", "item_id"),
)
"""What an alert rests on: it reaches only a reader who may read all of it."""

alert_preferences = Table(
    "alert_preferences",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("email", String(320), nullable=True),
    Column("by_email", Boolean, nullable=False),
    Column("updated_at", UTC, nullable=False),
)
"""Each user's address for alerts by e-mail and whether they want them."""

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    # webhook, email
    Column("channel", String(16), primary_key=True),
    # the webhook's URL without secrets, or the user id an e-mail went to
    Column("recipient", String(320), primary_key=True),
    # sending, sent, failed
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("updated_at", UTC, nullable=False),
)
"""Outbound deliveries of alerts: each sent once per recipient, its attempts and last error."""

alert_changes = Table(
    "alert_changes",
    metadata,
    # increasing: the live stream's cursor of changes (a client resumes after the last one)
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("changed_at", UTC, nullable=False),
)
"""Each acknowledgement, assignment and closure of an alert, in order: the live lists follow it."""
partner_keys = Table(
    "partner_keys",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.id"), primary_key=True),
    Column("fingerprint", String(80), primary_key=True),
    Column("public_key", String(100), nullable=False),
    Column("retired_at", UTC, nullable=False),
    Column("retired_by", String(100), nullable=False),
)
"""A partner's retired public keys: what it signed before a rotation still verifies."""

receipts = Table(
    "receipts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    # where the objects came from: a package file's name, or "taxii"
    Column("source", String(500), nullable=False),
    Column("received_at", UTC, nullable=False),
    Column("received_by", String(64), nullable=False),
    Column("objects", Integer, nullable=False),
    Column("imported", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
)
"""One delivery from a partner (a package file or a TAXII page) and what became of it."""

received_objects = Table(
    "received_objects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("receipt_id", String(64), ForeignKey("receipts.id"), nullable=False, index=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False),
    Column("stix_id", String(200), nullable=False),
    Column("stix_type", String(100), nullable=False),
    # the STIX version exactly as sent ("modified", else "created"); "" when it has neither
    Column("modified", String(40), nullable=False),
    # SHA-256 of the object's canonical text: the same bytes twice are received once
    Column("sha256", String(64), nullable=False),
    # imported, superseded, withdrawn, quarantined, ignored (portintel.services.sharing.receiving)
    Column("outcome", String(16), nullable=False),
    Column("reason", Text, nullable=True),
    Column("fingerprint", String(80), nullable=True),
    # the local report a received report became (statements' origin)
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=True, index=True),
    # the sender's own report id (provenance shown in the inbox)
    Column("sender_ref", String(200), nullable=True),
    Column("raw", Text, nullable=False),
    Column("received_at", UTC, nullable=False),
    UniqueConstraint("partner_id", "sha256", name="uq_received_objects_partner_sha256"),
    Index("ix_received_objects_partner_stix", "partner_id", "stix_id", "outcome"),
)
"""Every STIX object a partner sent, verified or quarantined with its reason (issue #13)."""
taxii_objects = Table(
    "taxii_objects",
    metadata,
    # monotonic, assigned under the publishing lock: the paging cursor (``next``) of TAXII
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    # the collection: one per agreement (its TAXII id is derived from this id)
    Column("agreement_id", String(64), nullable=False),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False),
    Column("object_id", String(200), nullable=False),
    Column("object_type", String(100), nullable=False),
    Column("spec_version", String(8), nullable=False),
    # the object's modified (created when never versioned), as written and as an instant
    Column("version", String(40), nullable=False),
    Column("version_at", UTC, nullable=False),
    Column("date_added", UTC, nullable=False),
    # whether this is the newest / the oldest version of the object in the collection
    Column("is_last", Boolean, nullable=False),
    Column("is_first", Boolean, nullable=False),
    # the object's JSON exactly as in the signed bundle of the package that published it
    Column("object", Text, nullable=False),
    Column("package_id", String(64), ForeignKey("outgoing_packages.id"), nullable=False),
    Index("ix_taxii_objects_collection_seq", "agreement_id", "seq"),
    Index(
        "ix_taxii_objects_collection_object", "agreement_id", "object_id", "version_at", unique=True
    ),
    Index("ix_taxii_objects_package_id", "package_id"),
)
"""What each partner's TAXII collections serve: the objects of its approved packages (#13)."""

taxii_tokens = Table(
    "taxii_tokens",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    # sha256 of the token this node issued to the partner; the token itself is shown once
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTC, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("last_used_at", UTC, nullable=True),
    Column("revoked_at", UTC, nullable=True),
)
"""Credentials this node issued to partners for its TAXII server; they reach nothing else."""
sync_checkpoints = Table(
    "sync_checkpoints",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.id"), primary_key=True),
    # the collection's id on the partner's TAXII server
    Column("collection_id", String(200), primary_key=True),
    # where the next pull starts: the server's cursor mid-collection, else added_after
    Column("added_after", String(40), nullable=True),
    Column("cursor", Text, nullable=True),
    Column("objects", Integer, nullable=False, default=0),
    Column("pages", Integer, nullable=False, default=0),
    Column("updated_at", UTC, nullable=False),
)
"""How far this node has pulled each partner collection (issue #13): a sync resumes here."""

products = Table(
    "products",
    metadata,
    # strategic and tactical products (issue #16): threat assessments, bulletins, profiles
    Column("id", String(64), primary_key=True),
    # threat_assessment, intelligence_bulletin, target_profile, network_profile
    Column("template", String(32), nullable=False),
    Column("title", String(300), nullable=False),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("agency_id", String(64), ForeignKey("agencies.id"), nullable=False),
    # draft, submitted, approved (read like a report's draft, submitted, evaluated)
    Column("status", String(16), nullable=False, index=True),
    # the handling the author chose, and the one the product carries: at least the most
    # restrictive of what it embeds
    Column("chosen_handling", String(64), nullable=False),
    Column("handling", String(64), nullable=False),
    Column("restrictive", Boolean, nullable=False, server_default=true()),
    # [{"heading": ..., "text": ...}] and [{"kind": "chart"|"map"|"statistics", ...}]
    Column("sections", JSON, nullable=False),
    Column("items", JSON, nullable=False),
    # the body as approved, frozen: what the supervisor approved is what prints
    Column("approved_body", Text, nullable=True),
    Column("approved_by", String(64), ForeignKey("users.id"), nullable=True),
    Column("approved_at", UTC, nullable=True),
    Column("note", Text, nullable=True),
    Column("created_at", UTC, nullable=False),
    Column("updated_at", UTC, nullable=False),
)

package_pushes = Table(
    "package_pushes",
    metadata,
    Column("package_id", String(64), ForeignKey("outgoing_packages.id"), primary_key=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    Column("collection_id", String(200), nullable=False),
    # the TAXII status id the partner's server answered
    Column("status_id", String(200), nullable=False),
    Column("objects", Integer, nullable=False),
    Column("pushed_at", UTC, nullable=False),
)
"""Packages pushed to a partner whose agreement says push: each is pushed once."""

push_recipients = Table(
    "push_recipients",
    metadata,
    Column("partner_id", String(64), ForeignKey("partners.id"), primary_key=True),
    # the analyst or supervisor under whom what the partner pushes is filed (their agency)
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("set_at", UTC, nullable=False),
    Column("set_by", String(100), nullable=False),
)
"""Who receives what a partner pushes into its inbox collection here (issue #13)."""

push_statuses = Table(
    "push_statuses",
    metadata,
    # the TAXII status id answered to the partner's POST (a UUID)
    Column("id", String(64), primary_key=True),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False, index=True),
    Column("receipt_id", String(64), ForeignKey("receipts.id"), nullable=True),
    Column("requested_at", UTC, nullable=False),
    # [{"id", "version"}] received or held already; [{"id", "version", "message"}] refused
    Column("successes", JSON, nullable=False),
    Column("failures", JSON, nullable=False),
    Column("pending", JSON, nullable=False),
)
"""The TAXII status of each push a partner made into its inbox collection here."""

provider_permissions = Table(
    "provider_permissions",
    metadata,
    Column("id", String(64), primary_key=True),
    # the received report, and the partner it may now go to (rule 6 of the sharing policy)
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=False),
    Column("partner_id", String(64), ForeignKey("partners.id"), nullable=False),
    # the node that provided the report (its origin_node), and its reference and date
    Column("provider", String(100), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("granted_on", Date, nullable=False),
    # set when recorded for a whole delivery (a receipt): one row per report of it
    Column("receipt_id", String(64), ForeignKey("receipts.id"), nullable=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UTC, nullable=False),
    UniqueConstraint("report_id", "partner_id", name="uq_provider_permissions_report_partner"),
    Index("ix_provider_permissions_partner_report", "partner_id", "report_id"),
)
"""The providers' permissions to pass received reports on to a partner (issue #13)."""
saved_charts = Table(
    "saved_charts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("owner_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    # how the chart is expanded again for whoever opens it, in their own scope
    Column("root_entity", String(128), nullable=False),
    Column("options", JSON, nullable=False),
    # the analyst's work: positions, pinned, hidden, groups (node ids)
    Column("layout", JSON, nullable=False),
    Column("notes", Text, nullable=False, default=""),
    # at least the most restrictive handling of what the chart showed its author
    Column("handling", String(64), nullable=False),
    Column("handling_conditions", Text, nullable=True),
    # every user of the node may open it (in their own scope), beside the named readers
    Column("shared_with_unit", Boolean, nullable=False, default=False),
    Column("created_at", UTC, nullable=False),
    Column("updated_at", UTC, nullable=False),
)
"""Saved link charts (issue #16): parameters and layout, never the nodes themselves."""

saved_chart_readers = Table(
    "saved_chart_readers",
    metadata,
    Column("chart_id", String(64), ForeignKey("saved_charts.id"), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Index("ix_saved_chart_readers_user_id", "user_id"),
)
"""The colleagues a saved chart is shared with by name."""

tips = Table(
    "tips",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    # the public page's language the tipster wrote in (en, km, th, id, my)
    Column("language", String(8), nullable=False),
    # only what the tipster chose to give; most give nothing
    Column("contact", Text, nullable=True),
    Column("received_at", UTC, nullable=False, index=True),
    # a keyed hash of the sender's address, never the address itself
    Column("address_hash", String(64), nullable=False),
    # the signed challenge the submission answered: one tip per challenge
    Column("challenge_nonce", String(64), nullable=False, unique=True),
    # new, reported (turned into a report) or discarded
    Column("status", String(16), nullable=False, index=True),
    Column("triaged_by", String(64), ForeignKey("users.id"), nullable=True),
    Column("triaged_at", UTC, nullable=True),
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=True),
    Column("discard_reason", Text, nullable=True),
)
"""Public tips (issue #15): the intake queue of the anonymous tip page, apart from reports."""

tip_attempts = Table(
    "tip_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("address_hash", String(64), nullable=False),
    Column("attempted_at", UTC, nullable=False),
    Index("ix_tip_attempts_address_hash_attempted_at", "address_hash", "attempted_at"),
)
"""Each tip sent to the public page, by hashed address: the sliding window of its rate limit."""
comments = Table(
    "comments",
    metadata,
    Column("id", String(64), primary_key=True),
    # report or entity: a comment is read by whoever may read what it is about
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", String(128), nullable=False),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTC, nullable=False),
    Index("ix_comments_subject", "subject_kind", "subject_id", "created_at"),
)
"""Comments on reports and entities (issue #15), threaded by time under what they discuss."""

report_assignments = Table(
    "report_assignments",
    metadata,
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
    Column("assignee_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("assigned_by", String(64), ForeignKey("users.id"), nullable=False),
    Column("assigned_at", UTC, nullable=False),
    Column("deadline", UTC, nullable=True),
    Column("note", Text, nullable=True),
)
"""Who evaluates a submitted report, by when (one assignee at a time; history in the audit)."""

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    # returned, comment, assigned, deadline_near, overdue
    Column("kind", String(32), nullable=False),
    Column("report_id", String(64), nullable=True),
    Column("entity_id", String(128), nullable=True),
    Column("actor_id", String(64), nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", UTC, nullable=False),
    Column("read_at", UTC, nullable=True),
    # a notice raised once (a deadline near, then past): kind, report and deadline
    Column("once_key", String(200), nullable=True, unique=True),
    # pending, sent, failed, skipped; null when no e-mail is due
    Column("mail_status", String(16), nullable=True),
    Index("ix_notifications_user", "user_id", "read_at", "id"),
)
"""Each user's notifications in the app (and by e-mail when configured)."""
tasks = Table(
    "tasks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("priority", String(16), nullable=False),
    Column("deadline", UTC, nullable=True),
    # the handling the answer must carry (``vocabulary:code``) and its conditions
    Column("answer_handling", String(64), nullable=False),
    Column("answer_handling_conditions", Text, nullable=True),
    Column("status", String(16), nullable=False),
    Column("issuer_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    # one of the two: a person, or an agency whose members may all answer
    Column("assignee_user_id", String(64), ForeignKey("users.id"), nullable=True, index=True),
    Column("assignee_agency_id", String(64), ForeignKey("agencies.id"), nullable=True, index=True),
    Column("created_at", UTC, nullable=False),
    Column("updated_at", UTC, nullable=False),
    Column("closed_at", UTC, nullable=True),
    Index("ix_tasks_status_deadline", "status", "deadline"),
)
"""Tasks and requests for information (issue #15): the question, who answers it, by when."""

task_answers = Table(
    "task_answers",
    metadata,
    Column("task_id", String(64), ForeignKey("tasks.id"), primary_key=True),
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
    Column("linked_by", String(64), ForeignKey("users.id"), nullable=False),
    Column("linked_at", UTC, nullable=False),
    Index("ix_task_answers_report_id", "report_id"),
)
"""The reports that answer a task; each keeps its own need-to-know."""

task_events = Table(
    "task_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", String(64), ForeignKey("tasks.id"), nullable=False, index=True),
    Column("step", String(16), nullable=False),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("actor_id", String(64), ForeignKey("users.id"), nullable=True),
    Column("at", UTC, nullable=False),
    Column("note", Text, nullable=True),
    # the answering report of an ``answer`` step (shown only to who may read it)
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=True),
)
"""A task's history: issued, answered, closed, reopened, cancelled, with who, when and why."""

__all__ = [
    "agencies",
    "alert_changes",
    "alert_deliveries",
    "alert_evidence",
    "alert_preferences",
    "alerts",
    "analyst_areas",
    "api_tokens",
    "attachments",
    "audit_checkpoints",
    "audit_denials",
    "audit_log",
    "comments",
    "dissemination_reports",
    "disseminations",
    "entity_resolution",
    "import_batches",
    "incidents",
    "jobs",
    "judgements",
    "metadata",
    "node_keys",
    "notifications",
    "outgoing_packages",
    "package_feedback",
    "package_items",
    "package_pushes",
    "partner_agreements",
    "partner_keys",
    "partners",
    "port_edits",
    "products",
    "provider_permissions",
    "push_recipients",
    "push_statuses",
    "quarantine",
    "receipts",
    "received_objects",
    "report_assignments",
    "report_events",
    "report_releasable_to",
    "report_suggestions",
    "reports",
    "risk_evidence",
    "risk_reasons",
    "risk_subjects",
    "sources",
    "statements",
    "sync_checkpoints",
    "task_answers",
    "task_events",
    "tasks",
    "taxii_objects",
    "taxii_tokens",
    "tip_attempts",
    "tips",
    "user_roles",
    "users",
    "watch_entries",
    "watch_hits",
    "watch_identifiers",
    "web_sessions",
    "xref_candidates",
]
