class ServiceError(Exception):
    """A write refused for a reason the user can act on; the message is shown as it is.

    `field` names the field the refusal is about, when it is about one: a form shows the
    message beside that field, an import beside that column."""

    def __init__(self, *args, field: str | None = None):
        super().__init__(*args)
        self.field = field

    def add_to(self, form) -> None:
        """Show the refusal on `form`: beside the field it names when the form has it, else
        above the form."""
        form.add_error(self.field if self.field in form.fields else None, str(self))


class PermissionDenied(ServiceError):
    pass


class StaleRecord(ServiceError):
    """Someone else changed the record after the form was loaded."""
