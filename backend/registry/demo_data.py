"""Deterministic demo data for 南通市通州区: departments, users, inspectors, experts, items, entities, recusals."""

from __future__ import annotations

import random
from bisect import bisect
from datetime import date
from typing import NamedTuple

from backend.registry.uscc import ALPHABET, check_character

SEED = 320612
"""Default seed: every function returns the same data on every call."""

# --------------------------------------------------------------------------- departments and users

DEPARTMENTS: tuple[tuple[str, str, str, str, str | None], ...] = (
    # code, name, level, jurisdiction (GB/T 2260), parent code
    ("NT-SCJG", "南通市市场监督管理局", "city", "320600", None),
    ("SCJG", "南通市通州区市场监督管理局", "district", "320612", "NT-SCJG"),
    ("STHJ", "南通市通州生态环境局", "district", "320612", None),
    ("YJGL", "南通市通州区应急管理局", "district", "320612", None),
    ("WSJK", "南通市通州区卫生健康委员会", "district", "320612", None),
    ("LSCB", "南通市通州区粮食和物资储备局", "district", "320612", None),
    ("JTYS", "南通市通州区交通运输局", "district", "320612", None),
    ("SWJ", "南通市通州区商务局", "district", "320612", None),
    ("WHLY", "南通市通州区文化广电和旅游局", "district", "320612", None),
    ("NYNC", "南通市通州区农业农村局", "district", "320612", None),
    ("ZJJ", "南通市通州区住房和城乡建设局", "district", "320612", None),
    ("RSJ", "南通市通州区人力资源和社会保障局", "district", "320612", None),
    ("JTJ", "南通市通州区教育体育局", "district", "320612", None),
    ("CGJ", "南通市通州区城市管理局", "district", "320612", None),
)
_JURISDICTION = {d[0]: d[3] for d in DEPARTMENTS}

DEMO_PASSWORDS: dict[str, str] = {
    "admin": "admin-choucha-2026",
    "scjg-admin": "dept-choucha-2026",
    "lead": "lead-choucha-2026",
    "inspector": "inspector-choucha-2026",
    "observer": "observer-choucha-2026",
}
"""Demo login name -> password (documented in the README; demo only)."""

_INSPECTOR_USER_NAME = "顾晓东"
_LEAD_USER_NAME = "陈建华"
_USERS = (
    # username, display name, role, department code
    ("admin", "平台管理员", "platform_admin", None),
    ("scjg-admin", "陆海燕", "dept_admin", "SCJG"),
    ("lead", _LEAD_USER_NAME, "team_lead", "SCJG"),
    ("inspector", _INSPECTOR_USER_NAME, "inspector", "SCJG"),
    ("observer", "通州公证处观察员", "observer", None),
)
# The first two SCJG inspectors are the 'inspector' and the 'lead' demo users (in that order).
_LINKED = {("SCJG", 0): ("inspector", _INSPECTOR_USER_NAME), ("SCJG", 1): ("lead", _LEAD_USER_NAME)}

# --------------------------------------------------------------------------- people

SURNAMES = ("陈张顾陆王徐黄李施朱吴刘季杨周曹沈丁钱范姜袁孙缪邱瞿郁葛严倪仇卢冯蔡马孟宋许邵樊赵何"
            "曾唐高蒋郭金邢秦汤储")
GIVEN = ("建国志明海华红丽芳敏静霞强磊杰涛勇斌俊峰辉宇浩婷燕玲琳雪晨欣悦佳晓春秋新文忠德林云飞鹏军平"
         "兵荣桂英梅兰凤洁娟慧颖蕾瑞博睿轩涵怡楠卫东锋亮刚健彬超波宏伟益鑫晶萍莉玉秀雯倩璐")
ZIHAO = ("金银华盛鑫源泰恒通达顺兴宏昌隆丰瑞祥福佳安康宝利富嘉信诚德和美新创科博远鸿海江洲星辰阳光明"
         "亿旺邦润晟锦悦益禾川森程腾越峰凯捷联志辉正天元合晨豪永久聚汇昇诺皓迪朗航帆")
"""Characters of business trade names (字号)."""
MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "159", "182",
                   "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153",
                   "180", "181", "189", "177", "199")


def _person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10 ** 8):08d}"


def _unique(used: set[str], make) -> str:
    """A value from `make()` not yet in `used`, numbered as a last resort; records it."""
    value = make()
    for _ in range(30):
        if value not in used:
            break
        value = make()
    base, n = value, 2
    while value in used:
        value, n = f"{base}{n}", n + 1
    used.add(value)
    return value


class _Weighted:
    """A fixed weighted choice, drawn with one call to rng.random()."""

    def __init__(self, pairs):
        self.items = [item for item, _ in pairs]
        self.cum, total = [], 0.0
        for _, weight in pairs:
            total += weight
            self.cum.append(total)

    def pick(self, rng: random.Random):
        return self.items[min(bisect(self.cum, rng.random() * self.cum[-1]), len(self.items) - 1)]


# --------------------------------------------------------------------------- inspectors and experts

