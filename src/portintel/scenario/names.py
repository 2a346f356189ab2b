"""Names of the region in native script with the romanisations reports use.

Every name part lists its native form and the romanisations found in
practice; the first romanisation is the most common. Different reports spell
the same person differently (Khmer "Sok"/"Sokh", Burmese "Htun"/"Tun",
Bengali "Mohammad"/"Md."/"Muhammad", old Indonesian "Djoko" for "Joko"),
which is exactly what collation has to overcome.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from portintel.scenario.model import PersonName

Part = tuple[str, tuple[str, ...]]

KHMER_FAMILY: tuple[Part, ...] = (
    ("សុខ", ("Sok", "Sokh", "Sock")),
    ("ចាន់", ("Chan", "Chanh", "Chann")),
    ("ហេង", ("Heng", "Haeng")),
    ("គឹម", ("Kim", "Kem", "Keum")),
    ("ម៉ៅ", ("Mao", "Mau", "Mau")),
    ("ឈឹម", ("Chhim", "Chim", "Chhum")),
    ("ពៅ", ("Pov", "Pau", "Pauv")),
    ("ស៊ុន", ("Sun", "Soun", "Sunn")),
    ("ហ៊ុន", ("Hun", "Hunn", "Hoon")),
    ("លី", ("Ly", "Lee", "Li")),
)
KHMER_GIVEN: tuple[Part, ...] = (
    ("ដារ៉ា", ("Dara", "Darah", "Daraa")),
    ("សុភា", ("Sophea", "Sopheap", "Sophia")),
    ("វណ្ណា", ("Vanna", "Vannah", "Wanna")),
    ("ចន្ធី", ("Chanthy", "Chanthi", "Chantey")),
    ("រតនា", ("Rathana", "Ratana", "Rattana")),
    ("សុផល", ("Sophal", "Sopal", "Sophorl")),
    ("បុប្ផា", ("Bopha", "Bophar", "Boppha")),
    ("វិចិត្រ", ("Vichet", "Vicheth", "Vichit")),
    ("ពិសី", ("Pisey", "Pisei", "Piseiy")),
    ("សំណាង", ("Samnang", "Somnang", "Samnangh")),
    ("វិបុល", ("Vibol", "Vibul", "Viboll")),
    ("សុវណ្ណ", ("Sovann", "Sovan", "Sowan")),
)
THAI_GIVEN: tuple[Part, ...] = (
    ("สมชาย", ("Somchai", "Somchay", "Somchaai")),
    ("ประเสริฐ", ("Prasert", "Prasoet", "Prasirt")),
    ("วิชัย", ("Wichai", "Vichai", "Wichay")),
    ("สุดา", ("Suda", "Sudaa")),
    ("นิพนธ์", ("Niphon", "Nipon", "Nipphon")),
    ("บุญมี", ("Boonmee", "Bunmi", "Boonmi")),
    ("สมศักดิ์", ("Somsak", "Somsakdi", "Somsuk")),
    ("อนุชา", ("Anucha", "Anuchaa")),
    ("ชัยวัฒน์", ("Chaiwat", "Chaiwath", "Jaiwat")),
)
THAI_FAMILY: tuple[Part, ...] = (
    ("ศรีสุข", ("Srisuk", "Sisuk", "Srisook")),
    ("แก้วมณี", ("Kaewmanee", "Kaewmani", "Kaeomani")),
    ("ทองดี", ("Thongdee", "Thongdi", "Tongdee")),
    ("บุญเรือง", ("Boonruang", "Bunrueang", "Boonrueng")),
    ("จันทร์เพ็ญ", ("Chanphen", "Janpen", "Chanpen")),
    ("สุขสวัสดิ์", ("Suksawat", "Suksawad", "Suksawas")),
    ("รัตนพันธ์", ("Rattanaphan", "Ratanapan", "Rattanapun")),
)
BURMESE_SYLLABLES: tuple[Part, ...] = (
    ("အောင်", ("Aung", "Aong")),
    ("ကျော်", ("Kyaw", "Kyau", "Chaw")),
    ("ဇော်", ("Zaw", "Zau", "Zaw")),
    ("မင်း", ("Min", "Minn")),
    ("ထွန်း", ("Htun", "Tun", "Htoon")),
    ("စိုး", ("Soe", "So", "Soh")),
    ("နိုင်", ("Naing", "Nai", "Nine")),
    ("ဝင်း", ("Win", "Winn")),
    ("သန်း", ("Than", "Thann", "Tan")),
    ("မြင့်", ("Myint", "Myin", "Myit")),
    ("ဆွေ", ("Swe", "Hswe", "Shwe")),
    ("လွင်", ("Lwin", "Lwinn", "Lwyn")),
    # more of the syllables Burmese names are made of, in their usual spelling
    ("သိန်း", ("Thein",)),
    ("ခင်", ("Khin",)),
    ("မောင်", ("Maung",)),
    ("လှ", ("Hla",)),
    ("အေး", ("Aye",)),
    ("မျိုး", ("Myo",)),
    ("မိုး", ("Moe",)),
    ("ညွန့်", ("Nyunt",)),
    ("လှိုင်", ("Hlaing",)),
    ("ထင်", ("Htin",)),
)
BENGALI_FIRST: tuple[Part, ...] = (
    ("মোহাম্মদ", ("Mohammad", "Md.", "Muhammad", "Mohammed")),
    ("আব্দুল", ("Abdul", "Abdool", "Abdul")),
    ("নূর", ("Nur", "Noor", "Nour")),
)
BENGALI_GIVEN: tuple[Part, ...] = (
    ("সেলিম", ("Selim", "Salim", "Saleem")),
    ("রহিম", ("Rahim", "Raheem", "Rohim")),
    ("করিম", ("Karim", "Kareem", "Korim")),
    ("রশিদ", ("Rashid", "Rasheed", "Roshid")),
    ("জাফর", ("Jafar", "Zafar", "Jaffar")),
    ("ইউনুস", ("Yunus", "Younus", "Eunus")),
    ("আমিন", ("Amin", "Ameen", "Amine")),
)
BENGALI_FAMILY: tuple[Part, ...] = (
    ("হোসেন", ("Hossain", "Hussain", "Hosen")),
    ("ইসলাম", ("Islam", "Eslam")),
    ("উদ্দিন", ("Uddin", "Uddeen", "Udin")),
    ("আলম", ("Alam", "Alom")),
    ("রহমান", ("Rahman", "Rohman", "Rehman")),
    ("মিয়া", ("Mia", "Miah", "Miya")),
)
VIETNAMESE_FAMILY: tuple[Part, ...] = (
    ("Nguyễn", ("Nguyen", "Nguyen", "Ng.")),
    ("Trần", ("Tran", "Tranh")),
    ("Lê", ("Le", "Lee")),
    ("Phạm", ("Pham", "Fam")),
    ("Huỳnh", ("Huynh", "Hyunh")),
    ("Võ", ("Vo", "Vu")),
    ("Đặng", ("Dang", "Dhang")),
)
VIETNAMESE_MIDDLE: tuple[Part, ...] = (
    ("Văn", ("Van", "V.")),
    ("Thị", ("Thi", "T.")),
    ("Minh", ("Minh", "Min")),
    ("Đức", ("Duc", "Duk")),
)
VIETNAMESE_GIVEN: tuple[Part, ...] = (
    ("Hùng", ("Hung", "Hung")),
    ("Tuấn", ("Tuan", "Tuann")),
    ("Dũng", ("Dung", "Zung")),
    ("Hải", ("Hai", "Hay")),
    ("Hương", ("Huong", "Hương")),
    ("Phúc", ("Phuc", "Phuoc")),
    ("Thắng", ("Thang", "Thangh")),
    ("Lan", ("Lan", "Lanh")),
)
INDONESIAN_GIVEN: tuple[Part, ...] = (
    ("Joko", ("Joko", "Djoko")),
    ("Yusuf", ("Yusuf", "Jusuf", "Yoesoef")),
    ("Budi", ("Budi", "Boedi")),
    ("Wahyudi", ("Wahyudi", "Wahjudi", "Wahyudy")),
    ("Syahrul", ("Syahrul", "Sjahrul", "Syahrool")),
    ("Teuku Iskandar", ("Teuku Iskandar", "T. Iskandar", "Tengku Iskandar")),
    ("Nurhayati", ("Nurhayati", "Noerhajati", "Nurhayaty")),
    ("Surya", ("Surya", "Soerja", "Suria")),
)
INDONESIAN_FAMILY: tuple[Part, ...] = (
    ("Purnomo", ("Purnomo", "Poernomo")),
    ("Cahyono", ("Cahyono", "Tjahjono", "Cahyana")),
    ("Siregar", ("Siregar", "Siregarr")),
    ("Harahap", ("Harahap", "Harahab")),
    ("Saputra", ("Saputra", "Saputro", "Seputra")),
    ("Nasution", ("Nasution", "Nasoetion")),
)
MALAY_GIVEN: tuple[Part, ...] = (
    ("Ahmad Faizal", ("Ahmad Faizal", "Ahmad Faisal", "Ahmed Faizal")),
    ("Mohd Rizal", ("Mohd Rizal", "Mohamad Rizal", "Muhammad Rizal")),
    ("Azman", ("Azman", "Asman")),
)
MALAY_FAMILY: tuple[Part, ...] = (
    ("bin Osman", ("bin Osman", "Osman", "bin Othman")),
    ("bin Ismail", ("bin Ismail", "Ismail", "b. Ismail")),
    ("bin Yusof", ("bin Yusof", "Yusoff", "bin Yusuf")),
)

LANGUAGES = {"KH": "km", "TH": "th", "MM": "my", "BD": "bn", "VN": "vi", "ID": "id", "MY": "ms"}


def _pick(rng: random.Random, parts: Sequence[Part], count: int = 1) -> list[Part]:
    return rng.sample(list(parts), count)


def _romanisations(parts: Sequence[Part]) -> tuple[str, ...]:
    """Up to three distinct spellings: common, alternative, and a mixed one."""
    longest = max(len(options) for _, options in parts)
    spellings: list[str] = []
    for variant in range(longest):
        words = [options[min(variant, len(options) - 1)] for _, options in parts]
        spellings.append(" ".join(words))
    mixed = [options[i % len(options)] for i, (_, options) in enumerate(parts)]
    spellings.append(" ".join(mixed))
    unique = list(dict.fromkeys(spellings))
    return tuple(unique[:3])


def _parts_for(nationality: str, gender: str, rng: random.Random) -> tuple[list[Part], str]:
    """The name parts in the order the culture writes them, and the native separator."""
    if nationality == "KH":
        return [*_pick(rng, KHMER_FAMILY), *_pick(rng, KHMER_GIVEN)], " "
    if nationality == "TH":
        return [*_pick(rng, THAI_GIVEN), *_pick(rng, THAI_FAMILY)], " "
    if nationality == "MM":
        return _pick(rng, BURMESE_SYLLABLES, rng.choice((2, 3))), ""
    if nationality == "BD":
        first = _pick(rng, BENGALI_FIRST)
        return [*first, *_pick(rng, BENGALI_GIVEN), *_pick(rng, BENGALI_FAMILY)], " "
    if nationality == "VN":
        middle = VIETNAMESE_MIDDLE[1] if gender == "female" else rng.choice(VIETNAMESE_MIDDLE)
        return [*_pick(rng, VIETNAMESE_FAMILY), middle, *_pick(rng, VIETNAMESE_GIVEN)], " "
    if nationality == "ID":
        return [*_pick(rng, INDONESIAN_GIVEN), *_pick(rng, INDONESIAN_FAMILY)], " "
    if nationality == "MY":
        return [*_pick(rng, MALAY_GIVEN), *_pick(rng, MALAY_FAMILY)], " "
    raise ValueError(f"no names for nationality {nationality!r}")


def person_name(nationality: str, gender: str, rng: random.Random) -> PersonName:
    """A name of someone from ``nationality``, native form first, then romanisations."""
    parts, separator = _parts_for(nationality, gender, rng)
    native = separator.join(native for native, _ in parts)
    return PersonName(
        native=native,
        native_lang=LANGUAGES[nationality],
        romanisations=_romanisations(parts),
    )


def with_typo(name: str, rng: random.Random) -> str:
    """The name with two neighbouring letters swapped: a keying error in a report."""
    positions = [
        i
        for i in range(len(name) - 1)
        if name[i].isalpha() and name[i + 1].isalpha() and name[i] != name[i + 1]
    ]
    if not positions:
        return name + name[-1]
    i = rng.choice(positions)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def family_name_first(name: str) -> str:
    """ "Dara Sok" for "Sok Dara": how a Western form reorders a Khmer name."""
    words = name.split(" ")
    return " ".join([*words[1:], words[0]]) if len(words) > 1 else name
