import os
from typing import Any

from django.core.management.base import BaseCommand

from accounts.services import user_ensure_admin


class Command(BaseCommand):
    help = (
        "Make sure an admin account exists. Uses ADMIN_EMAIL and ADMIN_PASSWORD from the "
        "environment when set; otherwise creates one with a generated password, shown once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        account = user_ensure_admin(
            email=os.environ.get("ADMIN_EMAIL") or None,
            password=os.environ.get("ADMIN_PASSWORD") or None,
        )
        if account.generated_password:
            self.stdout.write(
                self.style.WARNING(
                    "Created an admin account. Write these down: the password is not shown "
                    "again.\n"
                    f"  email:    {account.user.email}\n"
                    f"  password: {account.generated_password}\n"
                    "Sign in at /accounts/login/?next=/admin/: you will be taken to set up an "
                    "authenticator app first, then on to the admin."
                )
            )
        elif account.created:
            self.stdout.write(f"Created the admin account {account.user.email}.")
        else:
            self.stdout.write(f"An admin account exists already ({account.user.email}).")