INSPECTOR_PROFILES: dict[str, tuple[int, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]] = {
    # department: (head count, base qualifications, extra qualifications cycled by index, expertise tags)
    "NT-SCJG": (6, ("market", "quality"), (("special_equipment",), ("drug",), ()),
                ("检验检测机构监管", "认证认可", "产品质量抽检", "计量")),
    "SCJG": (62, ("market",), (("food",), ("special_equipment",), ("quality",), ("drug",),
                               ("food", "quality"), (), ("food",), ("special_equipment", "quality")),
             ("食品经营", "食品生产", "特种设备", "广告监测", "企业信息公示", "价格监督", "计量",
              "产品质量", "药品零售", "网络交易", "商标", "反不正当竞争")),
    "STHJ": (10, ("environment",), (), ("大气污染防治", "水污染防治", "危险废物", "排污许可", "环境影响评价")),
    "YJGL": (10, ("work_safety",), (), ("危险化学品", "工贸行业安全", "应急预案", "粉尘防爆", "有限空间作业")),
    "WSJK": (10, ("health",), (), ("公共场所卫生", "生活饮用水", "医疗机构执业", "职业卫生", "传染病防治")),
    "LSCB": (6, ("grain",), (), ("粮食收购", "粮食库存检查", "粮食质量", "政策性粮食", "粮食统计")),
    "JTYS": (10, ("transport",), (), ("道路运输", "危险货物运输", "机动车维修", "驾驶员培训", "超限超载治理")),
    "SWJ": (6, ("commerce",), (), ("单用途预付卡", "报废机动车回收", "再生资源回收", "成品油流通")),
    "WHLY": (8, ("culture",), (), ("娱乐场所", "网吧管理", "旅行社监管", "演出市场", "出版物市场")),
    "NYNC": (10, ("agriculture",), (), ("农药监管", "兽药饲料", "种子管理", "农产品质量安全", "动物卫生")),
    "ZJJ": (10, ("housing",), (), ("建筑施工安全", "工程质量", "房地产市场", "物业管理", "燃气安全")),
    "RSJ": (6, (), (), ("劳动保障监察", "农民工工资支付", "人力资源市场", "社会保险")),
    "JTJ": (6, (), (), ("民办教育", "校外培训", "体育经营活动", "学校安全")),
    "CGJ": (12, ("housing",), (), ("市容环境", "户外广告", "建筑垃圾", "城镇燃气", "园林绿化")),
}
_DISABLED = {("SCJG", 50), ("JTYS", 9)}


def inspectors(seed: int = SEED) -> list[dict]:
    """The inspector register (执法检查人员名录库): ≥ 160 certified inspectors over all departments."""
    rng = random.Random(f"{seed}:inspectors")
    used_names = {name for _, name in _LINKED.values()}
    serial: dict[str, int] = {}
    return [_inspector(rng, code, i, serial, used_names)
            for code, profile in INSPECTOR_PROFILES.items() for i in range(profile[0])]


def _inspector(rng: random.Random, code: str, i: int, serial: dict[str, int], used: set[str]) -> dict:
    _, base, extras, tags = INSPECTOR_PROFILES[code]
    jurisdiction = _JURISDICTION[code]
    # The first few of each department are on duty with valid credentials, so every item can be staffed.
    safe = i < max(3, 2 * len(extras))
    username, name = _LINKED.get((code, i), (None, None))
    name = name or _unique(used, lambda: _person(rng))
    valid_from = date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28))
    expired = not safe and rng.random() < 0.05
    year_to = 2025 if expired else rng.choice((2027, 2028, 2029))
    valid_to = date(year_to, rng.randint(1, 12), rng.randint(1, 28))
    if (code, i) in _DISABLED:
        status = "disabled"
    else:
        status = "leave" if not safe and rng.random() < 0.05 else "active"
    serial[jurisdiction] = serial.get(jurisdiction, 100) + rng.randint(1, 9)
    extra = extras[i % len(extras)] if extras else ()
    return {
        "name": name,
        "department": code,
        "credential_no": f"{jurisdiction}{valid_from.year}{serial[jurisdiction]:04d}",
        "valid_from": valid_from,
        "valid_to": valid_to,
        "qualifications": list(base) + [q for q in extra if q not in base],
        "expertise": rng.sample(tags, k=min(len(tags), rng.randint(1, 3))),
        "region": jurisdiction,
        "status": status,
        "phone": _mobile(rng),
        "username": username,
    }


