"""Reference codes of the registers: GB/T 4754-2017 industries and GB/T 2260 regions, with validators.

Industry codes are stored as section letter + division/group/class digits (``C1311``); a bare section
(``C``) is also a valid code.

Region codes are 6-digit GB/T 2260 codes. A malformed code or an unknown province prefix is an error;
a well-formed county code that is not in ``DEMO_COUNTIES`` is accepted, because we do not ship the full
GB/T 2260 list (it changes every year). ``DEMO_COUNTIES`` names the codes of 南通市 for the demo data.
"""

from __future__ import annotations

import re

INDUSTRY_SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业", "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
    "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业", "P": "教育",
    "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

_DIVISION_NAMES: dict[str, tuple[str, ...]] = {
    "A": ("农业", "林业", "畜牧业", "渔业", "农、林、牧、渔专业及辅助性活动"),
    "B": ("煤炭开采和洗选业", "石油和天然气开采业", "黑色金属矿采选业", "有色金属矿采选业",
          "非金属矿采选业", "开采专业及辅助性活动", "其他采矿业"),
    "C": ("农副食品加工业", "食品制造业", "酒、饮料和精制茶制造业", "烟草制品业", "纺织业",
          "纺织服装、服饰业", "皮革、毛皮、羽毛及其制品和制鞋业", "木材加工和木、竹、藤、棕、草制品业",
          "家具制造业", "造纸和纸制品业", "印刷和记录媒介复制业", "文教、工美、体育和娱乐用品制造业",
          "石油、煤炭及其他燃料加工业", "化学原料和化学制品制造业", "医药制造业", "化学纤维制造业",
          "橡胶和塑料制品业", "非金属矿物制品业", "黑色金属冶炼和压延加工业", "有色金属冶炼和压延加工业",
          "金属制品业", "通用设备制造业", "专用设备制造业", "汽车制造业",
          "铁路、船舶、航空航天和其他运输设备制造业", "电气机械和器材制造业",
          "计算机、通信和其他电子设备制造业", "仪器仪表制造业", "其他制造业", "废弃资源综合利用业",
          "金属制品、机械和设备修理业"),
    "D": ("电力、热力生产和供应业", "燃气生产和供应业", "水的生产和供应业"),
    "E": ("房屋建筑业", "土木工程建筑业", "建筑安装业", "建筑装饰、装修和其他建筑业"),
    "F": ("批发业", "零售业"),
    "G": ("铁路运输业", "道路运输业", "水上运输业", "航空运输业", "管道运输业", "多式联运和运输代理业",
          "装卸搬运和仓储业", "邮政业"),
    "H": ("住宿业", "餐饮业"),
    "I": ("电信、广播电视和卫星传输服务", "互联网和相关服务", "软件和信息技术服务业"),
    "J": ("货币金融服务", "资本市场服务", "保险业", "其他金融业"),
    "K": ("房地产业",),
    "L": ("租赁业", "商务服务业"),
    "M": ("研究和试验发展", "专业技术服务业", "科技推广和应用服务业"),
    "N": ("水利管理业", "生态保护和环境治理业", "公共设施管理业", "土地管理业"),
    "O": ("居民服务业", "机动车、电子产品和日用产品修理业", "其他服务业"),
    "P": ("教育",),
    "Q": ("卫生", "社会工作"),
    "R": ("新闻和出版业", "广播、电视、电影和录音制作业", "文化艺术业", "体育", "娱乐业"),
    "S": ("中国共产党机关", "国家机构", "人民政协、民主党派", "社会保障",
          "群众团体、社会团体和其他成员组织", "基层群众自治组织及其他组织"),
    "T": ("国际组织",),
}


def _number_divisions() -> dict[str, tuple[str, str]]:
    # GB/T 4754-2017 numbers its 97 divisions 01-97 consecutively, section after section.
    names = [(section, name) for section, group in _DIVISION_NAMES.items() for name in group]
    return {f"{i:02d}": pair for i, pair in enumerate(names, start=1)}


INDUSTRY_DIVISIONS: dict[str, tuple[str, str]] = _number_divisions()
"""Division (two digits) -> (section letter, Chinese name)."""

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

DEMO_COUNTIES: dict[str, str] = {
    "320600": "南通市",
    "320602": "崇川区（2020年撤销）",
    "320611": "港闸区（2020年撤销）",
    "320612": "通州区",
    "320613": "崇川区",
    "320614": "海门区",
    "320621": "海安县（2018年撤销）",
    "320623": "如东县",
    "320681": "启东市",
    "320682": "如皋市",
    "320684": "海门市（2020年撤销）",
    "320685": "海安市",
}
"""County-level codes of 南通市, current and recently withdrawn (old records still carry them)."""

_INDUSTRY = re.compile(r"([A-Z])?([0-9]{2}(?:[0-9]{1,2})?)?")


class CodeError(ValueError):
    """A reference code that is malformed or unknown, with a stable code and bilingual messages."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


def normalise_industry(raw: str) -> str:
    """The canonical industry code (``C1311``) for a section, division, group or class code."""
    text = "".join(str(raw).split()).upper()
    match = _INDUSTRY.fullmatch(text)
    if not text or match is None:
        raise CodeError(
            "industry.invalid",
            f"行业代码“{raw}”格式不正确，应为门类字母加2-4位数字，如C1311",
            f"industry code '{raw}' is malformed: a section letter and 2-4 digits, e.g. C1311",
        )
    letter, digits = match.group(1), match.group(2) or ""
    if not digits:
        if letter not in INDUSTRY_SECTIONS:
            raise CodeError("industry.unknown", f"行业门类“{letter}”不存在（应为A-T）",
                            f"industry section '{letter}' does not exist (A-T)")
        return letter
    division = INDUSTRY_DIVISIONS.get(digits[:2])
    if division is None:
        raise CodeError("industry.unknown", f"行业大类“{digits[:2]}”不存在（应为01-97）",
                        f"industry division '{digits[:2]}' does not exist (01-97)")
    if letter is not None and letter != division[0]:
        raise CodeError(
            "industry.unknown",
            f"行业大类{digits[:2]}（{division[1]}）属于门类{division[0]}，不属于门类{letter}",
            f"industry division {digits[:2]} belongs to section {division[0]}, not {letter}",
        )
    return division[0] + digits


def industry_name(code: str) -> str:
    """The Chinese name of a canonical industry code's division (or section)."""
    if len(code) == 1:
        return INDUSTRY_SECTIONS[code]
    return INDUSTRY_DIVISIONS[code[1:3]][1]


def normalise_region(raw: str) -> str:
    """The 6-digit GB/T 2260 region code; its province prefix must exist."""
    text = str(raw).strip()
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        raise CodeError("region.invalid", f"区划代码“{raw}”应为6位数字",
                        f"region code '{raw}' must be 6 digits")
    if text[:2] not in PROVINCES:
        raise CodeError("region.unknown", f"区划代码“{text}”的省级代码“{text[:2]}”不存在",
                        f"region code '{text}': province prefix '{text[:2]}' does not exist")
    return text


def region_name(code: str) -> str | None:
    """The name of a region code when we know it (province level or a demo county), else None."""
    if code in DEMO_COUNTIES:
        return DEMO_COUNTIES[code]
    if code.endswith("0000"):
        return PROVINCES.get(code[:2])
    return None
