"""An upload handler that stops storing a file as soon as it is over the size limit.

Django would otherwise write the whole 60 MB to a temporary file before the view could
say no. The form puts its CSRF token before the file field, so the token is still read;
the rest of the body is drained unstored. (nginx's client_max_body_size stops it earlier.)
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MARGIN = 64 * 1024  # the multipart envelope and the form's other fields


class LimitedUpload(FileUploadHandler):
    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.body_length = 0
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length or 0
        if self.body_length > self.limit + MARGIN:
            self.too_big = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.too_big:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
