from rest_framework import serializers

from ..users.models import User


class CurrentUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("username", "email", "name", "avatar")
        read_only_fields = ("username", "email")
