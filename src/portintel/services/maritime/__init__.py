"""Maritime use cases: ingest AIS files and archives, listen to live feeds, vessel registry."""
