"""Who may do what: the one table of permissions by role, checked on every route by a guard."""

from __future__ import annotations

from backend.registry.vocab import Role

ALL_ROLES = frozenset(Role)
ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN})
FIELD_STAFF = frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.TEAM_LEAD, Role.INSPECTOR})
"""Who works on or reviews inspections; which tasks each reaches is decided by backend/fieldwork/access.py."""

PERMISSIONS: dict[str, frozenset[Role]] = {
    "registry.read": ALL_ROLES,
    "registry.write": ADMINS,
    "registry.import": ADMINS,
    "registry.export": ADMINS,
    "personal.read": frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.TEAM_LEAD, Role.INSPECTOR}),
    "internal.read": frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.TEAM_LEAD, Role.INSPECTOR}),
    "items.read": ALL_ROLES,
    "items.write": ADMINS,
    "departments.read": ALL_ROLES,
    "departments.write": frozenset({Role.PLATFORM_ADMIN}),
    "users.read": ADMINS,
    "users.write": ADMINS,
    "audit.read": frozenset({Role.PLATFORM_ADMIN, Role.OBSERVER}),
    "plans.read": ALL_ROLES,
    "plans.write": ADMINS,
    "draws.write": ADMINS,
    "draws.full_record": frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.OBSERVER}),
    "tasks.read": ALL_ROLES,
    "forms.read": ALL_ROLES,
    "sync.use": frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.TEAM_LEAD, Role.INSPECTOR}),
    "reports.read": frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.TEAM_LEAD, Role.INSPECTOR}),
    "reports.review": frozenset({Role.PLATFORM_ADMIN, Role.DEPT_ADMIN, Role.TEAM_LEAD}),
    "forms.write": ADMINS,
    "media.upload": FIELD_STAFF,
    "media.read": FIELD_STAFF,
}
"""Permission -> roles that hold it. Observers read registers but never personal data or risk classes; media
(photos of people and premises, voices, signatures, GPS) is personal evidence, so they never read it."""


def allowed(role: str, permission: str) -> bool:
    """True when `role` holds `permission`; unknown permissions are never allowed."""
    roles = PERMISSIONS.get(permission)
    return roles is not None and role in {r.value for r in roles}
