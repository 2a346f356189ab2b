"""STIX 2.1 vocabulary data: portintel's extension definitions and the TLP 2.0 markings."""
