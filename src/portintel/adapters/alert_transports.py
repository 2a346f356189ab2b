"""Where alerts leave the node: a webhook (signed HTTP POST) and e-mail (SMTP).

Each function does one send and maps its library's errors to
:class:`~portintel.errors.UpstreamFailure` (``raise ... from exc``); retrying
is the delivery job's business. Secrets arrive as
:class:`pydantic.SecretStr` and are revealed only to the library that uses
them: they never reach a message, a log or an error.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
from email.message import EmailMessage

import httpx
from pydantic import SecretStr

from portintel.errors import UpstreamFailure

SIGNATURE_HEADER = "X-Portintel-Signature"
TIMEOUT_SECONDS = 10.0


def signature(body: bytes, secret: SecretStr) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``body`` with ``secret`` (as GitHub signs)."""
    digest = hmac.new(secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post_webhook(
    url: str,
    body: bytes,
    *,
    secret: SecretStr | None,
    event_id: str,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """POST ``body`` (JSON) to ``url``; the status code, or UpstreamFailure unless 2xx."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "portintel-alerts/1",
        "X-Portintel-Event": "alert",
        "X-Portintel-Delivery": event_id,
    }
    if secret is not None:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, transport=transport) as client:
            response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise UpstreamFailure(
            f"the alert webhook could not be reached: {type(exc).__name__}",
            hint="check alert_webhook_url and that the receiver is up; it will be retried",
        ) from exc
    if not 200 <= response.status_code < 300:
        raise UpstreamFailure(
            f"the alert webhook answered {response.status_code}",
            hint="the receiver refused the delivery; it will be retried",
        )
    return response.status_code


def send_mail(
    *,
    host: str,
    port: int,
    starttls: bool,
    user: str | None,
    password: SecretStr | None,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
) -> None:
    """Send one plain-text e-mail; UpstreamFailure (without the password) if it fails."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(text)
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS) as server:
            if starttls:
                server.starttls(context=ssl.create_default_context())
            if user:
                server.login(user, password.get_secret_value() if password else "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise UpstreamFailure(
            f"the alert e-mail to {recipient} could not be sent: {type(exc).__name__}",
            hint="check the alert_smtp_* settings; it will be retried",
        ) from exc