EXPERT_SOURCES: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = (
    # kind, name ('' = a generated person), organisation, expertise
    ("lab", "南通市产品质量监督检验所", "南通市市场监督管理局", ("产品质量检验", "纺织品检测", "电线电缆检测")),
    ("lab", "南通市食品药品监督检验中心", "南通市市场监督管理局", ("食品检验", "药品检验", "保健食品检验")),
    ("lab", "江苏省特种设备安全监督检验研究院南通分院", "江苏省市场监督管理局", ("电梯检验", "锅炉压力容器检验")),
    ("lab", "南通市粮油质量监测中心", "南通市发展和改革委员会", ("粮油质量检验", "储粮品质")),
    ("lab", "南通市环境监测中心站", "南通市生态环境局", ("废水监测", "废气监测", "噪声监测")),
    ("lab", "南通市计量检定测试所", "南通市市场监督管理局", ("计量器具检定", "定量包装商品净含量")),
    ("third_party", "江苏通正工程咨询有限公司", None, ("建设工程质量", "工程造价审计")),
    ("third_party", "南通海诚会计师事务所（普通合伙）", None, ("财务审计", "企业年报审计")),
    ("third_party", "南通安泰安全技术服务有限公司", None, ("安全评价", "隐患排查")),
    ("third_party", "江苏瑞信环境科技有限公司", None, ("环境影响评价", "排污许可技术审查")),
    ("expert", "", "南通大学公共卫生学院", ("食品安全", "营养与食品卫生")),
    ("expert", "", "南通大学附属医院", ("临床药学", "医疗器械")),
    ("expert", "", "南通市疾病预防控制中心", ("公共场所卫生", "生活饮用水")),
    ("expert", "", "南通大学纺织服装学院", ("纺织品质量", "家纺产品标准")),
    ("expert", "", "南通职业大学", ("机械制造", "特种设备")),
    ("expert", "", "江苏工程职业技术学院", ("印染工艺", "纺织化学品")),
    ("expert", "", "南通科技职业学院", ("农产品质量安全", "农药使用")),
    ("expert", "", "南通市律师协会", ("行政执法程序", "行政复议")),
    ("expert", "", "南通市粮食行业协会", ("粮食收储", "粮食质量")),
    ("expert", "", "南通市安全生产协会", ("危险化学品", "粉尘防爆")),
)


def experts(seed: int = SEED) -> list[dict]:
    """The pool of experts, laboratories and third parties (专家、检验检测机构、第三方): 20 entries."""
    rng = random.Random(f"{seed}:experts")
    used: set[str] = set()
    return [{
        "name": name or _unique(used, lambda: _person(rng)),
        "organisation": organisation,
        "kind": kind,
        "expertise": list(expertise),
        "phone": _mobile(rng) if kind == "expert" else f"0513-8{rng.randrange(10 ** 7):07d}",
    } for kind, name, organisation, expertise in EXPERT_SOURCES]


# --------------------------------------------------------------------------- inspection items

RATIOS = {
    "key": {"A": 0.05, "B": 0.15, "C": 0.40, "D": 0.80},
    "general": {"A": 0.03, "B": 0.08, "C": 0.25, "D": 0.65},
}
"""Default draw ratio per risk class (DOMAIN §9 bands: A ≤5%, B 5-20%, C 21-60%, D 61-100%)."""
FREQUENCY = {
    "key": {"A": 1, "B": 2, "C": 3, "D": 4},
    "general": {"A": 1, "B": 1, "C": 2, "D": 3},
}
"""Default maximum number of inspections per year per risk class."""

