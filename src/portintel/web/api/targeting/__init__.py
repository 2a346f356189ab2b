"""The targeting API: risk scores and watchlists."""
