"""Mint a dev/test bearer token from the command line, for people trying the API.

    python -m services.gateway.issue_token --role company --ruc 20100070970
    curl -H "Authorization: Bearer $(python -m services.gateway.issue_token --role admin)" ...

Uses the same settings (ECO_JWT_*) and rules as ``POST /api/v1/gateway/dev/tokens``;
refused outside ECO_ENV=dev|test. Prints only the token, so it composes in shells.
"""

from __future__ import annotations

import argparse
import sys
import time

from services.gateway.handlers import dev_tokens
from shared.auth import Role
from shared.errors import DomainError
from shared.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.gateway.issue_token", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--role", required=True, choices=[r.value for r in Role if r != Role.partner])
    parser.add_argument("--sub", dest="subject", help="the token's subject (default: a random dev id)")
    parser.add_argument("--name")
    parser.add_argument("--ruc", help="required for --role company")
    parser.add_argument("--body-id", help="required for --role certification_body (a UUID)")
    parser.add_argument("--ttl", dest="ttl_seconds", type=int, default=3600, help="seconds (default 3600)")
    args = parser.parse_args(argv)
    try:
        token, _ = dev_tokens.issue(get_settings(), vars(args), now=int(time.time()))
    except DomainError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
