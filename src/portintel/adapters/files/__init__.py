"""Files of the node kept on disk: the content-addressed attachment store."""

from portintel.adapters.files.attachment_store import (
    AttachmentStore,
    StoredFile,
    sanitise_filename,
)

__all__ = ["AttachmentStore", "StoredFile", "sanitise_filename"]
