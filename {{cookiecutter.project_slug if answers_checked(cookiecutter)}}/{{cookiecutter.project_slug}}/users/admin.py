from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Profile", {"fields": ("name", "avatar")}),
    )
    list_display = ("username", "email", "name", "is_staff")
    search_fields = ("username", "email", "name")
