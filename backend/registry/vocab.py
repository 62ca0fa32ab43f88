"""Controlled vocabularies of the registers: stored codes with their Chinese and English labels."""

from __future__ import annotations

from enum import Enum


class Labelled(str, Enum):
    """A string enum whose members carry a Chinese and an English label."""

    def __new__(cls, value: str, zh: str, en: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        member.en = en
        return member

    @classmethod
    def parse(cls, raw: str):
        """The member whose code, Chinese or English label equals `raw` (trimmed, case-insensitive)."""
        text = raw.strip()
        low = text.lower()
        for member in cls:
            if text in (member.value, member.zh) or low in (member.value.lower(), member.en.lower()):
                return member
        raise ValueError(raw)

    @classmethod
    def choices_text(cls) -> str:
        """The accepted values, for error messages."""
        return "、".join(f"{m.zh}/{m.value}" for m in cls)


class EntityKind(Labelled):
    ENTERPRISE = ("enterprise", "企业", "enterprise")
    INDIVIDUAL = ("individual", "个体工商户", "individual business")
    COOPERATIVE = ("cooperative", "农民专业合作社", "farmers' cooperative")
    OTHER = ("other", "其他", "other")
    PRODUCT = ("product", "产品", "product")
    EQUIPMENT = ("equipment", "设备", "equipment")
    PROJECT = ("project", "项目", "project")


class EntityScale(Labelled):
    LARGE = ("large", "大型", "large")
    MEDIUM = ("medium", "中型", "medium")
    SMALL = ("small", "小型", "small")
    MICRO = ("micro", "微型", "micro")


class EntityStatus(Labelled):
    NORMAL = ("normal", "正常", "normal")
    ABNORMAL = ("abnormal", "经营异常名录", "abnormal operations list")
    BLACKLISTED = ("blacklisted", "严重违法失信名单", "serious violation blacklist")
    DEREGISTERED = ("deregistered", "注销", "deregistered")
    REVOKED = ("revoked", "吊销", "licence revoked")


class RiskClass(Labelled):
    A = ("A", "低", "low")
    B = ("B", "一般", "moderate")
    C = ("C", "较高", "elevated")
    D = ("D", "高", "high")


class DepartmentLevel(Labelled):
    DISTRICT = ("district", "区", "district")
    CITY = ("city", "市", "city")
    PROVINCE = ("province", "省", "province")


class Role(Labelled):
    PLATFORM_ADMIN = ("platform_admin", "平台管理员", "platform administrator")
    DEPT_ADMIN = ("dept_admin", "部门管理员", "department administrator")
    TEAM_LEAD = ("team_lead", "组长", "team lead")
    INSPECTOR = ("inspector", "检查人员", "inspector")
    OBSERVER = ("observer", "观察员", "observer")


class InspectorStatus(Labelled):
    ACTIVE = ("active", "在岗", "on duty")
    LEAVE = ("leave", "休假", "on leave")
    DISABLED = ("disabled", "停用", "disabled")


class ExpertKind(Labelled):
    EXPERT = ("expert", "专家", "expert")
    LAB = ("lab", "检验检测机构", "laboratory")
    THIRD_PARTY = ("third_party", "第三方机构", "third party")


class ItemMethod(Labelled):
    ONSITE = ("onsite", "实地核查", "on-site check")
    DOCUMENTS = ("documents", "书面检查", "document review")
    ONLINE = ("online", "网络监测", "online monitoring")


class ItemType(Labelled):
    GENERAL = ("general", "一般", "general")
    KEY = ("key", "重点", "key")


QUALIFICATIONS: dict[str, tuple[str, str]] = {
    "market": ("市场监管综合执法", "market supervision"),
    "food": ("食品安全", "food safety"),
    "drug": ("药品医疗器械", "drugs and medical devices"),
    "special_equipment": ("特种设备安全", "special equipment safety"),
    "quality": ("产品质量", "product quality"),
    "grain": ("粮食流通监督", "grain circulation"),
    "environment": ("生态环境执法", "environmental enforcement"),
    "work_safety": ("安全生产执法", "work safety"),
    "health": ("卫生健康监督", "health supervision"),
    "transport": ("交通运输执法", "transport enforcement"),
    "commerce": ("商务执法", "commerce enforcement"),
    "culture": ("文化市场执法", "cultural market enforcement"),
    "agriculture": ("农业综合执法", "agricultural enforcement"),
    "housing": ("住房城乡建设执法", "housing and construction"),
}
"""Enforcement qualifications (执法资质): code -> (Chinese, English)."""
