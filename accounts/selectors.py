"""Reads of the accounts app: the caller's own record with their profile."""

from .models import BuyerProfile, User


def user_get(*, user_id: int) -> User:
    """The user with the profile joined (1 query); the authentication class only loads a few fields."""
    return User.objects.select_related("profile").get(pk=user_id)


def profile_of(user: User) -> BuyerProfile:
    """The user's profile, or an unsaved empty one when they never set it (every field "not set")."""
    try:
        return user.profile
    except BuyerProfile.DoesNotExist:
        return BuyerProfile(user=user)
