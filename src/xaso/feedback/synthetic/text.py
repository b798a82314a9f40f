"""Words of the synthetic citizen feedback (``feedback.synthetic``): what residents write per
category, what the ward answers, why it refuses, what citizens say when they rate.

The sentences are composed, never copied from real reports; places are filled in from the
seeded ward's streets. Placeholders: ``{where}`` (a place with its street), ``{since}``,
``{days}``, ``{storm}`` (when the last storm was), ``{tree}``, ``{procedure}``, ``{depth}``,
``{hour}``, ``{date}`` (dd/mm/yyyy of the answer), ``{level}`` (phường / xã).
"""

from __future__ import annotations

from xaso.core.seed import STREETS  # noqa: F401  (the streets every synthetic app uses)

# (how the resident says where, how the address field reads): "{n}" is a lane or house number.
PLACES = [
    ("đầu ngõ {n}", "Ngõ {n}"),
    ("cuối ngõ {n}", "Ngõ {n}"),
    ("trong ngõ {n}", "Ngõ {n}"),
    ("gần ngã ba ngõ {n}", "Ngõ {n}"),
    ("trước số nhà {n}", "Số {n}"),
    ("đối diện số nhà {n}", "Số {n}"),
    ("đoạn trước số {n}", "Số {n}"),
]

SINCE = [
    "từ tối qua",
    "mấy hôm nay",
    "từ đầu tuần",
    "đã gần một tuần",
    "từ hôm kia",
    "từ sáng nay",
    "nhiều ngày nay",
]
STORM_WHEN = ["đêm qua", "chiều qua", "sáng nay", "vừa rồi", "hôm qua"]
TREES = ["xà cừ", "bàng", "sấu", "phượng", "muồng", "hoa sữa", "long não", "bằng lăng"]
PROCEDURES = [
    "đăng ký khai sinh",
    "chứng thực bản sao",
    "đăng ký kết hôn",
    "xác nhận tình trạng hôn nhân",
    "đăng ký thường trú",
    "chứng thực chữ ký",
    "đăng ký khai tử",
]

