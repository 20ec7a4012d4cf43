from django.urls import path

from .views import CurrentUserView

app_name = "api"
urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="current-user"),
]
