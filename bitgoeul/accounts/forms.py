from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.accounts.brn import brn_normalize, validate_brn
from bitgoeul.accounts.consent import SIGNUP_CONSENTS
from bitgoeul.accounts.enums import Language, MembershipRole, TokenScope
from bitgoeul.accounts.models import Invitation, Organization, User


class LoginForm(AuthenticationForm):
    # Django's own text names the field through "%(username)s" (with both Korean particle forms)
    # and says e-mail is case-sensitive, which it is not here (clean_username lower-cases it).
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The e-mail address or the password is not correct. "
            "Passwords are case-sensitive: check the Caps Lock key."
        ),
    }
    username = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).lower()


def consent_field(document: str) -> str:
    return "consent_" + document.replace(".", "_")


class SignUpForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Preferred language"), choices=Language.choices, initial=Language.KO
    )
    company_name = forms.CharField(
        label=gettext_lazy("Company name"), max_length=200, required=False
    )
    company_brn = forms.CharField(
        label=gettext_lazy("Business registration number"),
        max_length=14,
        required=False,
        help_text=gettext_lazy("10 digits, as on the registration certificate: 123-45-67890"),
    )

    def __init__(self, *args: Any, invitation: Invitation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if invitation is not None:
            # the invitation is for the address it was sent to: the field cannot be changed
            self.fields["email"].initial = invitation.email
            self.fields["email"].disabled = True
            del self.fields["company_name"], self.fields["company_brn"]
        for text in SIGNUP_CONSENTS:
            self.fields[consent_field(text.document)] = forms.BooleanField(
                label=str(text.title), required=text.required
            )
            self.fields[consent_field(text.document)].consent_text = text  # type: ignore[attr-defined]
            self.fields[consent_field(text.document)].error_messages["required"] = _(
                "Please agree to the required collection and use of personal data, "
                "or we cannot create your account."
            )

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        return [self[consent_field(text.document)] for text in SIGNUP_CONSENTS]

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).lower()
        if User.objects.filter(email=email).exists():
            raise ValidationError(
                _(
                    "An account with this e-mail address exists already: "
                    "log in or reset the password."
                )
            )
        return email

    def clean_company_brn(self) -> str:
        raw = self.cleaned_data.get("company_brn", "")
        if not raw:
            return ""
        validate_brn(raw)
        digits = brn_normalize(raw)
        if Organization.objects.filter(brn=digits).exists():
            raise ValidationError(
                _(
                    "This company is registered already: ask its administrator on Bitgoeul "
                    "to invite you."
                )
            )
        return digits

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error(
                "password2", _("The two passwords differ: type the same password twice.")
            )
        elif data.get("password1"):
            candidate = User(email=data.get("email", ""), name=data.get("name", ""))
            try:
                password_validation.validate_password(data["password1"], candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        if self.invitation is None:
            if not data.get("company_name"):
                self.add_error("company_name", _("Enter the name of your company."))
            if not data.get("company_brn") and "company_brn" not in self.errors:
                self.add_error(
                    "company_brn", _("Enter your company's business registration number.")
                )
        return data

    def consents(self) -> dict[str, bool]:
        return {
            text.document: bool(self.cleaned_data.get(consent_field(text.document)))
            for text in SIGNUP_CONSENTS
        }


class ProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    language = forms.ChoiceField(label=gettext_lazy("Preferred language"), choices=Language.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).lower()
        if self.organization.memberships.filter(user__email=email).exists():
            raise ValidationError(_("This person is a member already."))
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MembershipRole.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("Say where it is used, e.g. “usage report script”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the scopes in the list.")},
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Expires"),
        choices=[
            (30, gettext_lazy("in 30 days")),
            (90, gettext_lazy("in 90 days")),
            (365, gettext_lazy("in a year")),
            ("", gettext_lazy("never")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        initial=90,
        help_text=gettext_lazy("An expired token stops working; make a new one then."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_operator_staff(user):  # usage tokens post GPU usage: the operator's staff only
            scope = self.fields["scope"]
            scope.choices = [c for c in TokenScope.choices if c[0] != TokenScope.USAGE]  # type: ignore[attr-defined]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."))
        return password
