"""Sharing pages: partners, agreements, disseminations and the dry run."""
