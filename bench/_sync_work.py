"""The sync benchmark's world and work: inspectors with device tokens and tasks (seeded through the backend's
services and tables), the mutations an inspector records on site, and the counts that prove they were taken."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sync.client import Device

FORM = "market.public-info"
ITEM = "SCJG-GS-01"
DEPARTMENT = "SCJG"
PER_TASK = 25
"""Mutations of one complete report (see `record_report`): four tasks fill a batch of 100."""
PASSWORD = "bench-password-not-secret"


def _sha(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def record_report(dev: Device, task: str, n: int) -> None:
    """Queue what an inspector records for one documents check with nothing found, as the PWA would: answers
    in several passes (one corrected, its base the earlier write), photos and notes, three signatures, then
    start and submit intents. PER_TASK mutations, every one of which the server applies."""
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    who = f"负责人{n:04d}"
    photo = {"item": ITEM, "content_type": "image/jpeg", "width": 4032, "height": 3024}
    dev.intent(task, "start")
    dev.answer(task, "_report", {"location": {"lat": 32.06 + n % 97 / 1e4, "lon": 121.07, "accuracy": 12}})
    dev.answer(task, ITEM, {"inspection_date": day.isoformat(), "start_time": "09:30"})
    dev.answer(task, ITEM, {"method": ["documents", "books"]})
    dev.answer(task, ITEM, {"credentials_shown": "yes", "recusal_informed": "yes", "recusal_requested": "no"})
    dev.answer(task, ITEM, {"person_in_charge": who[:-1]})
    dev.answer(task, ITEM, {"person_phone": f"139{n % 10**8:08d}"})
    dev.answer(task, ITEM, {"report_published": "yes", "report_year": day.year - 1})
    dev.answer(task, ITEM, {"capital_true": "yes", "equity_true": "yes", "assets_true": "yes", "contact_true": "yes",
                            "website_true": "yes"})
    dev.answer(task, ITEM, {"licence_info_published": "yes", "penalty_info_published": "na",
                            "equity_pledge_published": "na"})
    dev.answer(task, ITEM, {"address_reachable": "yes", "business_active": "yes"})
    for k in range(3):
        dev.add(task, "photos", {**photo, "field": "address_photos", "sha256": _sha(task, "address", k),
                                 "size": 2_400_000 + k, "taken_at": f"{day}T09:{40 + k}:00+08:00"})
    dev.add(task, "notes", {"text": "经营场所门头与登记住所一致，年报所填联系电话可接通。", "at": f"{day}T09:50:00+08:00"})
    dev.answer(task, ITEM, {"person_in_charge": who})  # a correction: based on the first answer
    for k in range(2):
        dev.add(task, "photos", {**photo, "field": "evidence_photos", "sha256": _sha(task, "evidence", k),
                                 "size": 1_800_000 + k, "taken_at": f"{day}T10:{10 + k}:00+08:00"})
    dev.answer(task, ITEM, {"officers": [{"officer_name": "检查员甲", "credential_no": "JS-0001"},
                                         {"officer_name": "检查员乙", "credential_no": "JS-0002"}]})
    dev.answer(task, ITEM, {"result_codes": ["1"], "end_time": "10:45"})
    dev.sign(task, ITEM, "party_signature", {"attachment": _sha(task, "party"), "signer": who})
    for row in (0, 1):
        dev.sign(task, ITEM, f"officers[{row}].officer_signature", {"attachment": _sha(task, "officer", row)})
    dev.answer(task, "_report", {"summary": "未发现问题：公示信息与实际情况相符。"})
    dev.intent(task, "submit")


async def seed(devices: int, tasks_per_device: int) -> list[dict]:
    """Migrate, then one inspector user per device with a device token and its own tasks; [{token, tasks}]."""
    from backend.auth.passwords import hash_password
    from backend.auth.service import open_session
    from backend.auth.tables import User
    from backend.checklists.service import pin_latest
    from backend.db.migrate import migrate
    from backend.db.tx import transaction
    from backend.registry.tables import Department

    await migrate()
    dept = (await Department.insert(Department(code=DEPARTMENT, name="市场监管局", level="district",
                                               jurisdiction="320612")).returning(Department.id).run())[0]["id"]
    entity, item = await _entity_and_item(dept)
    version = (await pin_latest({FORM}))[FORM]
    out, password_hash = [], hash_password(PASSWORD)  # once: argon2 takes half a second per hash here
    async with transaction():  # one commit: on SQLite each of hundreds would wait for its fsync
        for d in range(devices):
            user = {"username": f"bench-{d:03d}", "display_name": f"检查员{d:03d}", "role": "inspector",
                    "department": dept, "active": True}
            user["id"] = (await User.insert(User(**user, password_hash=password_hash, created_at=datetime.now(
                timezone.utc))).returning(User.id).run())[0]["id"]
            inspector = await _inspector(user["id"], dept, d)
            token, _ = await open_session(user=user, device_name=f"bench phone {d}")
            out.append({"token": token, "tasks": await _tasks(inspector, entity, item, version, tasks_per_device)})
    return out


async def _entity_and_item(dept: int) -> tuple[int, int]:
    from backend.registry.tables import Entity, InspectionItem

    now = datetime.now(timezone.utc)
    entity = await Entity.insert(Entity(
        uscc="91320612MA1N2P3Q4X", name="南通市通州区示例食品店", kind="individual", industry="F5223", region="320612",
        address="通州区金沙街道示例路1号", risk_class="B", departments=[DEPARTMENT], created_at=now,
        updated_at=now)).returning(Entity.id).run()
    item = await InspectionItem.insert(InspectionItem(
        code=ITEM, name="公示信息检查", department=dept, legal_basis="《企业信息公示暂行条例》第十四条",
        content="年度报告公示信息", method="onsite", form_ref=FORM, published=True)).returning(InspectionItem.id).run()
    return entity[0]["id"], item[0]["id"]


async def _inspector(user_id: int, dept: int, n: int) -> int:
    from backend.registry.tables import Inspector

    now = datetime.now(timezone.utc)
    return (await Inspector.insert(Inspector(
        user=user_id, name=f"检查员{n:03d}", department=dept, credential_no=f"JS-BENCH-{n:04d}",
        valid_from=date(2024, 1, 1), valid_to=date(2028, 12, 31), qualifications=["market"], created_at=now,
        updated_at=now)).returning(Inspector.id).run())[0]["id"]


async def _tasks(inspector: int, entity: int, item: int, version: int, n: int) -> list[str]:
    """n assigned tasks of which the inspector is the whole team (and lead), with their member rows."""
    from backend.db.bulk import insert_rows
    from backend.fieldwork.tables import Task, TaskMember
    from backend.ids import uuid7

    now, uids = datetime.now(timezone.utc), [uuid7() for _ in range(n)]
    rows = await insert_rows(Task, [{
        "uid": uid, "entity": entity, "year": 2026, "items": [item], "departments": [DEPARTMENT],
        "team": [inspector], "lead_inspector": inspector, "experts": [],
        "forms": {ITEM: {"form": FORM, "version": version}}, "due_on": date(2026, 12, 31), "status": "assigned",
        "created_at": now, "updated_at": now} for uid in uids], returning=("id",))
    await insert_rows(TaskMember, [{"task": r["id"], "inspector": inspector, "role": "lead"} for r in rows])
    return uids


async def counts() -> dict:
    """What the server holds after the run, and the durability settings its connections commit with."""
    from piccolo.engine import engine_finder

    import backend  # noqa: F401 - names the Piccolo configuration

    engine = engine_finder()

    def one(rows: list[dict]) -> object:
        return next(iter(rows[0].values()))

    figures = {
        "sync_mutation": one(await engine.run_ddl("SELECT COUNT(*) FROM sync_mutation")),
        "applied": one(await engine.run_ddl("SELECT COUNT(*) FROM sync_mutation WHERE status = 'applied'")),
        "report_versions": one(await engine.run_ddl("SELECT COALESCE(SUM(version), 0) FROM report")),
        "submitted": one(await engine.run_ddl("SELECT COUNT(*) FROM report WHERE status = 'submitted'")),
        "feed": one(await engine.run_ddl("SELECT COUNT(*) FROM sync_change")),
    }
    if engine.engine_type == "sqlite":
        figures["durability"] = {
            "journal_mode": one(await engine.run_ddl("PRAGMA journal_mode")),
            "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[one(
                await engine.run_ddl("PRAGMA synchronous"))]}
    else:
        figures["durability"] = {name: one(await engine.run_ddl(f"SHOW {name}"))
                                 for name in ("synchronous_commit", "fsync", "wal_sync_method")}
    return figures
