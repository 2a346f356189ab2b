"""Intake: reports, their filing, attachments, sources, imports, extraction and statements."""
