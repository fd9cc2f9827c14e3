from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.brn import validate_brn
from bitgoeul.accounts.enums import Language, MembershipRole, OrganizationKind, TokenScope


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.KO
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the user deleted their account: personal data is erased, the row stays as a
    # tombstone so that audit events and decisions keep pointing at someone.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_staff(self) -> bool:  # Django's admin site is not installed; kept for libraries
        return self.is_superuser


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    # chapters under the association; companies under the chapter that covers them
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    brn = models.CharField(
        _("business registration number"),
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_brn],
    )
    code = models.SlugField(max_length=50, blank=True)  # stable short name: chapter:busan
    # A company known from a list without 사업자등록번호 (see companies' prospects): the only
    # company organisation allowed without a number.
    is_prospect = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="company")
                | models.Q(brn__isnull=False)
                | models.Q(is_prospect=True),
                name="company_has_brn",
            ),
        ]
        indexes = [models.Index(fields=["kind", "parent"])]  # chapter dashboards list children

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class Invitation(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the mailed token
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # An invitation into a company by someone who is not its administrator (operator staff)
    # waits for the company administrator's approval; it is mailed, and usable, only then.
    needs_approval = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.pk} → {self.organization}"

    @property
    def is_pending(self) -> bool:
        """Neither used, revoked, declined nor expired (it may still await approval)."""
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.declined_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def awaits_approval(self) -> bool:
        return self.is_pending and self.needs_approval and self.approved_at is None

    @property
    def is_open(self) -> bool:
        """Usable by the invited person: pending and, where needed, approved."""
        return self.is_pending and (not self.needs_approval or self.approved_at is not None)


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)  # shown in lists so users can tell tokens apart
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=5, choices=TokenScope.choices)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)  # null: never

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ConsentRecord(models.Model):
    """One answer to one consent question (PIPA art. 15, 22), kept as shown to the user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    document = models.CharField(max_length=50)  # e.g. "signup.required"
    version = models.CharField(max_length=20)
    items = models.JSONField()  # the personal data items collected
    purpose = models.TextField()
    retention = models.TextField()
    refusal_notice = models.TextField()  # the right to refuse and what refusing means
    agreed = models.BooleanField()
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.document} {self.version}: {self.agreed}"


class ReviewerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reviewer_profile")
    expertise = models.TextField(_("expertise"), blank=True)
    fields = models.JSONField(_("fields"), default=list)  # e.g. ["vision", "healthcare"]
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    conflicts = models.ManyToManyField(Organization, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"reviewer {self.user}"


class LoginThrottle(models.Model):
    """Login attempts counted for one key ("email:…" or "ip:…") in the window that began at
    `window_start`. One row per key, so an attempt is counted with a single conditional UPDATE
    that cannot let two concurrent requests both take the last allowed attempt."""

    key = models.CharField(max_length=300, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["window_start"])]  # deleting the rows of past windows

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"


class UserSession(models.Model):
    """A signed-in browser session of a user, for the list of sessions and "log out
    everywhere". Deleting the session (logout, expiry, `clearsessions`) deletes this row."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} {self.ip} {self.last_seen_at:%Y-%m-%d %H:%M}"
