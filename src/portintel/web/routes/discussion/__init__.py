"""Pages of the discussion around reports and entities: comments, assignment, notifications."""
