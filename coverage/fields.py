"""The fields of a coverage survey, declared once.

A survey travels four ways: the API (`coverage.api.serializers`), the field form (its inputs and
its scripts, which get the lists below from the field view), the file import
(`coverage.importers`, whose columns are named here) and the content hash that recognises a
survey sent again (`coverage.services`). They all read these declarations; the operators and
every choice come from the model's TextChoices (`coverage.models.Operator` and the others).
"""

from .models import Operator

#: What an officer enters about a survey besides its client UUID, its village and its
#: measurements, in the order of the API and of the import template: field → import column.
SURVEY_FIELDS = {
    "observed_at": "observed_at",
    "latitude": "_gps_latitude",
    "longitude": "_gps_longitude",
    "accuracy_m": "_gps_precision",
    "place_type": "place_type",
    "fibre": "fibre",
    "fibre_distance_m": "fibre_distance_m",
    "fibre_provider": "fibre_provider",
    "electricity": "electricity",
    "notes": "notes",
}

#: What is measured for each operator: field → the end of its import column
#: (`<operator>_<end>`, e.g. `telkomsel_dbm`). The technology comes first; the others are
#: numbers, empty when the technology is "no signal".
MEASUREMENT_FIELDS = {
    "technology": "technology",
    "signal_dbm": "dbm",
    "download_mbps": "download_mbps",
    "upload_mbps": "upload_mbps",
    "latency_ms": "latency_ms",
}

#: The numbers of a measurement (everything after its technology).
MEASUREMENT_NUMBERS = tuple(MEASUREMENT_FIELDS)[1:]

#: The operators, in the order the form and the import template list them.
OPERATORS = tuple(Operator.values)


def import_columns() -> list[str]:
    """The columns of the import template: the survey's, then each operator's."""
    return [
        "_uuid",
        "village_code",
        *SURVEY_FIELDS.values(),
        *[f"{operator}_{end}" for operator in OPERATORS for end in MEASUREMENT_FIELDS.values()],
    ]
