"""factory_boy factories for test data."""

import factory
from django.contrib.auth import get_user_model

# Every factory-made user can log in with this password.
TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A regular, active, non-staff user."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)
    is_active = True
    is_staff = False
