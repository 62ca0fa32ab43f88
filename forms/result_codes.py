"""The result-code table (DOMAIN.md §26, version 1): the one copy; the backend seeds its database from it."""

from __future__ import annotations

TABLE_VERSION = 1
RESULT_CODES: tuple[tuple[str, str, str], ...] = (
    ("1", "未发现问题", "no problem found"),
    ("B", "未按规定公示应当公示的信息", "did not publish information it must publish"),
    ("C", "公示信息隐瞒真实情况弄虚作假", "published information concealed facts or was falsified"),
    ("6", "通过登记的住所（经营场所）无法联系", "cannot be reached at the registered address"),
    ("D", "违反其他工商行政管理规定行为", "other violations of business administration rules"),
    ("3", "违反食品药品管理相关规定", "violations of food and drug rules"),
    ("4", "违反质量技术监督相关规定", "violations of quality and technical supervision rules"),
    ("5", "违反其他部门相关规定", "violations of other departments' rules"),
    ("E", "发现问题已责令改正", "problem found, correction ordered"),
    ("A", "发现问题待后续处理", "problem found, follow-up pending"),
    ("F", "未发现开展本次抽查涉及的经营活动", "no business activity covered by this inspection"),
    ("7", "已关闭停业或正在组织清算", "closed or in liquidation"),
    ("8", "不配合检查情节严重", "seriously obstructed the inspection"),
    ("9", "注销", "deregistered"),
    ("10", "被吊销", "licence revoked"),
    ("11", "被撤销", "registration cancelled"),
    ("12", "迁出", "moved out of the jurisdiction"),
)
"""(code, 中文, English) in the table's order."""
CODES = {code: i for i, (code, _, _) in enumerate(RESULT_CODES)}
"""Code → position in the table (the order suggested codes are listed in)."""
EXCLUSIVE = frozenset({"1"})
"""Code 1 (no problem found) excludes every other code on the same result."""
NO_PROBLEM = "1"


def ordered_codes(codes: set[str] | list[str]) -> list[str]:
    """The distinct codes in the table's order."""
    return sorted(set(codes), key=CODES.__getitem__)