ITEMS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...], str | None], ...] = (
    # department, name, legal basis, content, method, type, required qualifications, form
    ("NT-SCJG", "生产领域产品质量的监督抽查", "《中华人民共和国产品质量法》第十五条；《产品质量监督抽查管理暂行办法》",
     "按抽查计划抽取样品检验，核查产品标识、执行标准、出厂检验记录", "onsite", "key", ("quality",),
     "market.product-quality"),
    ("NT-SCJG", "检验检测机构的监督检查", "《检验检测机构资质认定管理办法》；《检验检测机构监督管理办法》",
     "资质认定条件保持情况、检验检测报告出具、原始记录和人员能力", "onsite", "general", ("quality",),
     "market.inspection-body"),
    ("SCJG", "企业公示信息真实性情况的检查", "《企业信息公示暂行条例》第十四条；《企业公示信息抽查暂行办法》",
     "年度报告公示的出资、资产、股东、联系方式等信息是否真实，即时信息是否按时公示", "documents", "general",
     ("market",), "market.public-info"),
    ("SCJG", "食品经营者落实食品安全主体责任情况的检查",
     "《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》",
     "经营许可、从业人员健康证明、进货查验记录、贮存条件、过期食品处置", "onsite", "key", ("food",),
     "market.food-business"),
    ("SCJG", "特种设备使用单位安全管理情况的检查", "《中华人民共和国特种设备安全法》第五十七条；《特种设备安全监察条例》",
     "使用登记、定期检验、作业人员持证、安全技术档案、应急预案", "onsite", "key", ("special_equipment",),
     "market.special-equipment"),
    ("SCJG", "药品零售企业经营行为的检查", "《中华人民共和国药品管理法》第九十九条；《药品经营质量管理规范》",
     "药品经营许可、执业药师在岗、处方药销售、购进验收与储存养护记录", "onsite", "key", ("drug",),
     "market.drug-retail"),
    ("SCJG", "广告发布行为的检查", "《中华人民共和国广告法》第四十九条",
     "广告内容真实合法、广告业务档案、药品医疗器械保健食品广告审查批准文号", "online", "general",
     ("market",), "market.advertising"),
    ("STHJ", "排污单位落实排污许可制度情况的检查", "《排污许可管理条例》；《中华人民共和国环境保护法》第二十四条",
     "持证排污、按证排污、自行监测、环境管理台账和执行报告", "onsite", "key", ("environment",),
     "environment.discharge-permit"),
    ("STHJ", "建设项目环境影响评价和“三同时”制度执行情况的检查",
     "《中华人民共和国环境影响评价法》；《建设项目环境保护管理条例》",
     "环评审批或备案手续、环保设施与主体工程同时设计同时施工同时投产使用、竣工环境保护验收", "onsite",
     "general", ("environment",), None),
    ("STHJ", "危险废物规范化环境管理情况的检查", "《中华人民共和国固体废物污染环境防治法》",
     "危险废物识别标志、管理计划和台账、贮存设施、转移联单、委托持证单位处置", "onsite", "key",
     ("environment",), None),
    ("YJGL", "危险化学品经营单位安全生产条件的检查", "《危险化学品安全管理条例》；《危险化学品经营许可证管理办法》",
     "经营许可证、储存场所与库存限量、安全管理制度、从业人员培训", "onsite", "key", ("work_safety",), None),
    ("YJGL", "工贸企业安全生产主体责任落实情况的检查", "《中华人民共和国安全生产法》第六十五条",
     "安全生产责任制、教育培训、隐患排查治理、有限空间和粉尘涉爆作业管理", "onsite", "general",
     ("work_safety",), "safety.production"),
    ("YJGL", "生产经营单位应急预案管理情况的检查", "《生产安全事故应急条例》；《生产安全事故应急预案管理办法》",
     "应急预案编制、评审、公布、备案和演练记录", "documents", "general", ("work_safety",), None),
    ("WSJK", "公共场所卫生的监督检查", "《公共场所卫生管理条例》；《公共场所卫生管理条例实施细则》",
     "卫生许可证、从业人员健康合格证明、卫生检测、公共用品用具清洗消毒", "onsite", "general", ("health",), None),
    ("WSJK", "医疗机构依法执业情况的检查", "《医疗机构管理条例》；《中华人民共和国基本医疗卫生与健康法》",
     "执业许可与校验、卫生技术人员资质、诊疗科目、医疗废物处置", "onsite", "key", ("health",), None),
    ("WSJK", "用人单位职业病危害防治情况的检查", "《中华人民共和国职业病防治法》",
     "职业病危害项目申报、作业场所检测、劳动者职业健康检查、防护用品配备", "onsite", "general", ("health",), None),
    ("LSCB", "粮食收购资格及收购行为的检查", "《粮食流通管理条例》",
     "收购资格（备案）情况、执行国家粮食质量标准、按质论价、及时支付售粮款", "onsite", "key", ("grain",),
     "grain.purchase"),
    ("LSCB", "粮食库存数量和质量的检查", "《粮食流通管理条例》；《粮食质量安全监管办法》",
     "账实相符、库存粮食质量和储存品质、出入库质量检验、安全储粮", "onsite", "key", ("grain",), "grain.stock"),
    ("LSCB", "粮食经营台账和统计报送情况的检查", "《粮食流通管理条例》",
     "粮食购进、销售、储存台账的建立与保存，统计数据报送", "documents", "general", ("grain",), "grain.purchase"),
    ("JTYS", "道路货物运输经营者经营行为的检查", "《中华人民共和国道路运输条例》；《道路货物运输及站场管理规定》",
     "道路运输经营许可、车辆营运证与年审、驾驶员从业资格", "onsite", "general", ("transport",), None),
    ("JTYS", "道路危险货物运输企业安全管理情况的检查", "《道路危险货物运输管理规定》；《危险化学品安全管理条例》",
     "专用车辆与罐体检验、押运人员资格、动态监控、安全管理制度", "onsite", "key", ("transport",), None),
    ("JTYS", "机动车维修经营者经营行为的检查", "《中华人民共和国道路运输条例》；《机动车维修管理规定》",
     "经营备案、维修技术人员、配件进货记录、维修合同与结算清单", "onsite", "general", ("transport",), None),
    ("SWJ", "单用途商业预付卡发卡企业的检查", "《单用途商业预付卡管理办法（试行）》",
     "发卡备案、预收资金余额管理、售卡实名登记、章程与协议", "documents", "general", ("commerce",), None),
    ("SWJ", "报废机动车回收拆解企业的检查", "《报废机动车回收管理办法》",
     "资质认定、回收证明出具、拆解“五大总成”处置、回收拆解台账", "onsite", "key", ("commerce",), None),
    ("SWJ", "再生资源回收经营者的检查", "《再生资源回收管理办法》",
     "经营备案、生产性废旧金属收购登记、回收站点环境与安全", "onsite", "general", ("commerce",), None),
    ("WHLY", "娱乐场所经营活动的检查", "《娱乐场所管理条例》",
     "娱乐经营许可证、歌曲曲库内容、营业时间、未成年人保护", "onsite", "general", ("culture",), None),
    ("WHLY", "互联网上网服务营业场所经营活动的检查", "《互联网上网服务营业场所管理条例》",
     "网络文化经营许可证、上网人员身份登记、接纳未成年人情况", "onsite", "general", ("culture",), None),
    ("WHLY", "旅行社经营行为的检查", "《中华人民共和国旅游法》；《旅行社条例》",
     "业务经营许可、旅游合同、质量保证金、导游和领队委派", "documents", "general", ("culture",), None),
    ("NYNC", "农药经营者经营行为的检查", "《农药管理条例》",
     "农药经营许可、进货查验、购销台账、限制使用农药实名销售", "onsite", "key", ("agriculture",), None),
    ("NYNC", "种子生产经营者的检查", "《中华人民共和国种子法》",
     "种子生产经营许可或备案、品种审定登记、包装标签、经营档案", "onsite", "general", ("agriculture",), None),
    ("NYNC", "农产品生产企业和农民专业合作社农产品质量安全的检查", "《中华人民共和国农产品质量安全法》",
     "农业投入品使用记录、生产记录、承诺达标合格证、农药残留自检", "onsite", "general", ("agriculture",), None),
    ("NYNC", "兽药和饲料经营企业的检查", "《兽药管理条例》；《饲料和饲料添加剂管理条例》",
     "兽药经营许可证、进货查验、购销记录、饲料产品标签", "onsite", "general", ("agriculture",), None),
    ("ZJJ", "建筑施工企业安全生产条件的检查", "《建设工程安全生产管理条例》；《建筑施工企业安全生产许可证管理规定》",
     "安全生产许可证、三类人员考核、危大工程专项方案、施工起重机械使用登记", "onsite", "key", ("housing",), None),
    ("ZJJ", "房地产开发企业经营行为的检查", "《城市房地产开发经营管理条例》",
     "开发资质、商品房预售许可、预售资金监管、项目手册", "documents", "general", ("housing",), None),
    ("ZJJ", "物业服务企业服务行为的检查", "《物业管理条例》",
     "物业服务合同履行、收费公示、共用部位共用设施设备维护", "onsite", "general", ("housing",), None),
    ("RSJ", "用人单位遵守劳动保障法律法规情况的检查", "《劳动保障监察条例》第十一条",
     "劳动合同订立、工资支付、工作时间和休息休假、社会保险参保", "documents", "general", (), None),
    ("RSJ", "工程建设领域保障农民工工资支付情况的检查", "《保障农民工工资支付条例》",
     "农民工实名制管理、工资专用账户、工资保证金、维权信息公示", "onsite", "key", (), None),
    ("RSJ", "人力资源服务机构的检查", "《人力资源市场暂行条例》",
     "人力资源服务许可或备案、招聘信息真实性、服务台账", "documents", "general", (), None),
    ("JTJ", "民办学校办学行为的检查", "《中华人民共和国民办教育促进法》",
     "办学许可证、招生简章和广告备案、收费公示、教师资格", "documents", "general", (), None),
    ("JTJ", "经营高危险性体育项目的检查", "《全民健身条例》；《经营高危险性体育项目许可管理办法》",
     "许可证、社会体育指导人员和救助人员配备、场地设施安全", "onsite", "key", (), None),
    ("CGJ", "户外广告设施设置的检查", "《城市市容和环境卫生管理条例》",
     "设置审批、设施安全检测、规格与位置是否符合规划", "onsite", "general", ("housing",), None),
    ("CGJ", "城市建筑垃圾处置的检查", "《城市建筑垃圾管理规定》",
     "处置核准、运输车辆密闭、按规定路线和时间运输、消纳场所", "onsite", "general", ("housing",), None),
    ("CGJ", "瓶装燃气经营企业的检查", "《城镇燃气管理条例》",
     "燃气经营许可证、气瓶充装与检验、送气人员管理、用户安全检查", "onsite", "key", ("housing",), None),
)


