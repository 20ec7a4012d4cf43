from django.contrib.auth.models import AbstractUser
from django.core.validators import FileExtensionValidator
from django.db import models

AVATAR_TYPES = ["gif", "jpeg", "jpg", "png", "webp"]


class User(AbstractUser):
    """The project's user: a custom model from day one, since swapping later is hard."""

    name = models.CharField("full name", max_length=255, blank=True)
    # An uploaded file, kept by the default storage (see MEDIA_ROOT in the settings).
    avatar = models.FileField(
        upload_to="avatars/",
        blank=True,
        validators=[FileExtensionValidator(AVATAR_TYPES)],
    )

    def __str__(self) -> str:
        return self.name or self.username
