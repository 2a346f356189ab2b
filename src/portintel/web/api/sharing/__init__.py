"""Sharing API: partners, agreements, disseminations, the dry run, approval, ack and feedback."""
