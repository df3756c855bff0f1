"""Regions of the Kyrgyz Republic (oblasts and the two cities of republican status)."""

from __future__ import annotations

from idtool.i18n import current_language

REGIONS: dict[str, dict[str, str]] = {
    "bishkek": {"ky": "Бишкек шаары", "ru": "город Бишкек", "en": "Bishkek city"},
    "osh_city": {"ky": "Ош шаары", "ru": "город Ош", "en": "Osh city"},
    "batken": {"ky": "Баткен облусу", "ru": "Баткенская область", "en": "Batken region"},
    "jalal_abad": {
        "ky": "Жалал-Абад облусу",
        "ru": "Джалал-Абадская область",
        "en": "Jalal-Abad region",
    },
    "issyk_kul": {
        "ky": "Ысык-Көл облусу",
        "ru": "Иссык-Кульская область",
        "en": "Issyk-Kul region",
    },
    "naryn": {"ky": "Нарын облусу", "ru": "Нарынская область", "en": "Naryn region"},
    "osh": {"ky": "Ош облусу", "ru": "Ошская область", "en": "Osh region"},
    "talas": {"ky": "Талас облусу", "ru": "Таласская область", "en": "Talas region"},
    "chuy": {"ky": "Чүй облусу", "ru": "Чуйская область", "en": "Chuy region"},
}


def region_label(code: str, lang: str | None = None) -> str:
    labels = REGIONS.get(code)
    if labels is None:
        return code
    return labels[lang or current_language()]
