"""Uploaded files, served by Django where no proxy or object store does it.

Whatever a user uploads is sent as data, never as a page: the browser may not guess a
type (nosniff), and a sandbox runs no script and loads nothing, even for HTML or SVG.
"""

from django.conf import settings
from django.views.static import serve

# The same headers as the proxy's /media/ route, where there is one.
UPLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    for header, value in UPLOAD_HEADERS.items():
        response[header] = value
    return response