# What residents write, per category code (catalogue.DEFAULT_CATEGORIES). "storm" variants
# are used in the days after a storm, "tet" ones in the weeks around Tết.
DESCRIPTIONS: dict[str, dict[str, list[str]]] = {
    "den-chieu-sang": {
        "usual": [
            "Đèn đường {where} không sáng {since}, buổi tối đi lại rất nguy hiểm.",
            "Cột đèn chiếu sáng {where} chập chờn, lúc sáng lúc tắt {since}.",
            "Cả dãy đèn {where} tắt {since}, khu vực tối om, người dân lo mất an ninh.",
            "Đèn chiếu sáng {where} sáng cả ban ngày, rất lãng phí điện.",
            "Cột đèn {where} bị nghiêng, dây điện hở ở chân cột, nguy hiểm cho trẻ em.",
            "Bóng đèn {where} bị vỡ, chỉ còn trơ khung, buổi tối không có ánh sáng.",
        ],
        "storm": [
            "Sau trận mưa giông {storm}, đèn đường {where} không sáng nữa.",
            "Mưa bão {storm} làm cột đèn {where} bị đổ nghiêng, dây điện sà xuống thấp.",
        ],
    },
    "thoat-nuoc": {
        "usual": [
            "Cống thoát nước {where} bị tắc, nước thải tràn lên mặt đường, bốc mùi hôi.",
            "Hố ga {where} bị mất nắp, rất nguy hiểm cho người đi đường, nhất là ban đêm.",
            "Rãnh thoát nước {where} đầy bùn đất, mỗi lần mưa là nước không thoát được.",
            "Nắp cống {where} bị vỡ, xe qua lại rất dễ sập bánh.",
            "Nước thải sinh hoạt {where} chảy tràn ra ngõ {since}, đề nghị nạo vét cống.",
        ],
        "storm": [
            "Mưa to {storm} làm {where} ngập sâu khoảng {depth} cm, xe máy chết máy hàng loạt.",
            "Sau trận mưa {storm}, {where} vẫn ngập, nước rút rất chậm.",
            "Nước mưa {storm} tràn vào nhà dân {where} vì cống thoát không kịp.",
            "Mưa lớn {storm} làm {where} thành sông, học sinh không đi học được.",
        ],
    },
    "rac-thai": {
        "usual": [
            "Rác thải {where} tồn đọng {days} ngày chưa được thu gom, bốc mùi rất khó chịu.",
            "Có người đổ trộm phế thải xây dựng {where} vào ban đêm.",
            "Điểm tập kết rác {where} để rác tràn ra lòng đường, ruồi nhặng rất nhiều.",
            "Xe thu gom rác đến muộn, rác để {where} từ chiều đến tối, mùi hôi ảnh hưởng "
            "các hộ xung quanh.",
            "Bãi đất trống {where} bị biến thành nơi đổ rác, đề nghị xử lý và rào chắn.",
            "Người dân đốt rác {where}, khói bay vào các nhà xung quanh.",
        ],
        "tet": [
            "Dịp giáp Tết rác thải {where} tăng nhiều, đã {days} ngày chưa được thu gom hết.",
            "Sau Tết, rác và vỏ bao bì đổ dồn {where}, chưa có xe đến thu gom.",
            "Cành đào, cây quất sau Tết bị vứt bừa bãi {where}.",
        ],
    },
    "lan-chiem": {
        "usual": [
            "Hàng quán {where} bày bàn ghế lấn chiếm hết vỉa hè, người đi bộ phải xuống lòng "
            "đường.",
            "Ô tô đỗ {where} chắn lối đi chung, xe cứu thương khó vào ngõ.",
            "Người bán hàng rong họp chợ tự phát {where} vào buổi sáng, gây ùn tắc.",
            "Cửa hàng {where} dựng mái che, biển quảng cáo lấn ra lòng đường.",
            "Gara ô tô {where} sửa xe ngay trên vỉa hè, dầu mỡ chảy ra đường.",
        ],
        "tet": [
            "Các điểm bán đào, quất {where} lấn chiếm vỉa hè và một phần lòng đường.",
            "Chợ hoa Tết tự phát {where} gây ùn tắc giao thông vào buổi tối.",
        ],
    },
    "mat-duong": {
        "usual": [
            "Mặt đường {where} xuất hiện ổ gà lớn, đã có người đi xe máy bị ngã.",
            "Vỉa hè {where} bị vỡ, gạch lát bong tróc, đi lại khó khăn.",
            "Mặt đường {where} bị sụt lún sau khi đơn vị thi công đào đường, chưa hoàn trả.",
            "Đường {where} bong tróc nhựa, mưa xuống đọng nước thành vũng.",
            "Tấm đan rãnh {where} bị gãy, người đi bộ dễ sa chân.",
        ],
        "storm": [
            "Sau đợt mưa {storm}, mặt đường {where} bị sụt thành hố sâu.",
        ],
    },
    "cay-xanh": {
        "usual": [
            "Cây {tree} {where} nghiêng nhiều, có nguy cơ đổ vào nhà dân.",
            "Cây xanh {where} mọc um tùm, cành vướng vào đường dây điện, đề nghị cắt tỉa.",
            "Cây {tree} {where} bị sâu mục rỗng gốc, đề nghị kiểm tra.",
            "Cành cây {tree} {where} che khuất đèn đường và biển báo.",
        ],
        "storm": [
            "Cây {tree} {where} bị gãy đổ sau trận mưa bão {storm}, chắn ngang đường.",
            "Cành cây lớn {where} gãy treo lơ lửng sau giông {storm}, rất nguy hiểm.",
            "Cây {tree} {where} bật gốc sau bão {storm}, đè lên mái nhà dân.",
            "Sau bão {storm}, cây đổ {where} làm đứt dây điện, cả ngõ mất điện.",
        ],
    },
    "trat-tu": {
        "usual": [
            "Nhà {where} hát karaoke rất to đến {hour} giờ đêm, ảnh hưởng giấc ngủ người già "
            "và trẻ nhỏ.",
            "Nhóm thanh niên tụ tập {where} uống rượu, gây ồn ào, mất trật tự.",
            "Quán {where} mở loa công suất lớn cả ngày.",
            "Xưởng {where} hoạt động gây tiếng ồn lớn vào ban đêm.",
            "Có đối tượng đua xe, rú ga {where} vào ban đêm.",
        ],
        "tet": [
            "Nhà {where} đốt pháo nổ đêm giao thừa, đề nghị xử lý.",
        ],
    },
    "xay-dung": {
        "usual": [
            "Công trình {where} xây dựng vượt số tầng được cấp phép.",
            "Hộ dân {where} đang cơi nới, lấn chiếm phần đất ngõ đi chung.",
            "Công trình {where} thi công không che chắn, vật liệu rơi xuống đường.",
            "Công trình {where} đổ bê tông vào ban đêm gây ồn, bụi.",
            "Công trình {where} thi công làm nứt tường nhà bên cạnh.",
        ],
    },
    "thuc-pham": {
        "usual": [
            "Quán ăn {where} chế biến thực phẩm mất vệ sinh, nước thải đổ ra đường.",
            "Gia đình tôi bị đau bụng sau khi ăn tại quán {where}, đề nghị kiểm tra.",
            "Hàng rong {where} bán đồ ăn không rõ nguồn gốc cho học sinh.",
            "Cơ sở giết mổ gia cầm {where} không đảm bảo vệ sinh.",
        ],
        "tet": [
            "Cơ sở {where} bán giò chả, bánh chưng không rõ nguồn gốc dịp Tết.",
        ],
    },
    "thu-tuc": {
        "usual": [
            "Tôi nộp hồ sơ {procedure} tại bộ phận một cửa đã {days} ngày nhưng chưa nhận được "
            "kết quả.",
            "Đề nghị hướng dẫn rõ thành phần hồ sơ {procedure}, tôi phải đi lại nhiều lần.",
            "Cán bộ tiếp nhận hồ sơ {procedure} có thái độ chưa đúng mực.",
            "Máy lấy số thứ tự tại bộ phận một cửa bị lỗi, người dân phải chờ lâu.",
            "Nộp hồ sơ {procedure} trực tuyến bị báo lỗi khi thanh toán lệ phí.",
        ],
    },
    "khac": {
        "usual": [
            "Đề nghị lắp thêm biển báo giao thông {where}, xe đi tốc độ cao rất nguy hiểm.",
            "Chó thả rông {where} không rọ mõm, đã cắn người.",
            "Đề nghị bố trí thêm ghế đá và đèn tại vườn hoa {where}.",
            "Tình trạng dán quảng cáo, rao vặt {where} làm mất mỹ quan.",
            "Dây điện, cáp viễn thông {where} chằng chịt, võng thấp.",
        ],
    },
}

