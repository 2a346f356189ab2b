"""Notifications in the app: each user's list, the bell's count, and e-mail when configured.

A notice is written in the same transaction as what causes it (a report
returned, a comment on one's report, an assignment); deadline notices are
raised once each (near: within a day; then past) when the assignee's list or
count is read. Every read is scoped like the thing a notice is about: a notice
about a report or entity the recipient may no longer read is neither listed
nor counted, and none is written for a recipient who cannot read it.

E-mail goes out only when the node has an SMTP server (``alert_smtp_host``)
and the recipient gave an address (their alert settings); the password is
never logged, a failure is logged by its kind only.
"""

from portintel.services.notices.notifications import (
    DEADLINE_NEAR,
    KIND_LABELS,
    NotificationView,
    deliver_mail,
    list_notifications,
    mark_read,
    may_read_entity,
    may_read_report,
    name_of,
    notify,
    unread_count,
)

__all__ = [
    "DEADLINE_NEAR",
    "KIND_LABELS",
    "NotificationView",
    "deliver_mail",
    "list_notifications",
    "mark_read",
    "may_read_entity",
    "may_read_report",
    "name_of",
    "notify",
    "unread_count",
]
