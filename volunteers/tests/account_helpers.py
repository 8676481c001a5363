"""The volunteer sign-up form's data and a pending sign-up, shared by the account tests."""

from __future__ import annotations

from accounts.models import User
from municipalities.models import (
    Language,
)
from volunteers.selfservice import signup


def signup_data(**overrides):
    data = {
        "full_name": "Şengül Yıldız",
        "email": "sengul.yildiz@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "municipality": "",
        "privacy": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


NEW_PASSWORD = "Sonnenblume-im-Garten-77"


def language(code, name):
    return Language.objects.get_or_create(code=code, defaults={"name": name})[0]


def pending_signup(district, *, email="neu@example.org", full_name="Ольга Петрова") -> User:
    result = signup.sign_up_volunteer(
        email=email, full_name=full_name, password=NEW_PASSWORD, district=district
    )
    return result.user
