"""The AI technology tags of the issue and the first version of the score weights."""

from django.db import migrations

TECHNOLOGIES = [
    ("vision", "비전", "Vision"),
    ("language", "언어", "Language"),
    ("speech", "음성", "Speech"),
    ("generative", "생성형", "Generative"),
    ("robotics", "로보틱스", "Robotics"),
    ("healthcare", "헬스케어", "Healthcare"),
    ("mobility", "모빌리티", "Mobility"),
    ("energy", "에너지", "Energy"),
    ("manufacturing", "제조", "Manufacturing"),
    ("data", "데이터·인프라", "Data and infrastructure"),
]
WEIGHTS = {
    "employee_growth": 15,
    "revenue_growth": 20,
    "investment": 20,
    "patents": 10,
    "certifications": 10,
    "ai_centrality": 15,
    "track_record": 10,
}


def forwards(apps, schema_editor):
    Technology = apps.get_model("companies", "Technology")
    for position, (code, name, name_en) in enumerate(TECHNOLOGIES):
        Technology.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    ScoreWeights = apps.get_model("companies", "ScoreWeights")
    ScoreWeights.objects.get_or_create(
        version=1, defaults={"weights": WEIGHTS, "note": "Initial weights (issue 4)."}
    )


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_company_search_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
