"""A labelled set for the supplier ranking: Korean needs as regional firms write them, and a
small fixed corpus of AI suppliers and distractors with, for each need, the suppliers that
should rank in its top 10. Used by the rank-quality test and by benchmarks/bench_matchmaking.py
(there beside 20,000 generated companies).

Distractors: AI companies whose descriptions are all buzzwords (데이터, 플랫폼, 자동화,
솔루션) and match every need a little; AI companies of unrelated trades; a company that does
inspection by hand (not an AI supplier); a strong match that takes no requests; a strong match
whose profile is not public. None of them is a right answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Supplier:
    key: str
    name: str
    description: str
    products: str
    technologies: tuple[str, ...] = ()
    province: str = "gwangju"
    public: bool = True
    accepts_needs: bool = True


@dataclass(frozen=True)
class LabelledNeed:
    title: str
    description: str
    data: str
    expected: tuple[str, ...]  # supplier keys that should be in the top 10


SUPPLIERS: tuple[Supplier, ...] = (
    Supplier(
        "vision_defect",
        "(주)비전검사랩",
        "딥러닝 머신비전으로 제조 라인의 외관 불량을 자동 검사합니다. 금속 부품과 사출품의 "
        "스크래치, 찍힘, 이물을 카메라 영상으로 찾아냅니다.",
        "외관 불량 검사 장비, 머신비전 검사 소프트웨어",
        ("vision", "manufacturing"),
    ),
    Supplier(
        "pcb_inspect",
        "(주)기판아이",
        "PCB 기판과 전자부품의 납땜 불량을 엑스레이와 카메라 영상으로 판별하는 인공지능 검사 "
        "시스템을 공급합니다.",
        "PCB 납땜 검사기, 전자부품 엑스레이 판독",
        ("vision",),
        "gyeonggi",
    ),
    Supplier(
        "predictive",
        "(주)예지정비",
        "설비의 진동, 전류, 온도 데이터를 분석해 고장을 미리 알려 주는 예지보전 플랫폼입니다. "
        "모터와 펌프, 컨베이어의 이상을 감지합니다.",
        "설비 예지보전 솔루션, 진동 센서",
        ("manufacturing", "data"),
    ),
    Supplier(
        "power_forecast",
        "(주)와트예측",
        "공장과 건물의 전력 사용량을 예측하고 피크 전력을 줄이는 에너지 관리 인공지능입니다. "
        "전기요금 절감을 돕습니다.",
        "전력 수요 예측, 공장 에너지 관리 시스템(FEMS)",
        ("energy",),
    ),
    Supplier(
        "solar",
        "(주)햇살발전AI",
        "태양광 발전소의 발전량을 날씨로 예측하고 인버터와 패널의 이상을 탐지합니다.",
        "태양광 발전량 예측, 발전소 원격 감시",
        ("energy",),
        "jeonnam",
    ),
    Supplier(
        "smartfarm",
        "(주)온실두뇌",
        "스마트팜 온실의 온도, 습도, 양액 공급을 인공지능이 자동으로 제어해 딸기와 토마토 "
        "수확량을 높입니다.",
        "스마트팜 환경 제어기, 양액 자동 공급",
        ("data",),
        "jeonnam",
    ),
    Supplier(
        "crop_disease",
        "(주)잎새진단",
        "작물 잎 사진으로 병해충을 진단하고 방제 시기를 알려 주는 앱을 만듭니다. 고추, 배추, "
        "사과 병해를 구분합니다.",
        "병해충 진단 앱",
        ("vision",),
        "jeonbuk",
    ),
    Supplier(
        "livestock",
        "(주)축사지킴이",
        "축사 카메라 영상으로 돼지와 소의 건강 이상, 발정, 분만을 감지하는 축산 인공지능입니다.",
        "축사 영상 분석, 가축 건강 감시",
        ("vision",),
        "jeonnam",
    ),
    Supplier(
        "aquaculture",
        "(주)물고기연구소",
        "양식장 수질 센서와 사료 급이 기록으로 어류 폐사와 질병을 예측하는 수산 양식 솔루션입니다.",
        "양식장 수질 관리, 폐사 예측",
        ("data",),
        "jeonnam",
    ),
    Supplier(
        "produce_sorting",
        "(주)선별로직",
        "농산물 선별기에 영상 인공지능을 더해 과일의 크기, 색깔, 흠집을 보고 등급을 선별합니다.",
        "과일 등급 선별기, 농산물 선별 비전",
        ("vision", "manufacturing"),
        "gyeongbuk",
    ),
    Supplier(
        "demand",
        "(주)수요셈",
        "유통과 식품 기업의 판매량과 재고를 예측해 발주를 자동으로 제안하는 수요예측 "
        "솔루션입니다. 폐기 재고를 줄입니다.",
        "판매량 예측, 자동 발주",
        ("data",),
        "seoul",
    ),
    Supplier(
        "routing",
        "(주)길찾기물류",
        "택배와 화물 배송 경로를 최적화하고 차량 배차를 자동으로 짜는 물류 인공지능입니다.",
        "배송 경로 최적화, 배차 자동화",
        ("mobility", "data"),
        "busan",
    ),
    Supplier(
        "warehouse",
        "(주)창고로봇",
        "물류센터의 피킹과 적재를 자동화하는 자율이동로봇(AMR)과 창고 관리 시스템을 공급합니다.",
        "자율이동로봇, 물류센터 피킹 로봇",
        ("robotics",),
        "gyeonggi",
    ),
    Supplier(
        "cobot",
        "(주)협동로보",
        "용접과 조립, 포장 공정에 투입하는 협동로봇과 로봇 비전 티칭을 제공합니다. 작은 공장도 "
        "쉽게 씁니다.",
        "협동로봇, 용접 로봇 셀",
        ("robotics", "manufacturing"),
        "gyeongnam",
    ),
    Supplier(
        "med_imaging",
        "(주)메디영상",
        "흉부 엑스레이와 CT 의료영상을 판독 보조하는 인공지능입니다. 폐결절과 골절을 표시해 "
        "영상의학과 판독 시간을 줄입니다.",
        "의료영상 판독 보조 소프트웨어",
        ("healthcare", "vision"),
        "seoul",
    ),
    Supplier(
        "emr",
        "(주)차트요약",
        "진료기록과 의무기록 문서를 자연어 처리로 요약하고 진단 코드를 추천하는 병원용 "
        "인공지능입니다.",
        "의무기록 요약, 진단 코드 추천",
        ("healthcare", "language"),
    ),
    Supplier(
        "care",
        "(주)돌봄소리",
        "혼자 사는 어르신 댁에 돌봄 스피커와 낙상 감지 센서를 두고, 응급 상황이면 보호자와 "
        "관제센터에 알립니다.",
        "돌봄 인공지능 스피커, 낙상 감지",
        ("healthcare", "speech"),
    ),
    Supplier(
        "callcenter",
        "(주)콜봇",
        "음성인식과 챗봇으로 고객 상담 콜센터의 전화 응대를 자동화합니다. 주문 확인과 배송 "
        "문의를 처리합니다.",
        "음성 상담봇, 콜센터 자동화",
        ("speech", "language"),
    ),
    Supplier(
        "civil_llm",
        "(주)민원도우미",
        "대규모 언어모델(LLM)로 민원 상담 챗봇과 행정 문서 검색 서비스를 만듭니다. 규정과 "
        "지침을 찾아 답을 씁니다.",
        "민원 챗봇, 행정 문서 검색",
        ("language", "generative"),
    ),
    Supplier(
        "ocr",
        "(주)서류읽기",
        "종이 서류, 영수증, 거래명세서를 OCR로 읽어 전산에 자동 입력하는 문서 자동화 서비스입니다.",
        "OCR 문서 인식, 전표 자동 입력",
        ("vision", "language"),
        "daejeon",
    ),
    Supplier(
        "translate",
        "(주)말바꿈",
        "제품 설명서와 수출 서류를 영어, 중국어, 베트남어로 옮기는 기계번역 서비스입니다.",
        "기계번역, 수출 서류 번역",
        ("language",),
        "seoul",
    ),
    Supplier(
        "gen_design",
        "(주)그림생성",
        "생성형 인공지능으로 제품 디자인 시안과 광고 이미지, 상세페이지를 만들어 드립니다.",
        "광고 이미지 생성, 상세페이지 제작",
        ("generative",),
        "seoul",
    ),
    Supplier(
        "recommend",
        "(주)추천엔진",
        "온라인 쇼핑몰의 고객 구매 기록을 분석해 상품을 추천하는 개인화 추천 엔진을 공급합니다.",
        "상품 추천 엔진, 고객 분석",
        ("data",),
        "seoul",
    ),
    Supplier(
        "site_safety",
        "(주)안전눈",
        "건설 현장과 공장의 CCTV 영상으로 안전모 미착용과 위험 구역 침입, 쓰러짐을 실시간으로 "
        "감지합니다.",
        "CCTV 안전 감시, 중대재해 예방",
        ("vision",),
    ),
    Supplier(
        "fire",
        "(주)연기감지",
        "산불과 공장 화재의 연기와 불꽃을 카메라 영상으로 조기에 감지해 알리는 시스템입니다.",
        "화재 조기 감지 카메라",
        ("vision",),
        "gangwon",
    ),
    Supplier(
        "drone",
        "(주)하늘점검",
        "드론으로 교량과 송전탑, 태양광 패널을 촬영하고 균열과 결함을 인공지능으로 찾아내는 "
        "시설물 점검 서비스입니다.",
        "드론 시설물 점검, 균열 탐지",
        ("vision", "robotics"),
    ),
    Supplier(
        "traffic",
        "(주)신호지능",
        "교차로 교통량을 카메라로 세어 신호 주기를 최적화하는 스마트 교차로 시스템입니다.",
        "스마트 교차로, 교통 신호 최적화",
        ("mobility", "vision"),
    ),
    Supplier(
        "leak",
        "(주)누수탐지",
        "상수도 관망에 음향 센서를 달아 누수 위치를 인공지능으로 찾아냅니다.",
        "상수도 누수 탐지",
        ("data",),
        "chungnam",
    ),
    Supplier(
        "process",
        "(주)공정최적",
        "사출 성형과 주조 공정의 온도, 압력 데이터를 분석해 공정 조건을 최적화하고 불량률을 "
        "낮추는 제조 공정 인공지능입니다.",
        "공정 조건 최적화, 불량률 예측",
        ("manufacturing", "data"),
        "ulsan",
    ),
    Supplier(
        "battery",
        "(주)셀체크",
        "이차전지 셀 제조 공정의 검사와 배터리 수명 예측, 충방전 데이터 분석을 제공합니다.",
        "배터리 수명 예측, 셀 검사",
        ("energy", "manufacturing"),
        "chungbuk",
    ),
    Supplier(
        "kiosk",
        "(주)말로주문",
        "어르신도 말로 주문할 수 있는 음성 주문 키오스크를 식당과 카페에 공급합니다.",
        "음성 주문 키오스크",
        ("speech",),
    ),
    Supplier(
        "coldchain",
        "(주)냉장감시",
        "냉장·냉동 물류의 온도를 센서로 실시간 감시하고 냉동기 고장을 미리 알리는 콜드체인 "
        "관리 서비스입니다.",
        "콜드체인 온도 감시",
        ("data",),
        "jeonnam",
    ),
    Supplier(
        "tutor",
        "(주)맞춤튜터",
        "학생의 학습 수준을 진단하고 맞춤 문제를 추천하는 에듀테크 튜터입니다.",
        "학습 진단, 맞춤 문제 추천",
        ("language",),
        "seoul",
    ),
    Supplier(
        "hiring",
        "(주)인재매칭",
        "채용 공고와 이력서를 분석해 맞는 인재를 추천하는 채용 매칭 서비스입니다.",
        "이력서 분석, 인재 추천",
        ("language",),
        "seoul",
    ),
    Supplier(
        "contract",
        "(주)계약검토",
        "계약서의 독소 조항을 찾아 주는 법률 문서 검토 인공지능입니다.",
        "계약서 검토",
        ("language",),
        "seoul",
    ),
    # --- distractors -----------------------------------------------------------------------
    Supplier(
        "buzz1",
        "(주)데이터플랫폼",
        "인공지능 데이터 분석 플랫폼과 자동화 솔루션을 구축합니다. 다양한 산업의 시스템을 "
        "개발하고 관리합니다.",
        "데이터 플랫폼, 시스템 구축",
        ("data",),
    ),
    Supplier(
        "buzz2",
        "(주)스마트솔루션",
        "기업의 디지털 전환을 위한 인공지능 솔루션과 데이터 관리 서비스를 제공합니다. 자동화와 "
        "분석, 예측 모델 개발을 돕습니다.",
        "AI 솔루션, 데이터 관리",
        ("data", "generative"),
    ),
    Supplier(
        "buzz3",
        "(주)지능정보",
        "빅데이터와 인공지능 모델을 개발하는 소프트웨어 기업입니다. 클라우드와 서버, 시스템 "
        "운영을 맡습니다.",
        "AI 모델 개발, 클라우드 운영",
        ("data",),
        "gwangju",
    ),
    Supplier(
        "game",
        "(주)게임캐릭터",
        "게임 캐릭터와 배경을 생성형 인공지능으로 만드는 게임 개발사입니다.",
        "게임 캐릭터 생성",
        ("generative",),
        "seoul",
    ),
    Supplier(
        "security",
        "(주)보안지능",
        "해킹과 악성코드를 인공지능으로 탐지하는 정보보안 관제 서비스입니다.",
        "보안 관제, 악성코드 탐지",
        ("data",),
        "seoul",
    ),
    Supplier(
        "fintech",
        "(주)신용모델",
        "금융 거래의 이상 거래를 탐지하고 신용을 평가하는 금융 인공지능입니다.",
        "이상 거래 탐지, 신용 평가",
        ("data",),
        "seoul",
    ),
    Supplier(
        "music",
        "(주)작곡봇",
        "생성형 인공지능으로 광고 음악과 배경 음악을 작곡합니다.",
        "음악 생성",
        ("generative",),
        "seoul",
    ),
    Supplier(
        "manual_inspect",
        "(주)손검사",
        "자동차 부품의 외관 불량 검사와 선별 작업을 숙련 작업자가 대행하는 검사 전문 업체입니다.",
        "외관 검사 대행, 부품 선별",
        (),
    ),
    Supplier(
        "refuses",
        "(주)바쁜비전",
        "머신비전으로 금속 부품의 외관 불량과 스크래치를 자동 검사합니다.",
        "외관 불량 검사",
        ("vision",),
        accepts_needs=False,
    ),
    Supplier(
        "hidden",
        "(주)비공개스마트팜",
        "스마트팜 온실 환경을 자동 제어하고 양액을 관리하는 인공지능입니다.",
        "스마트팜 제어",
        ("data",),
        public=False,
    ),
)

NEEDS: tuple[LabelledNeed, ...] = (
    LabelledNeed(
        "부품 외관 불량 검사를 자동화하고 싶습니다",
        "자동차 부품을 만드는 공장입니다. 작업자가 눈으로 스크래치와 찍힘을 검사하는데 놓치는 "
        "불량이 많습니다. 카메라로 불량을 자동으로 찾아내고 싶습니다.",
        "불량 사진 3천 장",
        ("vision_defect",),
    ),
    LabelledNeed(
        "전자 기판 납땜 불량 판별",
        "PCB 조립 후 납땜이 덜 된 곳을 사람이 확대경으로 봅니다. 엑스레이 영상으로 자동 판별이 "
        "되면 좋겠습니다.",
        "엑스레이 영상 일부",
        ("pcb_inspect",),
    ),
    LabelledNeed(
        "설비 고장을 미리 알고 싶어요",
        "컨베이어와 모터가 갑자기 멈추면 하루 생산이 날아갑니다. 진동 센서를 달아 고장 전에 "
        "알림을 받고 싶습니다.",
        "설비 가동 기록 2년치",
        ("predictive",),
    ),
    LabelledNeed(
        "공장 전기요금을 줄이고 싶습니다",
        "여름마다 피크 전력 때문에 전기요금이 많이 나옵니다. 전력 사용량을 예측해서 설비 "
        "가동 시간을 조정하고 싶습니다.",
        "월별 전력 사용량",
        ("power_forecast",),
    ),
    LabelledNeed(
        "태양광 발전량 예측",
        "축사 지붕에 태양광 발전 설비를 올렸는데 발전량이 날마다 들쭉날쭉합니다. 발전량을 "
        "예측하고 패널 이상을 알고 싶습니다.",
        "인버터 기록",
        ("solar",),
    ),
    LabelledNeed(
        "딸기 온실 환경을 자동으로 관리하고 싶어요",
        "딸기 농사를 짓는 농가입니다. 온실 온도와 습도를 매번 손으로 맞추느라 힘듭니다. "
        "양액도 자동으로 주고 싶습니다.",
        "온도 습도 기록",
        ("smartfarm",),
    ),
    LabelledNeed(
        "고추 병해충을 일찍 찾고 싶습니다",
        "고추밭에 병이 돌면 한 해 농사를 망칩니다. 잎 사진만 찍어도 어떤 병인지 알려 주는 "
        "서비스가 있으면 합니다.",
        "잎 사진 조금",
        ("crop_disease",),
    ),
    LabelledNeed(
        "돼지 축사 건강 관리",
        "양돈 농장입니다. 돼지가 아프거나 분만이 시작되는 것을 밤에도 놓치지 않고 알고 "
        "싶습니다. 축사에 카메라는 있습니다.",
        "축사 영상",
        ("livestock",),
    ),
    LabelledNeed(
        "양식장 물고기 폐사를 줄이고 싶어요",
        "광어 양식장을 합니다. 수질이 나빠지면 물고기가 한꺼번에 죽습니다. 폐사를 미리 "
        "예측하고 싶습니다.",
        "수온과 용존산소 기록",
        ("aquaculture",),
    ),
    LabelledNeed(
        "사과 등급 선별을 자동으로",
        "사과를 크기와 색깔로 나누는 일을 사람이 합니다. 흠집 있는 과일도 선별기에서 자동으로 "
        "골라내고 싶습니다.",
        "",
        ("produce_sorting",),
    ),
    LabelledNeed(
        "반찬 판매량을 예측해서 폐기를 줄이고 싶습니다",
        "반찬 가게 여러 곳을 운영합니다. 날마다 남는 재고가 많아 버리는 양이 많습니다. "
        "판매량을 예측해 발주량을 정하고 싶습니다.",
        "매장별 판매 기록 1년",
        ("demand",),
    ),
    LabelledNeed(
        "택배 배송 경로 최적화",
        "지역 택배 대리점입니다. 기사님들 배송 경로를 매일 손으로 짜는데 시간이 오래 "
        "걸립니다. 배차와 경로를 자동으로 짜고 싶습니다.",
        "배송지 주소 목록",
        ("routing",),
    ),
    LabelledNeed(
        "물류센터 피킹 자동화",
        "물류센터에서 상품을 꺼내는 피킹 작업에 사람이 부족합니다. 로봇으로 피킹과 적재를 "
        "하고 싶습니다.",
        "",
        ("warehouse",),
    ),
    LabelledNeed(
        "용접 공정에 로봇을 쓰고 싶어요",
        "작은 금속 가공 공장입니다. 용접 인력을 구하기 어렵습니다. 사람 옆에서 같이 일하는 "
        "협동로봇을 들이고 싶습니다.",
        "",
        ("cobot",),
    ),
    LabelledNeed(
        "흉부 엑스레이 판독 보조",
        "지역 병원입니다. 영상의학과 의사가 한 명뿐이라 흉부 엑스레이 판독이 밀립니다. 판독 "
        "보조 인공지능을 쓰고 싶습니다.",
        "엑스레이 영상",
        ("med_imaging",),
    ),
    LabelledNeed(
        "의무기록 요약",
        "병원 의무기록실에서 진료기록을 읽고 진단 코드를 붙이는 일이 많습니다. 기록을 "
        "요약하고 코드를 추천받고 싶습니다.",
        "진료기록 문서",
        ("emr",),
    ),
    LabelledNeed(
        "혼자 사시는 어르신 돌봄",
        "군청입니다. 혼자 사시는 어르신이 쓰러지시면 늦게 발견되는 일이 있습니다. 낙상을 "
        "감지하고 보호자에게 알리고 싶습니다.",
        "",
        ("care",),
    ),
    LabelledNeed(
        "콜센터 전화 상담 자동화",
        "쇼핑몰 고객센터에 전화가 몰리면 대기가 깁니다. 주문 확인이나 배송 문의 같은 전화를 "
        "자동으로 응대하고 싶습니다.",
        "상담 녹취",
        ("callcenter",),
    ),
    LabelledNeed(
        "민원 상담 챗봇",
        "시청 민원실입니다. 같은 질문이 반복되니 규정을 찾아 답해 주는 민원 챗봇을 만들고 "
        "싶습니다.",
        "민원 질의응답 기록",
        ("civil_llm",),
    ),
    LabelledNeed(
        "종이 거래명세서 입력 자동화",
        "거래처에서 오는 종이 거래명세서와 영수증을 직원이 하나하나 전산에 입력합니다. "
        "OCR로 자동 입력하고 싶습니다.",
        "명세서 스캔본",
        ("ocr",),
    ),
    LabelledNeed(
        "수출 서류 번역",
        "베트남과 중국에 수출을 시작합니다. 제품 설명서와 서류를 번역해야 합니다.",
        "한국어 설명서",
        ("translate",),
    ),
    LabelledNeed(
        "상세페이지 이미지를 만들고 싶어요",
        "온라인으로 전통주를 팔기 시작했습니다. 상품 상세페이지와 광고 이미지를 빨리 만들고 "
        "싶습니다.",
        "제품 사진",
        ("gen_design",),
    ),
    LabelledNeed(
        "쇼핑몰 상품 추천",
        "농산물 온라인 쇼핑몰을 운영합니다. 고객 구매 기록으로 상품을 추천해 재구매를 늘리고 "
        "싶습니다.",
        "주문 기록",
        ("recommend",),
    ),
    LabelledNeed(
        "건설 현장 안전사고 예방",
        "건설 회사입니다. 현장 CCTV로 안전모를 쓰지 않은 작업자나 위험 구역에 들어간 사람을 "
        "바로 알고 싶습니다.",
        "CCTV 영상",
        ("site_safety",),
    ),
    LabelledNeed(
        "산불 감시",
        "산림이 많은 군입니다. 산불 연기를 카메라로 일찍 감지하고 싶습니다.",
        "감시 카메라 영상",
        ("fire",),
    ),
    LabelledNeed(
        "교량 점검을 드론으로",
        "오래된 교량이 많아 점검 인력이 부족합니다. 드론으로 촬영해 균열을 찾고 싶습니다.",
        "",
        ("drone",),
    ),
    LabelledNeed(
        "교차로 신호 최적화",
        "출퇴근 시간 교차로 정체가 심합니다. 교통량을 세어 신호를 조정하고 싶습니다.",
        "",
        ("traffic",),
    ),
    LabelledNeed(
        "상수도 누수를 찾고 싶습니다",
        "수도사업소입니다. 관이 오래되어 누수가 많은데 위치를 찾기 어렵습니다.",
        "관망도",
        ("leak",),
    ),
    LabelledNeed(
        "사출 성형 불량률을 낮추고 싶어요",
        "플라스틱 사출 공장입니다. 금형 온도와 압력에 따라 불량률이 달라집니다. 공정 조건을 "
        "최적화하고 싶습니다.",
        "공정 데이터",
        ("process",),
    ),
    LabelledNeed(
        "배터리 셀 검사와 수명 예측",
        "이차전지 부품 회사입니다. 배터리 셀 검사를 자동화하고 수명을 예측하고 싶습니다.",
        "충방전 기록",
        ("battery",),
    ),
    LabelledNeed(
        "식당 음성 주문",
        "어르신 손님이 많은 식당입니다. 키오스크가 어려워 말로 주문할 수 있으면 합니다.",
        "",
        ("kiosk",),
    ),
    LabelledNeed(
        "냉동 창고 온도 관리",
        "수산물 냉동 창고를 운영합니다. 냉동기가 고장 나 온도가 오르면 큰 손해입니다. 온도를 "
        "감시하고 고장을 미리 알고 싶습니다.",
        "온도 기록",
        ("coldchain",),
    ),
    LabelledNeed(
        "공장 화재 조기 감지",
        "목재 가공 공장입니다. 화재가 나면 크게 번지니 연기와 불꽃을 빨리 감지하고 싶습니다.",
        "",
        ("fire",),
    ),
    LabelledNeed(
        "과일 선별과 포장 자동화",
        "배 농가 공동 선별장입니다. 배를 크기와 흠집으로 선별하는 일을 자동으로 하고 싶습니다.",
        "",
        ("produce_sorting",),
    ),
)

NOT_SUPPLIERS = ("manual_inspect", "refuses", "hidden")  # never ranked for the requester

# Generated distractors: AI companies whose descriptions are made of the everyday words needs
# also use (공장, 영상, 데이터, 예측, 자동, 관리, 감지…) without any trade a need names.
GENERIC_SENTENCES = (
    "데이터를 분석하고 예측 모델을 자동으로 만듭니다.",
    "카메라 영상과 센서 데이터를 모아 관리하는 플랫폼입니다.",
    "공장과 병원, 농가, 관공서의 시스템을 구축합니다.",
    "고객의 문제를 인공지능으로 해결하는 컨설팅을 합니다.",
    "품질 관리와 안전 관리를 돕는 소프트웨어를 개발합니다.",
    "실시간 감지와 알림 서비스를 클라우드로 제공합니다.",
    "현장 작업자의 업무를 줄이는 자동화 솔루션입니다.",
    "기록과 문서를 정리해 검색하는 서비스를 운영합니다.",
    "비용을 줄이고 생산성을 높이는 최적화 엔진을 만듭니다.",
    "스마트시티와 디지털 전환 사업을 수행합니다.",
    "고객 상담과 마케팅을 돕는 분석 도구를 판매합니다.",
    "센서와 사물인터넷 장비를 설치하고 유지보수합니다.",
)
GENERIC_PRODUCTS = ("AI 플랫폼", "데이터 분석 도구", "자동화 솔루션", "관제 시스템", "예측 엔진")
GENERATED_DISTRACTORS = 150


def generated_distractors(count: int = GENERATED_DISTRACTORS, seed: int = 14) -> list[Supplier]:
    import random

    rng = random.Random(seed)
    techs = ("data", "vision", "language", "generative", "manufacturing", "energy")
    return [
        Supplier(
            f"generated{index}",
            f"(주)지능솔루션{index}",
            " ".join(rng.sample(GENERIC_SENTENCES, 3)),
            ", ".join(rng.sample(GENERIC_PRODUCTS, 2)),
            (rng.choice(techs),),
            rng.choice(("gwangju", "seoul", "busan", "jeonnam", "gyeonggi")),
        )
        for index in range(count)
    ]


def build_corpus(
    requester_province: str = "gwangju", distractors: int = GENERATED_DISTRACTORS
) -> tuple[Any, dict[str, int]]:
    """Create the corpus the way an import does (term columns, technologies, the full-text
    index), the suppliers' profiles and a requesting company with one member; returns (the
    member, {supplier key: company id})."""
    from bitgoeul.accounts.enums import OrganizationKind
    from bitgoeul.accounts.models import Organization
    from bitgoeul.companies.models import Company, Technology
    from bitgoeul.companies.search_index import search_index_sync, set_terms
    from bitgoeul.matchmaking.models import SupplierProfile
    from tests.factories import CompanyRecordFactory, MembershipFactory, valid_brn

    suppliers = [*SUPPLIERS, *generated_distractors(distractors)]
    by_code = {t.code: t for t in Technology.objects.all()}
    organizations = Organization.objects.bulk_create(
        Organization(name=s.name, kind=OrganizationKind.COMPANY, brn=valid_brn(90000 + i))
        for i, s in enumerate(suppliers)
    )
    companies = [
        Company(
            organization=org,
            description=s.description,
            products=s.products,
            province=s.province,
            is_public=s.public,
        )
        for org, s in zip(organizations, suppliers, strict=True)
    ]
    set_terms(
        companies,
        [(s.name, "") for s in suppliers],
        [[by_code[c] for c in s.technologies] for s in suppliers],
    )
    Company.objects.bulk_create(companies)
    through = Company.technologies.through
    through.objects.bulk_create(
        through(company_id=org.pk, technology_id=by_code[code].pk)
        for org, s in zip(organizations, suppliers, strict=True)
        for code in s.technologies
    )
    search_index_sync([org.pk for org in organizations])
    ids = {s.key: org.pk for org, s in zip(organizations, suppliers, strict=True)}
    SupplierProfile.objects.bulk_create(
        SupplierProfile(company_id=ids[s.key], accepts_needs=False)
        for s in suppliers
        if not s.accepts_needs
    )
    requester: Any = CompanyRecordFactory(
        name="(주)빛고을정밀", description="자동차 부품 제조", province=requester_province
    )
    member = MembershipFactory(organization=requester.organization).user
    return member, ids


def need_text(need: LabelledNeed) -> str:
    return f"{need.title}\n{need.description}\n{need.data}"
