"""Import the official registry and its figures from published files.

Three importers, each behind a thin management command, each all or nothing: a problem in the
input is reported with its file and line (or GeoJSON feature) as ImportDataError, with nothing
written; otherwise the rows are staged in temporary tables and merged with set-based SQL that
only touches rows whose values differ, so a second run changes nothing.

- `regions.import_regions`: the Kemendagri codes and names (idn-area-data CSV files) into
  Province, Regency, District and Village; `fast.py` checks clean files with one regular
  expression each and loads them with COPY, `reader.py` reads the others and words their
  problems, `bulk.py` rebuilds keys and indexes after a large load;
- `boundaries.import_boundaries`: simplified boundaries (GeoJSON, read by `geojson.py`) and
  centroids of units already in the registry;
- `stats.import_stats`: population, area and postal codes.

Shared pieces: `problems.py` (ImportDataError and how problems are worded), `files.py` (UTF-8 and
CSV reading), `levels.py` (the registry's four levels and their codes), `staging.py` (temporary
tables and COPY).
"""
