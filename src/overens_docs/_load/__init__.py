"""Stage 1: read agreement and organisation files into plain data plus source positions.

Loaders never raise on bad input: they return a :class:`Loaded` whose ``findings`` say
what was wrong and where, and whose ``data`` is ``None`` when nothing usable was read.
"""

from overens_docs._load.csv_file import load_csv
from overens_docs._load.positions import JsonPath, Loaded, SourceMap, format_path
from overens_docs._load.xlsx_file import load_xlsx
from overens_docs._load.yaml_file import load_yaml

__all__ = ["JsonPath", "Loaded", "SourceMap", "format_path", "load_csv", "load_xlsx",
           "load_yaml"]
