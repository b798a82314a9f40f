"""The categories a commune starts with: what wards most often hear about, with the
department that handles each and its SLA in working hours (iHanoi's rule of thumb: urgent
matters within 4–8 working hours, routine ones within a few working days). Admins edit them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    group: str
    department: str  # Department.code in the commune
    sla_hours: int
    keywords: str = ""
    description: str = ""
    attributes: list[dict] = field(default_factory=list)


DEFAULT_CATEGORIES = [
    CategorySpec(
        "den-chieu-sang",
        "Đèn chiếu sáng công cộng hỏng",
        "Hạ tầng đô thị",
        "KT",
        16,
        "đèn đường, cột đèn, tối, chiếu sáng",
        "Đèn đường không sáng, sáng cả ngày, cột đèn nghiêng đổ, hở điện.",
        [
            {
                "code": "so-cot-den",
                "description": "Số hiệu ghi trên cột đèn (nếu thấy)",
                "datatype": "string",
                "required": False,
                "order": 1,
            }
        ],
    ),
    CategorySpec(
        "thoat-nuoc",
        "Ngập úng, tắc cống thoát nước",
        "Hạ tầng đô thị",
        "KT",
        8,
        "ngập, úng, cống, rãnh, nắp cống, thoát nước",
        "Đường ngập sau mưa, cống tắc, mất nắp hố ga.",
        [
            {
                "code": "muc-ngap",
                "description": "Mức nước ngập",
                "datatype": "singlevaluelist",
                "required": True,
                "order": 1,
                "values": [
                    {"key": "khong-ngap", "name": "Không ngập (chỉ tắc cống)"},
                    {"key": "duoi-20cm", "name": "Dưới 20 cm"},
                    {"key": "20-50cm", "name": "Từ 20 đến 50 cm"},
                    {"key": "tren-50cm", "name": "Trên 50 cm"},
                ],
            }
        ],
    ),
    CategorySpec(
        "rac-thai",
        "Rác thải, vệ sinh môi trường",
        "Môi trường",
        "KT",
        8,
        "rác, bãi rác, đổ trộm, phế thải, mùi hôi",
        "Rác không được thu gom, đổ phế thải trái phép, điểm tập kết gây mùi.",
    ),
    CategorySpec(
        "lan-chiem",
        "Lấn chiếm vỉa hè, lòng đường",
        "Trật tự đô thị",
        "KT",
        24,
        "vỉa hè, lòng đường, lấn chiếm, bán hàng, đỗ xe",
    ),
    CategorySpec(
        "mat-duong",
        "Hư hỏng mặt đường, vỉa hè",
        "Hạ tầng đô thị",
        "KT",
        40,
        "ổ gà, sụt lún, vỡ vỉa hè, đường hỏng",
    ),
    CategorySpec(
        "cay-xanh",
        "Cây xanh gãy đổ, cần cắt tỉa",
        "Môi trường",
        "KT",
        16,
        "cây đổ, cành gãy, cắt tỉa, cây nghiêng",
    ),
    CategorySpec(
        "trat-tu",
        "Tiếng ồn, mất trật tự công cộng",
        "An ninh trật tự",
        "VP",
        8,
        "ồn, karaoke, loa, tụ tập, mất trật tự",
    ),
    CategorySpec(
        "xay-dung",
        "Xây dựng không phép, sai phép",
        "Trật tự xây dựng",
        "KT",
        40,
        "xây dựng, công trình, giấy phép, cơi nới",
    ),
    CategorySpec(
        "thuc-pham",
        "Vệ sinh an toàn thực phẩm",
        "Y tế",
        "VHXH",
        24,
        "thực phẩm, quán ăn, ngộ độc, hàng rong",
    ),
    CategorySpec(
        "thu-tuc",
        "Thủ tục hành chính, thái độ phục vụ",
        "Hành chính công",
        "HCC",
        16,
        "thủ tục, hồ sơ, một cửa, thái độ, chậm",
    ),
    CategorySpec("khac", "Vấn đề khác", "Khác", "VP", 24, "khác"),
]
