"""`bitgoeul tokens create --email E --scope read|write|usage [--name N] [--expires-in-days D]`: an
API token for a user's scripts, issued by a server administrator. The secret is printed once
(stored only as a hash) and the issue is audited ("via command line")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bitgoeul.accounts.enums import TokenScope
from bitgoeul.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue API tokens for automation (the secret is shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="issue a new API token and print it once")
        create.add_argument("--email", required=True, help="the user the token acts as")
        create.add_argument("--scope", required=True, choices=TokenScope.values)
        create.add_argument("--name", default="automation", help="to tell tokens apart")
        create.add_argument(
            "--expires-in-days", type=int, default=None, help="refused after this many days"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name or len(name) > 100:
            raise CommandError("--name: 1 to 100 characters")
        try:
            token, secret = api_token_issue(
                email=options["email"],
                name=name,
                scope=options["scope"],
                expires_in_days=options["expires_in_days"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
        self.stderr.write(
            f"API token {token.prefix}… ({token.scope}{expiry}) for {token.user.email}: "
            "copy it now, it is not shown again."
        )
        # the secret alone on stdout, so that a script can capture it: TOKEN=$(bitgoeul ...)
        self.stdout.write(secret)
