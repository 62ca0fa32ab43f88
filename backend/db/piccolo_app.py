"""The Piccolo app that owns every table and the migrations."""

import os

from piccolo.conf.apps import AppConfig

from backend.audit.tables import AuditEntry
from backend.auth.tables import Session, User
from backend.checklists.tables import FormVersion
from backend.fieldsync.tables import Report, SyncChange, SyncDevice, SyncMutation
from backend.fieldwork.tables import Task, TaskMember
from backend.notify.tables import Notification
from backend.planning.tables import Draw, Plan, PlanAdjustment
from backend.storage.tables import Media
from backend.registry.tables import (
    Department, Entity, Expert, InspectionItem, Inspector, Recusal, ResultCode,
)

APP_CONFIG = AppConfig(
    app_name="choucha",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[Department, User, Session, Entity, Inspector, Recusal, Expert,
                   InspectionItem, ResultCode, AuditEntry, Plan, PlanAdjustment, Draw, Task, TaskMember,
                   Notification, FormVersion, Report, SyncDevice, SyncMutation, SyncChange, Media],
    migration_dependencies=[],
    commands=[],
)
