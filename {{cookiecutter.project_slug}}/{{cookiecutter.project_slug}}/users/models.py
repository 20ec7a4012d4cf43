from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The project's user: a custom model from day one, since swapping later is hard."""

    name = models.CharField("full name", max_length=255, blank=True)

    def __str__(self) -> str:
        return self.name or self.username
