"""One typed settings object, built once and passed in.

Sources, strongest first: explicit arguments (the CLI's ``--data-dir``),
environment variables ``PORTINTEL_*``, ``portintel.toml`` in the data
directory, then defaults. Nothing here is a mutable global.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from portintel.errors import ConfigurationError

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path("portintel-data")
SETTINGS_FILE = "portintel.toml"


class Settings(BaseSettings):
    """Configuration of one portintel node."""

    model_config = SettingsConfigDict(
        env_prefix="PORTINTEL_", frozen=True, extra="forbid", populate_by_name=True
    )

    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Where the node keeps its data.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the relational store; SQLite in the data directory if unset.",  # noqa: E501
    )
    node_id: str = Field(default="piu-sihanoukville", description="Dataset name of this node.")
    node_name: str = Field(default="PIU Sihanoukville", description="Display name of this node.")
    time_zone: str = Field(
        default="UTC",
        description=(
            "IANA time zone in which pages show times, such as Asia/Phnom_Penh (times are "
            "stored in UTC; each user may choose another zone on their account page)."
        ),
    )
    # sharing (issue #13): who this node is to its partners
    node_code: str = Field(
        default="KH-PIU-SHV",
        pattern=r"^[A-Z0-9][A-Z0-9-]{1,99}$",
        description="Name of this node among its partners, e.g. KH-PIU-SHV.",
    )
    node_kind: Literal["PIU", "CAU", "BLO", "international"] = Field(
        default="PIU", description="Kind of node: PIU, CAU, BLO or international."
    )
    country: str = Field(
        default="KH", description="ISO 3166-1 alpha-2 country of the node; region hint for phones."
    )
    grading_scheme: str = Field(
        default="admiralty", description="Grading scheme: admiralty, europol or uk-3x5x2."
    )
    handling_vocabulary: str = Field(
        default="uk-3x5x2", description="Handling vocabulary: uk-3x5x2, europol or tlp."
    )
    workflow_file: Path | None = Field(
        default=None,
        description=(
            "YAML file replacing the shipped workflow of reports (states, steps, who takes "
            "each, which need a note; see docs/manual-of-operations.md); checked at start. "
            "Unset: the shipped workflow."
        ),
    )
    agencies: tuple[str, ...] = Field(
        default=(
            "Immigration",
            "Internal Security",
            "Maritime Police",
            "Anti-Human Trafficking and Juvenile Protection",
        ),
        description="Agencies that staff the unit.",
    )
    attachment_max_bytes: int = Field(
        default=25 * 1024 * 1024, description="Largest attachment accepted, in bytes."
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description=(
            "Address at which people reach this node's web pages, such as "
            "https://portintel.piu.example; e-mails and webhooks then carry full links "
            "(unset: they give the page's path only)."
        ),
    )
    secure_cookies: bool = Field(
        default=True, description="Mark cookies Secure (turn off only for plain-HTTP demos)."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Consecutive failed logins after which an account locks."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked account stays locked, in minutes."
    )
    audit_witness: Path | None = Field(
        default=None,
        description=(
            "Witness file (JSON lines) that every audit checkpoint is appended to; put it "
            "off the node (another machine's mount, write-once media). Unset: checkpoints "
            "are stored in the database only."
        ),
    )
    token_failures_per_minute: int = Field(
        default=10,
        ge=1,
        description=(
            "Failed API tokens one client address may present per minute (per web worker); "
            "beyond, it gets 429 until the minute ends."
        ),
    )
    # public tips (issue #15): the anonymous tip page and its leaflet
    tips_per_window: int = Field(
        default=5,
        ge=1,
        description=(
            "Tips one address may send to the public tip page within tip_window_minutes "
            "(a sliding window kept in the database); beyond, it gets 429 with Retry-After."
        ),
    )
    tip_window_minutes: int = Field(
        default=60, ge=1, description="Length of the sliding window of tips_per_window, minutes."
    )
    tip_challenge_bits: int = Field(
        default=16,
        ge=0,
        le=24,
        description=(
            "Proof of work the tip page's script does before a tip is sent: leading zero bits "
            "of a SHA-256 (16 is about a second on a phone); without a script a sum is asked."
        ),
    )
    tip_page_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description=(
            "Address of the public tip page printed on the leaflet and in its QR code, "
            "such as https://tips.piu.example/tip (unset: public_url followed by /tip)."
        ),
    )
    max_body_mb: int = Field(
        default=2,
        ge=1,
        description=(
            "Largest request body (JSON, forms) the web server reads, in MiB; larger ones "
            "are refused with 413 before they are read."
        ),
    )
    max_upload_mb: int = Field(
        default=26,
        ge=1,
        description=(
            "Largest request body of the routes that take a file (report form, attachments), "
            "in MiB; keep it above attachment_max_bytes, for the form around the file."
        ),
    )
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description=(
            "How long the web server waits for the next part of a request body before "
            "answering 408."
        ),
    )
    memory_keep_mb: int = Field(
        default=1024,
        ge=0,
        le=2047,
        description=(
            "Freed memory (MiB) a portintel process keeps for its next batch instead of "
            "returning it to the system (glibc only; about a third faster AIS decoding; "
            "0 keeps the C library's default)."
        ),
    )
    xref_review_threshold: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Cross-referencing score (0 to 1) from which a pair goes to review.",
    )
    xref_merge_rules: tuple[str, ...] = Field(
        default=("vessel-imo@1", "vessel-mmsi-name@1", "person-passport@1", "phone-e164@1"),
        description=(
            "Automatic-merge rules of cross-referencing in force, by versioned id (strong "
            "identifiers only; names alone always go to review); empty turns them all off."
        ),
    )
    plugins: tuple[str, ...] = Field(
        default=(),
        description=(
            "Python modules to load as plugins (hook subscribers and jobs), besides the "
            "installed packages' `portintel` entry points; see docs/hooks-and-jobs.md."
        ),
    )
    job_queue_url: str | None = Field(
        default=None,
        description=(
            "Where the job queue lives: unset for SQLite in the data directory (jobs.sqlite); "
            "redis://HOST:PORT/DB or postgresql://USER@HOST/DB for a unit's server."
        ),
    )
    job_queue_name: str = Field(
        default="portintel",
        min_length=1,
        max_length=64,
        description="Name of the queue in its store (one node, one name; tests use their own).",
    )
    job_lease_seconds: int = Field(
        default=60,
        ge=1,
        description=(
            "How long a running job's lease lasts without a heartbeat; a job whose worker "
            "died is queued again once its lease has run out."
        ),
    )

    # alerts (issue #14): what raises them and where they are delivered
    alert_score_threshold: float = Field(
        default=50.0,
        gt=0,
        description=(
            "Risk score at which a vessel or voyage raises an alert when it crosses it "
            "(the sum of its fired indicators' weights)."
        ),
    )
    alert_behaviours: tuple[str, ...] = Field(
        default=("gap", "loitering", "encounter", "identity_change", "area_entry"),
        description=(
            "Behaviour event types that raise an alert when a vessel on a watchlist shows "
            "them (gap, loitering, encounter, identity_change, area_entry, area_exit, "
            "port_visit, implausible_jump); empty turns them off."
        ),
    )
    alert_webhook_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="URL every alert is POSTed to as JSON; unset: no webhook.",
    )
    alert_webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "Shared secret of the webhook: each delivery carries X-Portintel-Signature, "
            "sha256=HMAC-SHA256 of the body with this secret. Never logged."
        ),
    )
    alert_webhook_user: str | None = Field(
        default=None,
        description=(
            "User whose need-to-know the webhook reads with (it receives only the alerts "
            "that user may read); unset: what an analyst of no agency may read."
        ),
    )
    alert_webhook_attempts: int = Field(
        default=6,
        ge=1,
        le=20,
        description="Attempts of a webhook delivery, each after twice the previous wait.",
    )
    alert_retry_seconds: float = Field(
        default=5.0,
        gt=0,
        description="Wait before the first retry of a failed alert delivery (then doubled).",
    )
    alert_smtp_host: str | None = Field(
        default=None, description="SMTP server that sends alerts by e-mail; unset: no e-mail."
    )
    alert_smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the server.")
    alert_smtp_starttls: bool = Field(
        default=True,
        description="Use STARTTLS with the SMTP server (turn off for a relay on localhost).",
    )
    alert_smtp_user: str | None = Field(default=None, description="SMTP login, if it needs one.")
    alert_smtp_password: SecretStr | None = Field(
        default=None, description="SMTP password. Never logged."
    )
    alert_mail_from: str = Field(
        default="portintel@localhost", description="Sender address of alert e-mails."
    )
    alert_email_roles: tuple[str, ...] = Field(
        default=(),
        description=(
            "Roles whose members receive every alert they may read by e-mail (at the address "
            "on their alert settings page), besides the users who opted in themselves."
        ),
    )

    @field_validator("country")
    @classmethod
    def _upper_country(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError("country must be an ISO 3166-1 alpha-2 code such as KH")
        return value.upper()

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        from portintel.domain.languages import is_time_zone

        if not is_time_zone(value):
            raise ValueError(
                f"time_zone {value!r} is not an IANA time zone; use a name such as "
                "Asia/Phnom_Penh, Asia/Bangkok, Asia/Jakarta or UTC"
            )
        return value

    @model_validator(mode="after")
    def _upload_fits_an_attachment(self) -> Settings:
        if self.max_upload_mb * 1024 * 1024 <= self.attachment_max_bytes:
            raise ValueError(
                f"max_upload_mb ({self.max_upload_mb} MiB) must be larger than "
                f"attachment_max_bytes ({self.attachment_max_bytes} bytes), or no attachment "
                "of the largest allowed size could be uploaded"
            )
        return self

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "portintel.sqlite"

    @property
    def effective_database_url(self) -> str:
        """The database URL in use: the configured one or SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_path}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def tracks_dir(self) -> Path:
        return self.data_dir / "tracks"

    @property
    def job_queue_path(self) -> Path:
        """The SQLite file of the job queue on the embedded default."""
        return self.data_dir / "jobs.sqlite"


