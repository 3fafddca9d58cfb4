"""``laborlens grievances ...`` acts as a named user, so need-to-know holds at the terminal too."""

from __future__ import annotations

from grievance_helpers import Staff

from laborlens.grievances import intake
from laborlens.settings import Settings
from laborlens.store import open_store


def test_cli_board_show_triage_reply_and_need_to_know(cli, home, monkeypatch) -> None:
    from laborlens.cli.app import console

    monkeypatch.setattr(console, "width", 200)  # tables unwrapped, so ids and labels can be looked for
    settings = Settings()
    store = open_store(settings)
    staff = Staff(settings, store)
    r = intake.submit_report(staff.worker(), words="Los capataces retienen las credenciales.", language="es")
    board = cli("grievances", "board", "--as", "viewer")
    assert board.exit_code == 0 and r.ref in board.output and "acknowledge" in board.output
    shown = cli("grievances", "show", r.ref, "--as", "analyst")
    assert shown.exit_code == 0 and "sealed" in shown.output and "credenciales" not in shown.output
    assert cli("grievances", "triage", r.ref, "--issue", "retention_of_documents", "--severity", "high",
               "--credible", "--as", "analyst").exit_code == 2  # not assigned
    assert cli("grievances", "assign", r.ref, "analyst", "--as", "admin").exit_code == 0
    ok = cli("grievances", "triage", r.ref, "--issue", "retention_of_documents", "--severity", "high",
             "--credible", "--as", "analyst")
    assert ok.exit_code == 0, ok.output
    skipped = cli("grievances", "status", r.ref, "investigating", "--as", "analyst")
    assert skipped.exit_code == 2  # a step may not be skipped
    assert cli("grievances", "status", r.ref, "acknowledged", "--as", "analyst").exit_code == 0
    assert cli("grievances", "reply", r.ref, "Recibido, gracias.", "--as", "analyst").exit_code == 0
    shown = cli("grievances", "show", r.ref, "--as", "analyst")
    assert "credenciales" in shown.output and "Recibido, gracias." in shown.output
    exported = cli("grievances", "export", "--format", "csv", "--as", "analyst")
    assert exported.exit_code == 0 and r.ref in exported.output and "credenciales" not in exported.output
    assert cli("grievances", "show", "Juana Perez", "--as", "admin").exit_code == 2
    assert intake.follow_up(staff.worker(), r.code).messages[-1].text == "Recibido, gracias."
