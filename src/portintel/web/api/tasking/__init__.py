"""The tasking capability's API: tasks and requests for information."""
