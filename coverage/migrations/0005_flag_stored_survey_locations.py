"""Surveys stored before the location check: flag those farther than SURVEY_LOCATION_TOLERANCE_M
outside their village (the same rule as coverage.services.survey_submit; docs/connectivity.md).
Run `manage.py rebuild_coverage` afterwards so that flagged verified surveys leave the village
connectivity and the map until a supervisor confirms them."""

from django.conf import settings
from django.db import migrations

FLAG = """
UPDATE coverage_survey s
SET outside_village_m = round(d.metres)
FROM (
    SELECT s2.id,
           CASE WHEN v.boundary IS NOT NULL
                THEN ST_Distance(v.boundary::geography, s2.location::geography)
                WHEN v.centroid IS NOT NULL
                THEN ST_Distance(v.centroid::geography, s2.location::geography)
           END AS metres
    FROM coverage_survey s2 JOIN villages_village v ON v.code = s2.village_id
    WHERE s2.location_confirmed_at IS NULL
) d
WHERE d.id = s.id AND d.metres > %s
"""


def flag(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FLAG, [settings.SURVEY_LOCATION_TOLERANCE_M])


class Migration(migrations.Migration):
    dependencies = [("coverage", "0004_survey_location_check")]

    operations = [migrations.RunPython(flag, migrations.RunPython.noop)]
