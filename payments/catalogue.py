"""The seed catalogue of service categories and providers (see payments/data/SOURCE.md).

Read by the data migration `0003_catalogue`; kept here so the migration stays short and the tests
can compare the database with the files.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

KIND_BY_TYPE = {
    "branchless banking": "branchless_banking",
    "merchant payment": "merchant_payment",
    "prepaid": "prepaid",
}

KATADATA = "Katadata, 17 Feb 2023: katadata.co.id/digital/startup/63f03917e2a83"
BENGKULU_EKSPRES = "Bengkulu Ekspres, 11 Feb 2021: bengkuluekspress.disway.id/amp/129565"
GUETILANG = "Guetilang, 11 Nov 2022: guetilang.com/asik-pulau-masuk-jaringan-internet-4-g"

# Categories the programme needs that the PPOB catalogue lacks (portal additions).
EXTRA_CATEGORIES = [
    {
        "code": "buka_rekening",
        "label": "Pembukaan rekening bank",
        "kind": "branchless_banking",
        "examples": "BNI, Bank Mandiri, Bank Bengkulu",
        "source": f"Portal addition. {KATADATA}",
    },
    {
        "code": "ambil_paket",
        "label": "Titip dan ambil paket",
        "kind": "logistics",
        "examples": "Pos Indonesia",
        "source": "Portal addition (parcel pick-up point).",
    },
]

# code, name, kind, programme partner?, source
PROVIDERS = [
    ("bni", "BNI (Bank Negara Indonesia)", "bank", True, KATADATA),
    ("mandiri", "Bank Mandiri", "bank", True, KATADATA),
    ("bank-bengkulu", "Bank Bengkulu", "bank", True, KATADATA),
    (
        "bri",
        "BRI (Bank Rakyat Indonesia)",
        "bank",
        False,
        "BRILink agent services (catalogue key BRIL)",
    ),
    ("bsi", "BSI (Bank Syariah Indonesia)", "bank", False, ""),
    ("pln", "PLN", "utility", True, f"{KATADATA}; {BENGKULU_EKSPRES}"),
    ("bpjs-kesehatan", "BPJS Kesehatan", "social_security", False, "Catalogue keys IAK, BRIB"),
    ("bpjs-ketenagakerjaan", "BPJS Ketenagakerjaan", "social_security", False, ""),
    (
        "pdam-tirta-hidayah",
        "Perumda Tirta Hidayah (PDAM Kota Bengkulu)",
        "utility",
        False,
        "Kota Bengkulu's water utility",
    ),
    ("pos-indonesia", "Pos Indonesia", "postal", False, ""),
    ("telkom", "Telkom Indonesia (IndiHome)", "telecom", True, KATADATA),
    ("telkomsel", "Telkomsel", "telecom", False, GUETILANG),
    ("indosat", "Indosat Ooredoo Hutchison (IM3, Tri)", "telecom", False, "Catalogue key IAK"),
    ("xl", "XL Axiata (XL, Axis)", "telecom", False, "Catalogue keys IAK, AXIS"),
    ("smartfren", "Smartfren", "telecom", False, "Catalogue key IAK"),
    ("pemda", "Pemerintah kabupaten/kota (PBB, pajak daerah)", "government", False, ""),
    ("samsat", "Samsat Provinsi Bengkulu", "government", False, "Catalogue keys IAK, DIGI"),
    ("pegadaian", "Pegadaian", "other", False, "Catalogue key FIN"),
]


def _read(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def categories() -> list[dict]:
    """The service categories: every row of ppob_categories.csv, then EXTRA_CATEGORIES."""
    sources = {row["evidence_key"]: row["source"] for row in _read("ppob_sources.csv")}
    rows = []
    for row in _read("ppob_categories.csv"):
        kind = KIND_BY_TYPE.get(row["type"], "postpaid")
        keys = [key for key in row["evidence_keys"].split(";") if key]
        rows.append(
            {
                "code": row["category_code"],
                "label": row["label_id"],
                "kind": kind,
                "examples": row["example_billers_or_brands"][:300],
                "source": "; ".join(f"{key}: {sources.get(key, '?')}" for key in keys)[:600],
            }
        )
    rows.extend(EXTRA_CATEGORIES)
    for order, row in enumerate(rows, start=1):
        row["sort_order"] = order * 10
    return rows


def providers() -> list[dict]:
    return [
        {
            "code": code,
            "name": name,
            "kind": kind,
            "is_programme_partner": partner,
            "source": source,
        }
        for code, name, kind, partner, source in PROVIDERS
    ]


def seed(category_model, provider_model) -> None:
    """Create or update the catalogue (idempotent); takes historical models in migrations."""
    for row in categories():
        category_model.objects.update_or_create(code=row["code"], defaults=row)
    for row in providers():
        provider_model.objects.update_or_create(code=row["code"], defaults=row)
