"""Writes for user accounts."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User


@dataclass(frozen=True)
class AdminAccount:
    user: User
    created: bool
    # Set only when this call generated the password, so it can be shown once.
    generated_password: str | None


def user_ensure_admin(*, email: str | None = None, password: str | None = None) -> AdminAccount:
    """Make sure a superuser exists.

    With an email and password (from the environment), that account is created or its
    password reset. Without them, a first superuser is made with a generated password;
    if any superuser exists already, nothing changes.
    """
    with transaction.atomic():
        if email and password:
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                user = User.objects.create_superuser(email=email, password=password)
            else:
                user.is_staff = user.is_superuser = user.is_active = True
                user.set_password(password)
                user.save(update_fields=["is_staff", "is_superuser", "is_active", "password"])
            return AdminAccount(user=user, created=created, generated_password=None)

        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            return AdminAccount(user=existing, created=False, generated_password=None)
        generated = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(email=email or "admin@example.org", password=generated)
        return AdminAccount(user=user, created=True, generated_password=generated)
