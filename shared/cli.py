"""Operational commands: ``python -m shared.cli <command>``.

create-topics                 create every contract's topic and its .dlq
migrate all|<schema> [--database NAME]   the services and the gateway
drift <service>               print differences between migrations and models
seed-demo                     load demo data through the gateway (idempotent)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys

from shared.settings import DB_SCHEMAS, get_settings


def _create_topics(_: argparse.Namespace) -> int:
    from shared.events.kafka import create_topics

    created = create_topics(get_settings())
    print(f"topics created: {len(created)}" + (f" ({', '.join(created)})" if created else ""))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from shared.migrations import upgrade

    base = get_settings()
    targets = DB_SCHEMAS if args.service == "all" else (args.service,)
    for service in targets:
        overrides = {"pg_database": args.database} if args.database else {}
        asyncio.run(upgrade(base.for_service(service, **overrides)))
        print(f"migrated {service} ({args.database or base.pg_database})")
    return 0


def _drift(args: argparse.Namespace) -> int:
    from shared.migrations import drift

    diffs = asyncio.run(drift(get_settings().for_service(args.service)))
    for d in diffs:
        print(d)
    return 1 if diffs else 0


def _module_command(module: str):
    def run(_: argparse.Namespace) -> int:
        return importlib.import_module(module).main()

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shared.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("create-topics").set_defaults(func=_create_topics)
    p = sub.add_parser("migrate")
    p.add_argument("service", choices=("all", *DB_SCHEMAS))
    p.add_argument("--database")
    p.set_defaults(func=_migrate)
    p = sub.add_parser("drift")
    p.add_argument("service", choices=DB_SCHEMAS)
    p.set_defaults(func=_drift)
    sub.add_parser("seed-demo").set_defaults(func=_module_command("deploy.demo.seed"))
    sub.add_parser("demo").set_defaults(func=_module_command("deploy.demo.journey"))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
