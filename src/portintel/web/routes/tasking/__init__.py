"""Pages of the tasking capability: tasks and requests for information."""
