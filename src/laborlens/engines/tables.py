"""Parquet in and out for the engines: ``parties.parquet``/``links.parquet``/``shipments.parquet`` are read
(through DuckDB) wherever CSV is, and when the input was Parquet, ``verdicts.parquet`` is written too.

The Parquet tables are converted to CSV in a temporary folder and go through the same validation as every
other input (errors name file, row and column), so Parquet is never a way around the checks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TABLES = ("parties", "links", "shipments")


def _sql_path(p: Path) -> str:
    text = str(p)
    if "'" in text:
        from laborlens.errors import InputError

        raise InputError("a quote in the path is not supported", file=text)
    return text


@contextmanager
def parquet_inputs(data_dir: Path) -> Iterator[Path]:
    """``data_dir`` itself, or a temporary copy with its Parquet tables as CSV."""
    if not any((data_dir / f"{t}.parquet").exists() for t in TABLES):
        yield data_dir
        return
    import duckdb

    with tempfile.TemporaryDirectory(prefix="laborlens-parquet-") as tmp:
        con = duckdb.connect()
        for t in TABLES:
            src = data_dir / f"{t}.parquet"
            if src.exists():
                con.execute(f"COPY (SELECT * FROM read_parquet('{_sql_path(src)}')) "
                            f"TO '{_sql_path(Path(tmp) / f'{t}.csv')}' (HEADER, DELIMITER ',')")
            else:
                for other in data_dir.glob(f"{t}.*"):
                    (Path(tmp) / other.name).write_bytes(other.read_bytes())
        con.close()
        yield Path(tmp)


def write_parquet_outputs(out: Path, data_dir: Path) -> None:
    if not any((data_dir / f"{t}.parquet").exists() for t in TABLES):
        return
    import duckdb

    con = duckdb.connect()
    src, dst = _sql_path(out / "verdicts.csv"), _sql_path(out / "verdicts.parquet")
    con.execute(f"COPY (SELECT * FROM read_csv('{src}', header=true, all_varchar=true)) "
                f"TO '{dst}' (FORMAT parquet)")
    con.close()