def load_settings(data_dir: Path | str | None = None, **overrides: Any) -> Settings:
    """Build the settings once: arguments, then environment, then ``portintel.toml``.

    ``data_dir`` wins over ``PORTINTEL_DATA_DIR``; the TOML file is read from
    whichever data directory results.
    """
    if data_dir is None:
        data_dir = os.environ.get("PORTINTEL_DATA_DIR", str(DEFAULT_DATA_DIR))
    directory = Path(data_dir)
    file_values: dict[str, Any] = {}
    toml_path = directory / SETTINGS_FILE
    if toml_path.exists():
        try:
            file_values = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError(
                f"{toml_path} is not valid TOML: {exc}", hint="fix or remove the file"
            ) from exc
    if file_values.pop("secret_key", None) is not None:
        # sessions are random ids stored hashed and nothing is signed: no key is needed
        logger.warning(
            "%s sets secret_key, which portintel no longer uses; remove it from the file",
            toml_path,
        )
    env_values = {
        key: value
        for key, value in file_values.items()
        if f"PORTINTEL_{key.upper()}" not in os.environ
    }
    try:
        return Settings(**{**env_values, **overrides, "data_dir": directory})
    except ValueError as exc:
        raise ConfigurationError(f"invalid settings: {exc}") from exc
