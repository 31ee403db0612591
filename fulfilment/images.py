"""Serving product images from the database, with cache headers."""

from flask import make_response, request


def image_response(image, max_age=86400):
    """Answer with the image bytes; an unchanged image answers 304 to a conditional request."""
    etag = f"img-{image.id}-{image.created_at:%Y%m%d%H%M%S}"
    if etag in request.if_none_match:
        response = make_response("", 304)
    else:
        response = make_response(bytes(image.data))
        response.headers["Content-Type"] = image.content_type
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"private, max-age={max_age}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