def items() -> list[dict]:
    """The random-inspection item list (随机抽查事项清单): 43 published items, 2-5 per department."""
    out, counters = [], {}
    for dept, name, basis, content, method, kind, quals, form in ITEMS:
        counters[dept] = counters.get(dept, 0) + 1
        out.append({
            "code": f"{dept}-{counters[dept]:03d}",
            "name": name,
            "department": dept,
            "legal_basis": basis,
            "content": content,
            "method": method,
            "type": kind,
            "ratios": dict(RATIOS[kind]),
            "frequency": dict(FREQUENCY[kind]),
            "required_qualifications": list(quals),
            "form_ref": form,
            "version": 1,
            "published": True,
        })
    return out


def departments() -> list[dict]:
    """The departments: 南通市市场监督管理局 (city) and 13 departments of 通州区."""
    return [{"code": code, "name": name, "level": level, "jurisdiction": jurisdiction, "parent_code": parent}
            for code, name, level, jurisdiction, parent in DEPARTMENTS]


def users() -> list[dict]:
    """One demo user per role, with its password (see DEMO_PASSWORDS)."""
    return [{"username": username, "display_name": display, "role": role, "department_code": dept,
             "password": DEMO_PASSWORDS[username]} for username, display, role, dept in _USERS]


# --------------------------------------------------------------------------- entities

class Trade(NamedTuple):
    """A line of business: name word, GB/T 4754-2017 class, draw weight, special sector, extra departments."""

    word: str
    industry: str
    weight: float
    special: bool
    departments: tuple[str, ...] = ()


