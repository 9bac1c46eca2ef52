"""Private file storage: files without a public URL, served only by scoped views.

Evidence of ledger records, study materials and the documents handed in for required
actions all live here (settings.EVIDENCE_ROOT, outside MEDIA_ROOT), so a file outside a
user's scope never leaks through a guessable address.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """The file system under settings.EVIDENCE_ROOT, read at every use (tests move it)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.EVIDENCE_ROOT)

    @property
    def location(self):
        return str(settings.EVIDENCE_ROOT)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; a scoped view serves each one.")


private_storage = PrivateStorage()
