"""The `choucha` command: migrate, serve, demo, import, export, audit, users, sortition, draw verify."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from pathlib import Path

from backend.audit.service import SYSTEM


def _migrated(coro_factory):
    """Run a coroutine after bringing the database up to date."""
    from backend.db.migrate import migrate

    async def run():
        await migrate()
        return await coro_factory()

    return asyncio.run(run())


def cmd_migrate(_: argparse.Namespace) -> int:
    from backend.db.migrate import migrate

    asyncio.run(migrate())
    print("数据库已是最新 / database is up to date")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.workers < 1:
        print("--workers 至少为1 / --workers must be at least 1", file=sys.stderr)
        return 2
    if args.workers == 1:
        from backend.app import create_app

        uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
        return 0
    from backend.db.migrate import migrate

    asyncio.run(migrate())  # once, here: the workers do not migrate
    uvicorn.run("backend.app:create_worker_app", factory=True, workers=args.workers, host=args.host,
                port=args.port, log_level="info")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from backend.registry.demo import seed_demo

    summary = _migrated(lambda: seed_demo(entities=args.entities))
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from backend.registry.imports import import_file

    path = Path(args.file)
    if not path.is_file():
        print(f"文件不存在 / no such file: {path}", file=sys.stderr)
        return 2
    result = _migrated(lambda: import_file(actor=SYSTEM, kind=args.kind, path=path, dry_run=args.dry_run,
                                           skip_invalid=args.skip_invalid, filename=path.name))
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        print(_report_text(result))
    return 1 if result["error_count"] else 0


def _report_text(result: dict) -> str:
    lines = [f"共{result['rows']}行，有效{result['valid']}行，错误{result['error_count']}个，警告{result['warning_count']}个 / "
             f"{result['rows']} rows, {result['valid']} valid, {result['error_count']} errors, "
             f"{result['warning_count']} warnings"]
    for kind, items in (("错误 error", result["errors"]), ("警告 warning", result["warnings"])):
        lines += [f"  {kind} 第{e['row']}行 row {e['row']} [{e['column']}] {e['code']}: {e['message']}" for e in items]
    if result["written"]:
        lines.append(f"已写入 / written: 新增 created {result['created']}, 更新 updated {result['updated']}, "
                     f"未变 unchanged {result['unchanged']}, 跳过 skipped {result['skipped']}")
    elif result["dry_run"] and not result["error_count"]:
        lines.append("试运行：未写入任何数据 / dry run: nothing written")
    else:
        lines.append("未写入任何数据 / nothing written")
    return "\n".join(lines)


def cmd_export(args: argparse.Namespace) -> int:
    from backend.registry.exports import export_register

    count = _migrated(lambda: export_register(kind=args.kind, path=Path(args.file)))
    print(f"已导出{count}行 / exported {count} rows to {args.file}")
    return 0


def cmd_audit_verify(_: argparse.Namespace) -> int:
    from backend.audit.service import verify

    checked, broken = _migrated(verify)
    if broken is None:
        print(f"审计链完整：{checked}条 / audit chain intact: {checked} entries")
        return 0
    print(f"审计链在第{broken.seq}条断开：{broken.reason} / chain broken at entry {broken.seq}: {broken.reason} "
          f"({checked} entries before it hold)")
    return 1


def cmd_users_create(args: argparse.Namespace) -> int:
    from backend.auth.service import create_user
    from backend.errors import DomainError

    password = args.password or os.environ.get("CHOUCHA_NEW_PASSWORD") or getpass.getpass("密码 / password: ")
    try:
        user = _migrated(lambda: create_user(actor=SYSTEM, username=args.username, display_name=args.name or args.username,
                                             password=password, role=args.role, department_code=args.department))
    except DomainError as exc:
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1
    print(json.dumps(user, ensure_ascii=False))
    return 0


def cmd_sortition(args: argparse.Namespace) -> int:
    from backend.planning.errors import PlanningError
    from backend.planning.sortition import key_string, selection_steps, version_for

    if args.pool:
        lines = [line.strip() for line in Path(args.pool).read_text(encoding="utf-8-sig").splitlines()]
        pool = [line for line in lines if line]
    else:
        pool = [str(n) for n in range(1, args.size + 1)]
    try:
        key = key_string(args.source)
        version = args.algorithm or version_for(args.count)
        if args.verbose:
            print(f"key: {key}\nalgorithm: {version}", file=sys.stderr)
        for step in selection_steps(len(pool), args.count, key, version=version):
            if args.verbose:
                print(f"{step.counter} {step.digest} mod {step.remaining} -> {step.position}", file=sys.stderr)
            print(pool[step.position])
    except PlanningError as exc:
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    return 0


def cmd_draw_verify(args: argparse.Namespace) -> int:
    from backend.planning.record import verify_record

    try:
        record = json.loads(Path(args.record).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"无法读取抽取记录 / cannot read the draw record: {exc}", file=sys.stderr)
        return 2
    difference = verify_record(record)
    if difference is None:
        print("MATCH")
        return 0
    print(f"MISMATCH {difference}")
    return 1


def _domain_call(factory) -> tuple[int, object]:
    """Run a migrated use case; a refusal prints its bilingual message and gives exit status 1."""
    from backend.errors import DomainError
    from backend.planning.errors import PlanningError

    try:
        return 0, _migrated(factory)
    except (DomainError, PlanningError) as exc:
        print(f"{exc.code}: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1, None


def cmd_draw_announce(args: argparse.Namespace) -> int:
    from datetime import date

    from backend.planning.draw_service import announce

    status, draw = _domain_call(lambda: announce(
        actor=SYSTEM, plan_ids=args.plan, sources_description=args.sources_description,
        draw_date=date.fromisoformat(args.date) if args.date else None, supersedes=args.supersedes,
        redraw_reason=args.reason))
    if draw:
        print(json.dumps(draw, ensure_ascii=False, default=str, indent=2))
    return status


def cmd_draw_execute(args: argparse.Namespace) -> int:
    from backend.planning.draw_service import execute

    status, draw = _domain_call(lambda: execute(actor=SYSTEM, draw_id=args.draw, sources=args.source,
                                                observers=args.observer or []))
    if draw:
        teams = draw["record"]["teams"]
        staffed = sum(1 for t in teams if t["status"] == "staffed")
        print(f"已执行抽取{args.draw}：{len(teams)}个对象，{staffed}个已配组 / draw {args.draw} executed: "
              f"{len(teams)} objects, {staffed} staffed; record sha256 {draw['record_sha256']}")
    return status


def cmd_draw_record(args: argparse.Namespace) -> int:
    from backend.planning.draw_service import full_record

    status, record = _domain_call(lambda: full_record(draw_id=args.draw))
    if record is not None:
        Path(args.output).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"已写入 / written: {args.output}")
    return status


def cmd_media_prune(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from backend.storage.prune import prune_abandoned

    if args.days <= 0:
        print("--days 须大于0 / --days must be greater than 0", file=sys.stderr)
        return 2
    result = _migrated(lambda: prune_abandoned(older_than=timedelta(days=args.days)))
    print(f"已清理{result['pruned']}个未完成的上传 / pruned {result['pruned']} abandoned uploads "
          f"(declared more than {args.days:g} days ago)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="choucha", description="双随机、一公开 inspections / 抽查")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply migrations").set_defaults(func=cmd_migrate)
    serve = sub.add_parser("serve", help="run the server (migrates on start)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=int(os.environ.get("CHOUCHA_WORKERS", "1")),
                       help="server processes (PostgreSQL: one per core; default CHOUCHA_WORKERS or 1)")
    serve.set_defaults(func=cmd_serve)
    demo = sub.add_parser("demo", help="seed the demo district (idempotent)")
    demo.add_argument("--entities", type=int, default=20000)
    demo.set_defaults(func=cmd_demo)
    imp = sub.add_parser("import", help="import entities or inspectors from CSV/XLSX")
    imp.add_argument("kind", choices=["entities", "inspectors"])
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    imp.add_argument("--skip-invalid", action="store_true", help="write the valid rows, skip the invalid ones")
    imp.add_argument("--format", choices=["text", "json"], default="text")
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser("export", help="export entities or inspectors to CSV/XLSX")
    exp.add_argument("kind", choices=["entities", "inspectors"])
    exp.add_argument("file")
    exp.set_defaults(func=cmd_export)
    audit = sub.add_parser("audit", help="the audit chain").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="walk the chain; exit 1 at the first broken link").set_defaults(
        func=cmd_audit_verify)
    sortition = sub.add_parser("sortition", help="RFC 3797 selection from public sources")
    sortition.add_argument("--source", action="append", required=True, help="one public source (repeat)")
    sortition.add_argument("--count", type=int, required=True)
    pool = sortition.add_mutually_exclusive_group(required=True)
    pool.add_argument("--size", type=int, help="the pool 1..N")
    pool.add_argument("--pool", help="a file: its non-empty lines, in file order")
    sortition.add_argument("--algorithm", help="rfc3797 or choucha-rfc3797-ext-1 (default: by count)")
    sortition.add_argument("--verbose", action="store_true", help="key string and digests on stderr")
    sortition.set_defaults(func=cmd_sortition)
    draw = sub.add_parser("draw", help="draws").add_subparsers(dest="draw_command", required=True)
    verify = draw.add_parser("verify", help="re-run a draw from its record; MATCH or the first difference")
    verify.add_argument("record")
    verify.set_defaults(func=cmd_draw_verify)
    ann = draw.add_parser("announce", help="announce a draw of published plans (freezes the pools)")
    ann.add_argument("--plan", type=int, action="append", required=True, help="plan id (repeat for a joint draw)")
    ann.add_argument("--sources-description", required=True, help="the public sources that will form the key")
    ann.add_argument("--date", help="draw date (YYYY-MM-DD; credentials must be valid then)")
    ann.add_argument("--supersedes", type=int, help="the draw this one replaces")
    ann.add_argument("--reason", help="why a redraw")
    ann.set_defaults(func=cmd_draw_announce)
    exe = draw.add_parser("execute", help="execute an announced draw with the source values")
    exe.add_argument("draw", type=int)
    exe.add_argument("--source", action="append", required=True)
    exe.add_argument("--observer", action="append")
    exe.set_defaults(func=cmd_draw_execute)
    rec = draw.add_parser("record", help="write the full record of an executed draw (for verify)")
    rec.add_argument("draw", type=int)
    rec.add_argument("-o", "--output", required=True)
    rec.set_defaults(func=cmd_draw_record)
    media = sub.add_parser("media", help="media storage").add_subparsers(dest="media_command", required=True)
    prune = media.add_parser("prune", help="drop uploads that never completed (aborts their multipart uploads)")
    prune.add_argument("--days", type=float, default=7, help="declared more than this many days ago (default 7)")
    prune.set_defaults(func=cmd_media_prune)
    from forms import cli as forms_cli

    forms_parser = sub.add_parser("forms", help="checklist forms: import / export XLSForm, validate definitions")
    forms_cli.add_arguments(forms_parser)
    forms_parser.set_defaults(func=forms_cli.run)
    users = sub.add_parser("users", help="users").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create", help="create a user")
    create.add_argument("username")
    create.add_argument("--role", required=True)
    create.add_argument("--name", help="display name")
    create.add_argument("--department", help="department code")
    create.add_argument("--password", help="(else CHOUCHA_NEW_PASSWORD or a prompt)")
    create.set_defaults(func=cmd_users_create)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
