"""Sending an exported spreadsheet to the browser as a download."""

from flask import send_file


def spreadsheet_response(spreadsheet):
    """Answer with the spreadsheet as an attachment, streamed from its temporary file (closed once sent)."""
    response = send_file(
        spreadsheet.file, mimetype=spreadsheet.mimetype, as_attachment=True,
        download_name=spreadsheet.filename, conditional=False, etag=False, max_age=0,
    )
    # Exports hold a client's data: never keep a copy in a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
