from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.audit.services import audit_record


class Command(BaseCommand):
    help = "Create an operator administrator (and the operator organisation when there is none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--password-file", help="read the password from this file")
        parser.add_argument("--organization", default="광주광역시 인공지능산업실")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"a user with e-mail {email} exists already")
        if options["password_file"]:
            with open(options["password_file"], encoding="utf-8") as handle:
                password = handle.read().strip()
        else:
            password = getpass.getpass("Password: ")
        if len(password) < 10:
            raise CommandError("the password must be at least 10 characters long")
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(
                name=options["organization"], kind=OrganizationKind.OPERATOR
            )
            user = User.objects.create_user(email, password, name=options["name"])
            Membership.objects.create(user=user, organization=org, role=MembershipRole.ADMIN)
            audit_record(
                actor=None,
                action="user.create_admin",
                obj=user,
                after={"organization": org.pk},  # the user is the object: no address here
            )
        self.stdout.write(self.style.SUCCESS(f"{email} is an administrator of {org.name}"))
