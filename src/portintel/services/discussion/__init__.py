"""Discussion around reports and entities: comment threads and assignment for evaluation.

Comments are read by whoever may read what they discuss (a reader who cannot
read a report can neither see nor count its comments); a supervisor assigns a
submitted report to an analyst or supervisor who may read it, with an
optional deadline. Every comment and assignment is audited and notifies those
concerned (:mod:`portintel.services.notices`).
"""

from portintel.services.discussion.assignments import (
    Assignee,
    AssignmentView,
    assign_report,
    assignees_of,
    assignment_of,
    possible_assignees,
)
from portintel.services.discussion.comments import (
    COMMENT_MAX_CHARS,
    CommentView,
    add_comment,
    list_comments,
)

__all__ = [
    "COMMENT_MAX_CHARS",
    "Assignee",
    "AssignmentView",
    "CommentView",
    "add_comment",
    "assign_report",
    "assignees_of",
    "assignment_of",
    "list_comments",
    "possible_assignees",
]