CLOSINGS = [
    "",
    "",
    " Đề nghị {level} kiểm tra, xử lý.",
    " Mong cơ quan chức năng sớm giải quyết.",
    " Đề nghị xử lý dứt điểm.",
    " Tôi đã phản ánh trước đây nhưng chưa được khắc phục.",
    " Xin cảm ơn.",
]

# Public answers of the handling department, per category.
ANSWERS: dict[str, list[str]] = {
    "den-chieu-sang": [
        "UBND {level} đã chỉ đạo đơn vị duy trì hệ thống chiếu sáng kiểm tra, thay bóng đèn và "
        "bộ điều khiển; hệ thống đã sáng bình thường từ ngày {date}.",
        "Đơn vị quản lý chiếu sáng đã sửa chữa đường dây, khắc phục sự cố mất điện cục bộ; "
        "đèn đã hoạt động trở lại. Cảm ơn người dân đã phản ánh.",
        "Đã dựng lại cột đèn, bọc cách điện chân cột và thay bóng LED mới.",
    ],
    "thoat-nuoc": [
        "Phòng Kinh tế, Hạ tầng và Đô thị đã phối hợp đơn vị thoát nước nạo vét cống, khơi "
        "thông dòng chảy; tuyến cống đã thoát nước bình thường.",
        "Đã lắp đặt nắp hố ga mới và cắm biển cảnh báo trong thời gian thi công.",
        "Đơn vị thoát nước đã bố trí máy bơm tiêu úng; nước đã rút hết ngày {date}. Phường "
        "đưa tuyến cống này vào kế hoạch cải tạo năm tới.",
    ],
    "rac-thai": [
        "Đơn vị thu gom đã thu dọn toàn bộ rác tồn đọng ngày {date} và tăng tần suất thu gom "
        "tại điểm này.",
        "UBND {level} đã thu dọn phế thải, lắp camera và biển cấm đổ rác; trường hợp vi phạm "
        "sẽ bị xử phạt theo quy định.",
        "Tổ dân phố đã nhắc nhở các hộ để rác đúng giờ; đơn vị thu gom đã điều chỉnh giờ xe đến.",
    ],
    "lan-chiem": [
        "Tổ trật tự đô thị của {level} đã kiểm tra, yêu cầu các hộ thu dọn bàn ghế, trả lại "
        "vỉa hè; đã lập biên bản 2 trường hợp tái phạm.",
        "Lực lượng chức năng đã giải toả điểm họp chợ tự phát và sẽ kiểm tra thường xuyên.",
        "Đã yêu cầu chủ phương tiện di chuyển xe, trả lại lối đi chung.",
    ],
    "mat-duong": [
        "Đã vá ổ gà, hoàn trả mặt đường ngày {date}.",
        "UBND {level} đã yêu cầu đơn vị thi công hoàn trả mặt đường đúng hiện trạng; việc "
        "hoàn trả đã xong.",
        "Đã lát lại vỉa hè và thay tấm đan rãnh bị gãy.",
    ],
    "cay-xanh": [
        "Đơn vị duy trì cây xanh đã cắt, thu dọn cây đổ và thông đường ngay trong ngày.",
        "Đã cắt tỉa cành, hạ độ cao tán cây để bảo đảm an toàn mùa mưa bão.",
        "Đã chặt hạ cây mục rỗng và sẽ trồng cây mới thay thế.",
    ],
    "trat-tu": [
        "Công an {level} đã đến kiểm tra, nhắc nhở các hộ giữ trật tự; trường hợp tái phạm "
        "sẽ bị xử phạt theo Nghị định 144/2021/NĐ-CP.",
        "Tổ công tác đã giải tán nhóm tụ tập và tăng cường tuần tra vào buổi tối.",
        "Đã lập biên bản vi phạm về gây tiếng ồn và yêu cầu cơ sở cam kết không tái phạm.",
    ],
    "xay-dung": [
        "Đội kiểm tra trật tự xây dựng đã kiểm tra, lập biên bản và yêu cầu chủ đầu tư dừng "
        "thi công phần sai phép.",
        "Công trình có giấy phép, thi công đúng phép; đã yêu cầu chủ đầu tư che chắn, vệ sinh "
        "đường.",
        "Đã ban hành quyết định xử phạt và buộc tháo dỡ phần cơi nới lấn chiếm ngõ.",
    ],
    "thuc-pham": [
        "Đoàn kiểm tra liên ngành đã kiểm tra cơ sở, lấy mẫu thực phẩm và nhắc nhở khắc "
        "phục các điều kiện vệ sinh.",
        "Đã xử phạt cơ sở vi phạm và yêu cầu tạm dừng hoạt động đến khi đủ điều kiện.",
    ],
    "thu-tuc": [
        "Bộ phận một cửa đã liên hệ công dân, trả kết quả hồ sơ và xin lỗi vì sự chậm trễ.",
        "Đã hướng dẫn công dân thành phần hồ sơ và niêm yết lại quy trình tại bộ phận một cửa.",
        "Lãnh đạo {level} đã làm việc với cán bộ liên quan và chấn chỉnh thái độ phục vụ.",
    ],
    "khac": [
        "UBND {level} đã tiếp thu ý kiến và đưa vào kế hoạch thực hiện; đã phối hợp đơn vị "
        "liên quan xử lý.",
        "Đã chuyển thông tin đến đơn vị quản lý và nhận được phản hồi khắc phục xong.",
    ],
}

