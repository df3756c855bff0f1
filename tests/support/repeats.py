"""A small questionnaire with repeats, installed as an update bundle would install it, for tests
of repeats through interviews, documents and the wizard (issue 17, item 5)."""

from __future__ import annotations

import hashlib

from idtool.session import Session
from idtool.sync import questionnaires

FORM_ID = "travel-companions"
# Page "journey": how many travelled with the person, then one entry per companion (a child's
# entry asks whether a parent travels too), their count and the oldest's age; page "route": a
# loop over the countries passed through, and the days counted over its entries.
TEXT = """
form_id: travel-companions
version: "1"
kind: screening
default_language: en
languages: [en, ru, ky]
title: {en: Travel companions, ru: Попутчики, ky: Жол шериктери}
sections:
  - name: journey
    label: {en: The journey, ru: Поездка, ky: Сапар}
    questions:
      - name: travelled_alone
        type: select_one yn
        label: {en: "Did you travel alone?", ru: "Вы ехали одни?", ky: "Жалгыз бардыңызбы?"}
        required: true
      - name: companions
        type: repeat
        relevant: "${travelled_alone} = 'no'"
        label: {en: Companion, ru: Попутчик, ky: Жол шериги}
        questions:
          - name: companion_name
            type: text
            label: {en: Name, ru: Имя, ky: Аты}
            required: true
            sensitivity: identifying
          - name: companion_age
            type: integer
            label: {en: Age, ru: Возраст, ky: Жашы}
            constraint: ". >= 0 and . <= 120"
          - name: parent_along
            type: select_one yn
            relevant: "${companion_age} < 18"
            required: true
            label:
              en: Is a parent travelling with ${companion_name}?
              ru: Едет ли с ${companion_name} кто-то из родителей?
              ky: ${companion_name} менен ата-энесинин бири барабы?
          - name: companion_place
            type: calculate
            calculation: position(..)
      - name: companion_count
        type: calculate
        calculation: count(${companions})
      - name: oldest
        type: calculate
        calculation: max(${companion_age})
  - name: route
    label: {en: The route, ru: Маршрут, ky: Жол}
    questions:
      - name: transit
        type: repeat over countries
        label: {en: Countries, ru: Страны, ky: Өлкөлөр}
        questions:
          - name: days
            type: integer
            label: {en: "Days in %(label)s", ru: "Дней: %(label)s", ky: "%(label)s: күн"}
          - name: detained_there
            type: select_one yn
            label:
              en: "Were you detained in %(label)s?"
              ru: "Вас задерживали: %(label)s?"
              ky: "%(label)s: сизди кармашканбы?"
            flags: {"yes": [np.detained]}
      - name: total_days
        type: calculate
        calculation: sum(${days})
choices:
  yn:
    - {name: "yes", label: {en: "Yes", ru: "Да", ky: "Ооба"}}
    - {name: "no", label: {en: "No", ru: "Нет", ky: "Жок"}}
  countries:
    - {name: kz, label: {en: Kazakhstan, ru: Казахстан, ky: Казакстан}}
    - {name: ru, label: {en: Russia, ru: Россия, ky: Орусия}}
"""


def install(session: Session, text: str = TEXT) -> None:
    """Install the questionnaire in the session's database, as an update bundle does."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with session.conn:
        session.conn.execute(
            "INSERT INTO questionnaires (form_id, version, text, sha256, bundle_id, sender,"
            " installed_at) VALUES (?, ?, ?, ?, 'test', 'test', '2026-01-01T00:00:00Z')",
            (FORM_ID, "1", text, digest),
        )
    questionnaires.activate(session)
