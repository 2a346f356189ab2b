"""The TAXII 2.1 server of the node, mounted at ``/taxii2`` (issue #13).

See :mod:`portintel.web.taxii.application` for authentication and media
types, and :mod:`portintel.web.taxii.endpoints` for the endpoints.
"""

from portintel.web.taxii.application import API_ROOT, MOUNT, create_taxii_app

__all__ = ["API_ROOT", "MOUNT", "create_taxii_app"]
