"""One error hierarchy. Each error knows its exit code (CLI) and HTTP status (API)."""

from __future__ import annotations


class LaborlensError(Exception):
    exit_code = 1
    http_status = 500


class InputError(LaborlensError):
    """Bad input. The message names file, row and column where known."""

    exit_code = 2
    http_status = 422

    def __init__(self, message: str, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file, self.row, self.column, self.detail = file, row, column, message
        where = ":".join(str(p) for p in (file, row, column) if p is not None and p != "")
        super().__init__(f"{where}: {message}" if where else message)


class BadFile(InputError):
    """A file that cannot be read as what it claims to be (malformed CSV or JSON, over a size cap): the
    request was bad as a whole, so HTTP 400 rather than 422."""

    http_status = 400


class InputErrors(InputError):
    """Several input errors found in one pass (reported together, nothing written)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        LaborlensError.__init__(self, f"{len(errors)} error(s):\n{shown}{more}")
        self.file = errors[0].file if errors else None
        self.row = errors[0].row if errors else None
        self.column = errors[0].column if errors else None
        self.detail = str(self)
        if any(isinstance(e, BadFile) for e in errors):
            self.http_status = BadFile.http_status


class NotFound(LaborlensError):
    exit_code = 2
    http_status = 404
