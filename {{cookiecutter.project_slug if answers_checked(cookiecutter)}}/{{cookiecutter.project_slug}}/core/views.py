from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    """The front page: a placeholder for yours."""
    return HttpResponse(
        "It works. This page comes from core/views.py.\n",
        content_type="text/plain; charset=utf-8",
    )
