"""Maritime domain: pure functions and data over AIS messages, positions and tracks."""
