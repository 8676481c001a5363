"""The volunteer sign-up form's data, shared by the account and language tests."""

from __future__ import annotations

from municipalities.models import (
    Language,
)


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