ENTERPRISE_TRADES = (
    Trade("食品", "C1431", 3, True), Trade("食品", "C1411", 2, True),
    Trade("粮油", "C1311", 2, True, ("LSCB",)), Trade("粮油", "F5121", 3, True, ("LSCB",)),
    Trade("油脂", "C1331", 1, True, ("LSCB",)), Trade("粮食购销", "F5111", 1.5, False, ("LSCB",)),
    Trade("粮食储备", "G5951", 0.5, False, ("LSCB",)), Trade("饲料", "C1329", 1, False, ("NYNC",)),
    Trade("家纺", "C1771", 6, False), Trade("纺织", "C1713", 3, False, ("STHJ",)),
    Trade("布艺", "C1773", 2, False), Trade("服饰", "C1819", 3, False),
    Trade("机械", "C3599", 4, False), Trade("机械制造", "C3484", 2, False), Trade("泵业", "C3441", 1, False),
    Trade("钢结构", "C3311", 2, False, ("YJGL",)), Trade("电梯", "C3435", 0.5, True),
    Trade("表面处理", "C3360", 1, False, ("STHJ", "YJGL")), Trade("涂料", "C2641", 1, True, ("STHJ", "YJGL")),
    Trade("化工", "F5169", 2, True, ("YJGL",)), Trade("塑料制品", "C2927", 2, False, ("STHJ",)),
    Trade("包装", "C2231", 2, False), Trade("家具", "C2110", 2, False, ("STHJ",)),
    Trade("建材", "F5165", 4, False), Trade("建材", "C3021", 1, False, ("STHJ",)),
    Trade("建筑工程", "E4710", 3, False, ("ZJJ", "RSJ")), Trade("装饰工程", "E5012", 3, False, ("ZJJ",)),
    Trade("房地产开发", "K7010", 1, False, ("ZJJ",)), Trade("物业管理", "K7020", 2, False, ("ZJJ",)),
    Trade("物流", "G5431", 4, False, ("JTYS",)), Trade("危险品运输", "G5435", 0.5, True, ("JTYS", "YJGL")),
    Trade("仓储", "G5920", 1, False), Trade("超市", "F5212", 2, True), Trade("商贸", "F5211", 3, False),
    Trade("大药房", "F5251", 1.5, True), Trade("餐饮管理", "H6210", 3, True),
    Trade("酒店管理", "H6110", 1, False, ("WSJK",)), Trade("燃气", "D4512", 0.5, True, ("YJGL", "CGJ")),
    Trade("石油", "F5265", 0.5, True, ("YJGL", "SWJ")), Trade("农资", "F5167", 1, True, ("NYNC",)),
    Trade("科技", "I6513", 4, False), Trade("广告", "L7259", 2, False),
    Trade("人力资源", "L7263", 1, False, ("RSJ",)), Trade("国际旅行社", "L7291", 0.5, False, ("WHLY",)),
    Trade("汽车服务", "O8111", 2, False, ("JTYS",)), Trade("文化艺术培训", "P8393", 1, False, ("JTJ",)),
    Trade("职业技能培训", "P8391", 0.5, False, ("RSJ",)), Trade("健身", "R8930", 0.5, False, ("JTJ",)),
    Trade("娱乐", "R9011", 0.5, False, ("WHLY", "WSJK")), Trade("电子", "C3990", 2, False),
    Trade("电动车", "C3770", 1, False), Trade("再生资源", "F5191", 0.5, False, ("SWJ", "STHJ")),
)
INDIVIDUAL_TRADES = (
    Trade("小吃店", "H6291", 6, True), Trade("面馆", "H6291", 3, True), Trade("饭店", "H6210", 4, True),
    Trade("快餐店", "H6220", 3, True), Trade("奶茶店", "H6239", 2, True), Trade("便利店", "F5213", 5, True),
    Trade("超市", "F5212", 4, True), Trade("粮油店", "F5221", 3, True, ("LSCB",)),
    Trade("粮食收购点", "F5111", 1, False, ("LSCB",)), Trade("水果店", "F5223", 3, True),
    Trade("肉食店", "F5224", 2, True), Trade("烟酒店", "F5226", 3, True), Trade("糕点店", "F5222", 1.5, True),
    Trade("副食品店", "F5229", 2, True), Trade("服装店", "F5232", 5, False), Trade("家纺店", "F5231", 2, False),
    Trade("五金店", "F5281", 3, False), Trade("建材经营部", "F5165", 2, False),
    Trade("理发店", "O8040", 3, False, ("WSJK",)), Trade("美容美发店", "O8040", 1.5, False, ("WSJK",)),
    Trade("足浴店", "O8052", 1, False, ("WSJK",)), Trade("洗衣店", "O8030", 1, False),
    Trade("汽车修理部", "O8111", 2, False, ("JTYS",)), Trade("药店", "F5251", 1, True),
    Trade("旅馆", "H6129", 1.5, False, ("WSJK",)), Trade("网吧", "R9013", 0.5, False, ("WHLY",)),
    Trade("手机店", "F5274", 2, False), Trade("家电商行", "F5272", 1.5, False),
    Trade("农资经营部", "F5167", 1, True, ("NYNC",)), Trade("废品回收站", "F5191", 1, False, ("SWJ",)),
    Trade("货运部", "G5431", 1.5, False, ("JTYS",)), Trade("装潢部", "E5012", 1, False),
    Trade("服装加工厂", "C1819", 1.5, False), Trade("家纺加工厂", "C1771", 2, False),
)
COOPERATIVE_TRADES = (
    Trade("稻麦种植专业合作社", "A0111", 4, False, ("NYNC", "LSCB")),
    Trade("蔬菜种植专业合作社", "A0141", 2, False, ("NYNC",)),
    Trade("生猪养殖专业合作社", "A0313", 1, False, ("NYNC", "STHJ")),
    Trade("家禽养殖专业合作社", "A0321", 1, False, ("NYNC",)),
    Trade("水产养殖专业合作社", "A0412", 1, False, ("NYNC",)),
    Trade("农机专业合作社", "A0512", 1, False, ("NYNC",)),
    Trade("果品种植专业合作社", "A0159", 1, False, ("NYNC",)),
)
PRODUCT_TRADES = (
    Trade("电动自行车", "C3770", 2, False), Trade("家用燃气灶具", "C3861", 1, False),
    Trade("床上用品", "C1771", 2, False), Trade("电线电缆", "C3831", 1, False),
    Trade("儿童服装", "C1819", 1, False),
)
EQUIPMENT_TRADES = (  # word = device; owners: property, dye works, steel works, gas and storage firms
    Trade("乘客电梯", "K7020", 4, True), Trade("燃气蒸汽锅炉", "C1713", 1, True, ("STHJ",)),
    Trade("桥式起重机", "C3311", 1, True), Trade("液化石油气储罐", "D4512", 0.5, True, ("YJGL",)),
    Trade("场（厂）内专用机动车辆", "G5920", 1, True),
)
PROJECT_TRADES = (
    Trade("住宅小区新建工程", "E4710", 2, False, ("ZJJ", "STHJ")),
    Trade("市政道路改造工程", "E4813", 1, False, ("ZJJ",)),
    Trade("标准厂房建设项目", "E4790", 1, False, ("ZJJ", "STHJ")),
)
_TRADES = {kind: _Weighted([(t, t.weight) for t in trades]) for kind, trades in (
    ("enterprise", ENTERPRISE_TRADES), ("individual", INDIVIDUAL_TRADES), ("cooperative", COOPERATIVE_TRADES),
    ("product", PRODUCT_TRADES), ("equipment", EQUIPMENT_TRADES), ("project", PROJECT_TRADES))}
