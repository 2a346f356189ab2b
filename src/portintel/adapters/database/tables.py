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
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
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

__all__ = [
    "agencies",
    "analyst_areas",
    "api_tokens",
    "attachments",
    "audit_checkpoints",
    "audit_denials",
    "audit_log",
    "dissemination_reports",
    "disseminations",
    "entity_resolution",
    "import_batches",
    "incidents",
    "jobs",
    "judgements",
    "metadata",
    "node_keys",
    "outgoing_packages",
    "package_feedback",
    "package_items",
    "package_pushes",
    "partner_agreements",
    "partners",
    "port_edits",
    "quarantine",
    "report_events",
    "report_releasable_to",
    "report_suggestions",
    "reports",
    "sources",
    "statements",
    "user_roles",
    "users",
    "web_sessions",
    "xref_candidates",
]
