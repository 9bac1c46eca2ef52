class ServiceError(Exception):
    """A write refused for a reason the user can act on; the message is shown as it is."""


class PermissionDenied(ServiceError):
    pass


class StaleRecord(ServiceError):
    """Someone else changed the record after the form was loaded."""