_USCC_TYPE = {"individual": "92", "cooperative": "93"}  # everything else: enterprise '91'
_BUSINESS = ("enterprise", "individual", "cooperative")

REGIONS: dict[str, tuple[float, str, str, tuple[str, ...], tuple[str, ...]]] = {
    # code: (share, address prefix, short name, name prefixes of enterprises, towns)
    "320612": (88, "南通市通州区", "通州区", ("南通", "南通", "南通", "南通市通州区", "南通市通州区", "江苏"),
               ("金沙街道", "金新街道", "兴东街道", "先锋街道", "西亭镇", "二甲镇", "东社镇", "三余镇", "十总镇",
                "石港镇", "刘桥镇", "平潮镇", "兴仁镇", "川姜镇", "张芝山镇", "五接镇")),
    "320613": (3, "南通市崇川区", "崇川区", ("南通", "江苏"), ("和平桥街道", "任港街道", "新城桥街道", "观音山街道")),
    "320614": (2.5, "南通市海门区", "海门区", ("海门", "南通"), ("海门街道", "三厂街道", "三星镇", "临江镇")),
    "320623": (1.5, "南通市如东县", "如东县", ("如东", "南通"), ("掘港街道", "栟茶镇", "马塘镇", "岔河镇")),
    "320681": (2, "启东市", "启东市", ("启东", "南通"), ("汇龙镇", "吕四港镇", "南阳镇", "近海镇")),
    "320682": (1.5, "如皋市", "如皋市", ("如皋", "南通"), ("如城街道", "白蒲镇", "长江镇", "丁堰镇")),
    "320685": (1.5, "海安市", "海安市", ("海安", "南通"), ("海安街道", "城东镇", "曲塘镇", "李堡镇")),
}
ROADS = ("人民路", "建设路", "通州大道", "世纪大道", "金川路", "银河路", "朝霞路", "紫琅路", "新华路", "解放路",
         "振兴路", "工业园路", "跃进路", "和平路", "青年路", "长江路", "黄海路", "新港路", "兴业路", "府前路",
         "文峰路", "育才路", "商贸街", "农贸路", "东方大道")

_KIND = _Weighted([("enterprise", 55), ("individual", 40), ("cooperative", 3), ("product", 0.6),
                   ("equipment", 0.8), ("project", 0.6)])
_REGION = _Weighted([(code, r[0]) for code, r in REGIONS.items()])
_STATUS = _Weighted([("normal", 94), ("abnormal", 4), ("blacklisted", 0.5), ("deregistered", 1),
                     ("revoked", 0.5)])
# Base weights chosen so that, after abnormal A→B and blacklisted →D, the shares are A 35, B 45, C 15, D 5.
_RISK = _Weighted([("A", 36.65), ("B", 43.75), ("C", 15.08), ("D", 4.52)])
_SCALE = {"enterprise": _Weighted([("micro", 62), ("small", 28), ("medium", 8), ("large", 2)]),
          "individual": _Weighted([("micro", 1)]),
          "cooperative": _Weighted([("micro", 70), ("small", 30)])}
_COMPANY_FORM = _Weighted([("有限公司", 90), ("有限责任公司", 7), ("股份有限公司", 3)])
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def entities(n: int = 20000, seed: int = SEED) -> list[dict]:
    """The object register (检查对象名录库): n entities with valid, unique USCCs; a prefix is stable in n."""
    rng = random.Random(f"{seed}:entities")
    codes: set[str] = set()
    names: set[str] = set()
    return [_entity(rng, codes, names) for _ in range(n)]