SECOND_ANSWER = [
    "Đã kiểm tra lại hiện trường và khắc phục dứt điểm; đơn vị quản lý được yêu cầu kiểm tra "
    "định kỳ tại vị trí này.",
    "Đã xử lý lại theo phản ánh bổ sung của người dân; sự việc đã được giải quyết.",
]

REJECTIONS = [
    "Nội dung phản ánh không thuộc thẩm quyền giải quyết của UBND {level}; đề nghị công dân "
    "liên hệ cơ quan có thẩm quyền.",
    "Địa điểm phản ánh không thuộc địa bàn {level} quản lý.",
    "Nội dung phản ánh chưa rõ, không đủ thông tin để xác minh; đề nghị gửi lại kèm địa chỉ "
    "cụ thể và hình ảnh.",
    "Vụ việc là tranh chấp dân sự giữa các hộ gia đình; đề nghị gửi đơn đến Tổ hoà giải ở cơ "
    "sở hoặc Toà án nhân dân.",
    "Nội dung mang tính quảng cáo, không phải phản ánh kiến nghị.",
]

REOPEN_REASONS = [
    "Sự việc vẫn chưa được khắc phục.",
    "Mới xử lý tạm thời, hai hôm sau tình trạng lại như cũ.",
    "Đơn vị chỉ đến xem rồi về, chưa xử lý.",
    "Vẫn còn tái diễn vào buổi tối.",
]

GOOD_COMMENTS = [
    "Cảm ơn {level} đã xử lý nhanh.",
    "Xử lý kịp thời, rất hài lòng.",
    "Cán bộ nhiệt tình, chu đáo.",
    "Đã khắc phục xong, cảm ơn.",
]
BAD_COMMENTS = [
    "Xử lý quá chậm.",
    "Mới xử lý tạm thời, chưa dứt điểm.",
    "Phải phản ánh nhiều lần mới được giải quyết.",
]

# Names of people who leave their contact (synthetic).
FAMILY = ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
FAMILY += ["Đỗ", "Ngô", "Dương", "Phan", "Đinh", "Trịnh", "Đào", "Lương", "Mai", "Cao"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thị", "Quang", "Thu", "Hữu", "Ngọc", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hiền", "Hoa", "Hùng", "Hương"]
GIVEN += ["Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phong", "Sơn", "Tâm", "Thảo"]
GIVEN += ["Thắng", "Thủy", "Trang", "Tuấn", "Tùng", "Vân", "Việt", "Yến", "Quân", "Khánh"]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035"]
PHONE_PREFIXES += ["036", "037", "038", "039", "070", "077", "079", "081", "083", "085", "086"]
