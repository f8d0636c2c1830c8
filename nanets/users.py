"""Who is making a request, and how pages and PDFs name a person (Django's user model is not ours)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The user a request carries: a logged-in account, or anonymous before login.
User = AbstractBaseUser | AnonymousUser


def person_name(user: User) -> str:
    """Full name, else user name: how lists, the History and every PDF name a person."""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or user.get_username())
