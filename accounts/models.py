from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Addresses are compared case-insensitively everywhere, so store them lower-case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    Roles are not stored here: KI staff, trainers and volunteers hold a
    ``municipalities.DistrictRole``, municipal contacts a
    ``municipalities.Membership`` per municipality.
    """

    email = models.EmailField(
        _("E-Mail-Adresse"),
        max_length=254,
        unique=True,
        error_messages={"unique": _("Für diese E-Mail-Adresse gibt es bereits ein Konto.")},
    )
    # Names are international ("Şengül Yıldız", "Nguyễn Thị Lan", "Ольга"): free Unicode.
    full_name = models.CharField(_("Vollständiger Name"), max_length=200)
    preferred_language = models.CharField(
        _("Bevorzugte Sprache"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur Verwaltungsoberfläche"),
        default=False,
        help_text=_("Darf sich in der technischen Verwaltung (Django-Admin) anmelden."),
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
