"""Operational commands: ``python -m shared.cli <command>``.

create-topics                 create every contract's topic and its .dlq
migrate all|<schema> [--database NAME]   the services and the gateway
drift <service>               print differences between migrations and models
seed-demo                     load demo data through the gateway (idempotent)
dlq list [--group G] [--topic T] [--messages] [--json]
                              dead letters per consumer group and topic: un-handled and handled counts
dlq show REF                  one copy (REF = <topic>.dlq:<partition>:<offset>): headers, error, envelope
dlq redrive (REF... | --group G [--topic T])
                              put copies back on their topic (same key, same partition) for the ONE
                              group that failed them, and mark them handled
dlq discard (REF... | --group G [--topic T]) [--yes]
                              mark copies handled without re-driving them
dlq history                   what was re-driven or discarded, when and by whom
prune-outbox [SCHEMA...]      delete published outbox rows older than ECO_OUTBOX_RETENTION_DAYS
topic-delete-before TOPIC --schema-version N [--yes]
                              delete, per partition, the records before its first one of version >= N
                              (e.g. v1 records with personal data on a topic nobody consumes)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.settings import DB_SCHEMAS, Settings, get_settings

if TYPE_CHECKING:
    from shared.events.dlq import DeadLetter, DeadLetterStore


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


def _dlq_selection(store: DeadLetterStore, settings: Settings, args: argparse.Namespace) -> list[DeadLetter]:
    from shared.events.dlq import parse_ref

    if args.refs:
        return [store.letter(*parse_ref(settings, ref)) for ref in args.refs]
    if not args.group:
        raise SystemExit("name the copies (REF...) or a consumer group (--group)")
    topics = [args.topic] if args.topic else None
    group = (
        settings.kafka_namespace + args.group
        if not args.group.startswith(settings.kafka_namespace)
        else args.group
    )
    letters: list[DeadLetter] = store.letters(group=group, topics=topics, include_handled=False)
    return letters


def _dlq(args: argparse.Namespace) -> int:
    import json

    from shared.events.dlq import DeadLetterStore, parse_ref

    settings = get_settings()
    store = DeadLetterStore(settings)
    try:
        if args.action == "list":
            topics = [args.topic] if args.topic else None
            letters = store.letters(topics=topics)
            if args.group:
                letters = [
                    x for x in letters if x.group in (args.group, settings.kafka_namespace + args.group)
                ]
            counts: dict[tuple[str, str], list[int]] = {}
            for letter in letters:
                ns = settings.kafka_namespace
                key = (letter.group.removeprefix(ns), letter.original_topic.removeprefix(ns))
                tally = counts.setdefault(key, [0, 0])
                tally[1 if letter.handled else 0] += 1
            rows = [
                {"group": g, "topic": t, "unhandled": u, "handled": h}
                for (g, t), (u, h) in sorted(counts.items())
            ]
            if args.json:
                out: dict[str, object] = {"groups": rows}
                if args.messages:
                    out["messages"] = [x.describe(settings) for x in letters if not x.handled]
                print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
                return 0
            print(f"{'GROUP':<28} {'TOPIC':<52} {'UNHANDLED':>9} {'HANDLED':>8}")
            for row in rows:
                print(f"{row['group']:<28} {row['topic']:<52} {row['unhandled']:>9} {row['handled']:>8}")
            if not rows:
                print("(no dead letters)")
            if args.messages:
                for x in letters:
                    if not x.handled:
                        print(f"{x.ref(settings)}  {x.group}  key={x.key}  {x.error}")
            return 0
        if args.action == "history":
            for entry in store.history():
                offsets = ",".join(map(str, entry.get("offsets", [])))
                print(
                    f"{entry.get('at')}  {entry.get('by')}  {entry.get('action'):<8} {entry['group']}  "
                    f"{entry['dlq_topic'].removeprefix(settings.kafka_namespace)}:{entry['partition']}:{offsets}"
                )
            return 0
        if args.action == "show":
            letter = store.letter(*parse_ref(settings, args.ref))
            print(json.dumps(letter.describe(settings), indent=2, ensure_ascii=False, default=str))
            return 0
        letters = _dlq_selection(store, settings, args)
        if not letters:
            print("nothing to do: no un-handled copies selected")
            return 0
        if args.action == "redrive":
            for letter, partition, offset in store.redrive(letters):
                print(
                    f"re-driven {letter.ref(settings)} -> {letter.original_topic}:{partition}:{offset} for {letter.group}"
                )
            return 0
        if args.action == "discard":
            if not args.yes and not args.refs:
                raise SystemExit(f"{len(letters)} copies would be discarded; repeat with --yes")
            handled = [x for x in letters if x.handled]
            if handled:
                raise SystemExit(f"{handled[0].ref(settings)} was handled already")
            store.mark_handled(letters)
            for letter in letters:
                print(f"discarded {letter.ref(settings)} ({letter.group})")
            return 0
        raise SystemExit(f"unknown action {args.action}")
    finally:
        store.close()


def _prune_outbox(args: argparse.Namespace) -> int:
    from shared.events.retention import prune_all

    settings = get_settings()
    for schema, deleted in asyncio.run(prune_all(settings, args.schemas or None)).items():
        print(
            f"{schema}: {deleted} published outbox rows older than {settings.outbox_retention_days} days deleted"
        )
    return 0


def _topic_delete_before(args: argparse.Namespace) -> int:
    from shared.events.retention import delete_records_before, first_offsets_at_version

    settings = get_settings()
    found = first_offsets_at_version(settings, args.topic, args.schema_version)
    if not found:
        print(f"no record of version >= {args.schema_version} on {args.topic}: nothing deleted")
        return 0
    for partition, (start, first) in sorted(found.items()):
        print(f"{args.topic}:{partition}: {first - start} record(s) before offset {first}")
    if not args.yes:
        print("dry run: repeat with --yes to delete them")
        return 0
    delete_records_before(settings, args.topic, {p: first for p, (_start, first) in found.items()})
    print("deleted")
    return 0


def _module_command(module: str) -> Callable[[argparse.Namespace], int]:
    def run(_: argparse.Namespace) -> int:
        code: int = importlib.import_module(module).main()
        return code

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
    dlq = sub.add_parser("dlq", help="inspect, re-drive or discard dead letters").add_subparsers(
        dest="action", required=True
    )
    p = dlq.add_parser("list")
    p.add_argument("--group")
    p.add_argument("--topic", help="logical topic, e.g. enrollment.company.registered")
    p.add_argument("--messages", action="store_true", help="also list each un-handled copy")
    p.add_argument("--json", action="store_true")
    dlq.add_parser("history")
    p = dlq.add_parser("show")
    p.add_argument("ref", help="<topic>.dlq:<partition>:<offset>")
    for action in ("redrive", "discard"):
        p = dlq.add_parser(action)
        p.add_argument("refs", nargs="*", metavar="REF")
        p.add_argument("--group", help="every un-handled copy of this consumer group")
        p.add_argument("--topic")
        if action == "discard":
            p.add_argument("--yes", action="store_true", help="confirm discarding a whole selection")
    for p in dlq.choices.values():
        p.set_defaults(func=_dlq)
    p = sub.add_parser("prune-outbox")
    p.add_argument("schemas", nargs="*", metavar="SCHEMA", help="default: every service schema")
    p.set_defaults(func=_prune_outbox)
    p = sub.add_parser("topic-delete-before")
    p.add_argument("topic")
    p.add_argument("--schema-version", type=int, required=True)
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=_topic_delete_before)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