def _entity(rng: random.Random, codes: set[str], names: set[str]) -> dict:
    kind = _KIND.pick(rng)
    region = _REGION.pick(rng) if kind in _BUSINESS else "320612"
    trade = _TRADES[kind].pick(rng)
    town = rng.choice(REGIONS[region][4])
    status = _STATUS.pick(rng)
    risk = _RISK.pick(rng)
    if status == "blacklisted":
        risk = "D"
    elif status == "abnormal" and risk == "A":
        risk = "B"
    departments = (["SCJG"] if kind in _BUSINESS + ("product", "equipment") else []) + list(trade.departments)
    return {
        "uscc": _unique(codes, lambda: _uscc(rng, kind, region)),
        "legacy_id": False,
        "name": _unique(names, lambda: _name(rng, kind, trade, region, town)),
        "kind": kind,
        "scale": _SCALE[kind].pick(rng) if kind in _SCALE else None,
        "industry": trade.industry,
        "region": region,
        "address": f"江苏省{REGIONS[region][1]}{town}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        "legal_person": _person(rng),
        "contact_phone": _mobile(rng) if rng.random() < 0.75 else f"0513-8{rng.randrange(10 ** 7):07d}",
        "status": status,
        "risk_class": risk,
        "special_sector": trade.special,
        "complaints_count": _complaints(rng, trade.special),
        "departments": departments,
    }


def _uscc(rng: random.Random, kind: str, region: str) -> str:
    """'9' (market regulator) + type + region + 9-character organisation code (GB 11714 check) + check."""
    if kind in _BUSINESS and kind != "enterprise" or rng.random() < 0.6:
        body = "MA" + "".join(rng.choices(ALPHABET, k=6))  # codes issued since 2015 start with MA
    else:
        body = "".join(rng.choices("0123456789", k=8))  # an old organisation code carried over
    total = sum(int(ch, 36) * w for ch, w in zip(body, _GB11714_WEIGHTS))
    org = body + "0123456789X0"[11 - total % 11]
    first17 = _USCC_TYPE.get(kind, "91") + region + org
    return first17 + check_character(first17)


def _name(rng: random.Random, kind: str, trade: Trade, region: str, town: str) -> str:
    zihao = "".join(rng.sample(ZIHAO, 2))
    _, address_prefix, short, prefixes, _ = REGIONS[region]
    town_short = town.removesuffix("街道").removesuffix("镇")
    if kind == "enterprise":
        return f"{rng.choice(prefixes)}{zihao}{trade.word}{_COMPANY_FORM.pick(rng)}"
    if kind == "individual":
        if rng.random() < 0.25:
            zihao = rng.choice((f"{rng.choice(SURNAMES)}记", f"老{rng.choice(SURNAMES)}", f"{_person(rng)}"))
        prefix = rng.choice((f"{short}{town_short}", address_prefix, short))
        return f"{prefix}{zihao}{trade.word}"
    if kind == "cooperative":
        return f"{address_prefix}{town}{zihao}{trade.word}"
    if kind == "product":
        return f"{zihao}牌{trade.word}（型号{rng.choice('ABCDEFGHJKLMNPTX')}{rng.randint(100, 999)}）"
    if kind == "equipment":
        return f"{zihao}{_EQUIPMENT_OWNER[trade.industry]}{rng.randint(1, 12)}号{trade.word}"
    return f"{short}{town}{zihao}{trade.word}"


_EQUIPMENT_OWNER = {"K7020": "物业", "C1713": "印染", "C3311": "钢结构", "D4512": "燃气", "G5920": "仓储"}


def _complaints(rng: random.Random, special: bool) -> int:
    """Complaints and reports received: mostly none, with a long tail (more in special sectors)."""
    if rng.random() < (0.75 if special else 0.86):
        return 0
    return min(int(rng.paretovariate(1.2)), 60)


# --------------------------------------------------------------------------- recusals

RECUSAL_REASONS = ("近亲属任该企业负责人", "配偶在该企业任职", "本人曾在该企业任职，离职未满三年",
                   "本人或近亲属持有该企业股份", "与该企业法定代表人存在债权债务关系",
                   "与该企业法定代表人系同学，往来密切")
INDIVIDUAL_RECUSAL_REASONS = ("近亲属为该个体工商户经营者", "与该个体工商户经营者系邻居，存在纠纷")


def recusals(entities: list[dict], inspectors: list[dict], seed: int = SEED, count: int = 30) -> list[dict]:
    """About 30 recusal relations (回避) between inspectors and entities their department supervises."""
    rng = random.Random(f"{seed}:recusals")
    by_dept: dict[str, list[dict]] = {}
    for e in entities:
        if e["status"] == "normal" and e["kind"] in _BUSINESS:
            for code in e["departments"]:
                by_dept.setdefault(code, []).append(e)
    pool = [i for i in inspectors if i["status"] == "active" and by_dept.get(i["department"])]
    linked = [i for i in pool if i["username"] == "inspector"]  # the demo inspector gets one, to show it
    out, seen = [], set()
    for attempt in range(count * 20):
        if len(out) >= count or not pool:
            break
        inspector = linked[0] if attempt == 0 and linked else rng.choice(pool)
        entity = rng.choice(by_dept[inspector["department"]])
        key = (inspector["credential_no"], entity["uscc"])
        if key in seen:
            continue
        seen.add(key)
        reasons = INDIVIDUAL_RECUSAL_REASONS if entity["kind"] == "individual" else RECUSAL_REASONS
        out.append({"credential_no": key[0], "uscc": key[1], "reason": rng.choice(reasons)})
    return out
