"""Multipart uploads streamed straight to disk, with a size limit enforced while the bytes arrive.

Starlette's own form parser spools every file to a temporary file before the route runs, so a limit checked
in the route comes too late; here each file part is written into the destination folder as it is parsed,
and the upload stops with 413 as soon as the total passes the limit. Every upload route (screening files,
list imports, RRM evidence, from the API and the web pages alike) comes through here with its own limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from laborlens.api.auth import check_csrf
from laborlens.api.errors import PayloadTooLarge
from laborlens.api.limits import upload_limit
from laborlens.errors import InputError
from laborlens.fsutil import private_file

MAX_FIELD = 64 * 1024  # text fields (csrf, list name, label) are small
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Received:
    files: dict[str, Path] = field(default_factory=dict)  # form field -> saved path
    filenames: dict[str, str] = field(default_factory=dict)  # form field -> name the client gave
    sizes: dict[str, int] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, dict]:
        return {k: {"filename": self.filenames[k], "bytes": self.sizes[k]} for k in self.files}


def safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _SAFE_NAME.sub("_", base).strip("._")[:120] or "upload"


class _Sink:
    """Callbacks for python-multipart: route each part to a file in ``dest`` or to a text field."""

    def __init__(self, dest: Path, file_fields: dict[str, tuple[str, ...]], limit: int, out: Received):
        self.dest, self.file_fields, self.limit, self.out = dest, file_fields, limit, out
        self.total = 0
        self._hname = self._hvalue = b""
        self._disposition = b""
        self._name = ""
        self._fh: IO[bytes] | None = None
        self._buf = bytearray()

    def on_part_begin(self) -> None:
        self._disposition, self._name, self._fh, self._buf = b"", "", None, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._hname += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._hvalue += data[start:end]

    def on_header_end(self) -> None:
        if self._hname.lower() == b"content-disposition":
            self._disposition = self._hvalue
        self._hname = self._hvalue = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            return
        client_name = options[b"filename"].decode("utf-8", "replace")
        allowed = self.file_fields.get(self._name)
        if allowed is None:
            raise InputError(f"unexpected file field {self._name!r}; expected {', '.join(self.file_fields)}",
                             column=self._name)
        if self._name in self.out.files:
            raise InputError(f"more than one file for {self._name!r}", column=self._name)
        suffix = Path(safe_filename(client_name)).suffix.lower()
        if allowed and suffix not in allowed:
            raise InputError(f"{client_name!r}: expected a {' or '.join(allowed)} file", column=self._name)
        target = self.dest / (f"{self._name}{suffix}" if allowed else safe_filename(client_name))
        self._fh = private_file(target, "wb")  # 0600: uploads name parties and workers
        self.out.files[self._name], self.out.filenames[self._name] = target, client_name
        self.out.sizes[self._name] = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        n = end - start
        self.total += n
        if self.total > self.limit:
            raise PayloadTooLarge(f"upload larger than the limit of {self.limit // (1024 * 1024) or 1} MB"
                                  if self.limit >= 1024 * 1024 else
                                  f"upload larger than the limit of {self.limit} bytes")
        if self._fh is not None:
            self._fh.write(data[start:end])
            self.out.sizes[self._name] += n
        else:
            if len(self._buf) + n > MAX_FIELD:
                raise PayloadTooLarge(f"form field {self._name!r} is too long")
            self._buf += data[start:end]

    def on_part_end(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        elif self._name:
            self.out.fields[self._name] = self._buf.decode("utf-8", "replace")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


async def receive_files(request: Request, dest: Path, file_fields: dict[str, tuple[str, ...]],
                        limit: int | None = None) -> Received:
    """Stream a multipart body into ``dest``. ``file_fields`` maps each accepted file field to its allowed
    suffixes (empty: any, saved under the client's name made safe). Raises 413 past ``limit`` bytes (default:
    the route's limit in :data:`laborlens.api.limits.UPLOAD_ROUTES`) and 422 on a malformed body; files
    already written stay in ``dest`` for the caller to remove."""
    if limit is None:
        limit = upload_limit(request)
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise InputError("expected a multipart/form-data upload", column="content-type")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PayloadTooLarge(f"upload of {int(declared)} bytes is larger than the limit of {limit} bytes")
    out = Received()
    sink = _Sink(dest, file_fields, limit, out)
    parser = MultipartParser(params[b"boundary"], {  # type: ignore[arg-type]
        "on_part_begin": sink.on_part_begin, "on_part_data": sink.on_part_data,
        "on_part_end": sink.on_part_end, "on_header_field": sink.on_header_field,
        "on_header_value": sink.on_header_value, "on_header_end": sink.on_header_end,
        "on_headers_finished": sink.on_headers_finished})
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise InputError(f"malformed multipart body: {exc}") from None
    finally:
        sink.close()
    if getattr(request.state, "csrf_deferred", False):
        check_csrf(request, out.fields.get("csrf"))
        request.state.csrf_deferred = False
    return out
