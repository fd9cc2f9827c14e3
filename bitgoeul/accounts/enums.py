from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    ASSOCIATION = "association", _("Association")
    CHAPTER = "chapter", _("Chapter")
    COMPANY = "company", _("Company")
    INSTITUTION = "institution", _("Institution")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    MEMBER = "member", _("Member")


class Language(models.TextChoices):
    KO = "ko", "한국어"
    EN = "en", "English"


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")
    # a machine's token (a scheduler host, the GPU agent): may only post GPU usage
    USAGE = "usage", _("Usage reports only")
