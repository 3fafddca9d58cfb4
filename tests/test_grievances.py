"""Grievances, library level: intake in every language, receipt codes, sealing, the lifecycle and its
deadlines, need-to-know, escalation, the redacted export and the screening finding."""

from __future__ import annotations

import json
from datetime import date

import pytest
from grievance_helpers import Staff
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from test_postgres import pg_settings  # noqa: F401  (throw-away PostgreSQL schema)

from laborlens.accounts import Forbidden
from laborlens.audit import events as audit_events
from laborlens.audit import verify
from laborlens.cases.common import Conflict
from laborlens.cases.models import DefenderCase, RrmPetition
from laborlens.errors import InputError, NotFound
from laborlens.grievances import escalate, intake, receipt, triage, views
from laborlens.grievances.findings import findings_from_store, grievance_findings, load_signals
from laborlens.grievances.i18n import LANGUAGES, gettext
from laborlens.grievances.models import Grievance, GrievanceEvent
from laborlens.grievances.views import due_status
from laborlens.model import Party
from laborlens.store.models import Party as PartyRow

WORDS = {
    "en": "They took our passports and we cannot leave the dormitory.",
    "es": "Nos quitaron los pasaportes y no podemos salir del dormitorio.",
    "zh-Hans": "他们收走了我们的护照，我们不能离开宿舍。",
    "vi": "Họ giữ hộ chiếu của chúng tôi và chúng tôi không được rời ký túc xá.",
    "bn": "তারা আমাদের পাসপোর্ট রেখে দিয়েছে, আমরা হোস্টেল ছেড়ে যেতে পারি না।",
    "id": "Mereka menahan paspor kami dan kami tidak boleh keluar asrama.",
}
D0 = date(2026, 3, 2)


@pytest.fixture()
def staff(settings, store) -> Staff:
    return Staff(settings, store)


def _report(staff: Staff, lang: str = "en", **kw) -> intake.Receipt:
    return intake.submit_report(staff.worker(), words=kw.pop("words", WORDS[lang]), language=lang, **kw)


def test_languages_offered_and_catalogs_translate() -> None:
    assert set(LANGUAGES) == {"en", "es", "zh-Hans", "vi", "bn", "id"}
    sends = {lang: gettext(lang, "Send report") for lang in LANGUAGES}
    assert sends["en"] == "Send report"
    assert len(set(sends.values())) == 6  # each catalog has its own words
    assert gettext("zh-Hans", "Status: %(status)s", status="X") == "状态：X"


@pytest.mark.parametrize("lang", list(WORDS))
def test_intake_in_each_language_keeps_the_words_as_written(staff: Staff, lang: str) -> None:
    r = _report(staff, lang)
    view = intake.follow_up(staff.worker(), r.code)
    assert view.language == lang and view.status == "received"
    assert view.messages[0].text == WORDS[lang]
    # sealed at rest: the words are not in the database in any form
    with staff.store.session() as s:
        blob = s.execute(select(GrievanceEvent.text_ct).where(GrievanceEvent.kind == "report")).scalar()
        assert WORDS[lang].encode() not in blob
        g = s.execute(select(Grievance)).scalar()
        assert g.receipt_sha256 == receipt.digest(r.code) and r.code not in json.dumps(
            [g.ref, g.receipt_sha256, g.language]
        )


def test_receipt_codes_have_100_bits_and_read_back_forgivingly() -> None:
    codes = {receipt.new_code() for _ in range(2000)}
    assert len(codes) == 2000 and receipt.BITS >= 80
    c = next(iter(codes))
    assert len(c) == 24 and c.count("-") == 4
    assert receipt.digest(c.lower().replace("-", " ")) == receipt.digest(c)
    assert receipt.digest(c.replace("0", "O").replace("1", "I")) == receipt.digest(c)
    assert receipt.normalise("ABCD") is None and receipt.digest("U" * 20) is None
    assert receipt.split_leading_code(f"{c} more news")[1] == "more news"
    assert receipt.split_leading_code("No nos pagan el salario desde enero")[0] is None


def test_follow_up_reads_replies_and_adds_information(staff: Staff) -> None:
    r = _report(staff, "es")
    triage.assign(staff.ctx("admin"), r.ref, "analyst")
    triage.reply(staff.ctx("analyst"), r.ref, "Gracias. ¿En qué turno trabaja?")
    ref = intake.add_information(staff.worker(), r.code, "Turno de noche, línea 3.")
    assert ref == r.ref
    view = intake.follow_up(staff.worker(), r.code)
    assert [(m.who, m.text) for m in view.messages] == [
        ("worker", WORDS["es"]),
        ("staff", "Gracias. ¿En qué turno trabaja?"),
        ("worker", "Turno de noche, línea 3."),
    ]
    with pytest.raises(intake.UnknownReceipt):
        intake.follow_up(staff.worker(), receipt.new_code())
    with pytest.raises(intake.UnknownReceipt):
        intake.add_information(staff.worker(), "not a code", "x")
    assert repr(r).endswith("code=<shown once>)") and r.code not in repr(r)


def test_anonymous_by_default_contact_only_with_consent(staff: Staff) -> None:
    a = _report(staff, contact="+84 912 345 678", consent_to_contact=False)
    b = _report(staff, contact="+84 912 345 679", consent_to_contact=True, names_at_risk="Nguyen Van A")
    admin = staff.ctx("admin")
    va, vb = views.get_grievance(admin, a.ref), views.get_grievance(admin, b.ref)
    assert va.contact is None and not va.summary.has_contact
    assert vb.contact == "+84 912 345 679" and vb.names == "Nguyen Van A" and vb.summary.has_contact
    with staff.store.session() as s:
        dump = json.dumps(
            [
                [e.kind, e.data, e.actor, str(e.recorded_at)]
                for e in s.execute(select(GrievanceEvent)).scalars()
            ],
            ensure_ascii=False,
        )
        audit_dump = json.dumps(
            [[e.actor, e.action, e.target, e.detail] for e in audit_events(s)], ensure_ascii=False
        )
        # worker events carry a day, no time of day; no number, name or word in clear anywhere
        assert all(
            e.recorded_at is None
            for e in s.execute(select(GrievanceEvent).where(GrievanceEvent.actor == "worker")).scalars()
        )
    for secret in ("912 345", "Nguyen", "passports"):
        assert secret not in dump and secret not in audit_dump


def test_staff_intake_principal_is_refused(staff: Staff) -> None:
    with pytest.raises(InputError):
        intake.submit_report(staff.ctx("admin"), words="x", language="en")
    with pytest.raises(Forbidden):
        views.list_grievances(staff.worker())


MATRIX = [  # who, assigned?, may read words, may triage
    ("viewer", False, False, False),
    ("analyst", False, False, False),
    ("analyst", True, True, True),
    ("admin", False, True, True),
]


@pytest.mark.parametrize(("who", "assigned", "reads", "works"), MATRIX)
def test_need_to_know_matrix(staff: Staff, who: str, assigned: bool, reads: bool, works: bool) -> None:
    r = _report(staff, "vi", contact="zalo 0912", consent_to_contact=True)
    if assigned:
        triage.assign(staff.ctx("admin"), r.ref, who)
    ctx = staff.ctx(who)
    rows = views.list_grievances(ctx)  # everybody sees the categories
    assert [x.ref for x in rows] == [r.ref]
    v = views.get_grievance(ctx, r.ref)
    assert v.may_see is reads
    report = next(e for e in v.events if e.kind == "report")
    assert (report.text == WORDS["vi"]) if reads else (report.text is None and v.contact is None)
    with staff.store.session() as s:
        reads_logged = [e for e in audit_events(s, action="grievance.read") if e.target == r.ref]
    assert len(reads_logged) == (1 if reads else 0)
    if works:
        triage.triage(ctx, r.ref, issues=["excessive_overtime"], severity="medium", credible=True)
        triage.reply(ctx, r.ref, "ok")
    else:
        with pytest.raises(Forbidden):
            triage.triage(ctx, r.ref, issues=["excessive_overtime"], severity="medium", credible=True)
        with pytest.raises(Forbidden):
            triage.reply(ctx, r.ref, "ok")
    # only admins hand out access
    if who != "admin":
        with pytest.raises(Forbidden):
            triage.assign(ctx, r.ref, "analyst2")


def test_assignment_ends(staff: Staff) -> None:
    r = _report(staff)
    triage.assign(staff.ctx("admin"), r.ref, "analyst")
    assert views.get_grievance(staff.ctx("analyst"), r.ref).may_see
    triage.unassign(staff.ctx("admin"), r.ref, "analyst")
    assert not views.get_grievance(staff.ctx("analyst"), r.ref).may_see
    with pytest.raises(InputError):
        triage.assign(staff.ctx("admin"), r.ref, "viewer")
    with pytest.raises(NotFound):
        triage.assign(staff.ctx("admin"), r.ref, "nobody")


def test_lifecycle_is_append_only_and_checked(staff: Staff) -> None:
    r = _report(staff)
    admin = staff.ctx("admin")
    with pytest.raises(InputError, match="can move to acknowledged, closed"):
        triage.set_status(admin, r.ref, "investigating")
    for target in ("acknowledged", "investigating", "remediation"):
        triage.set_status(admin, r.ref, target)
    v = views.get_grievance(admin, r.ref)
    with pytest.raises(Conflict):
        triage.set_status(admin, r.ref, "closed", reason="remediated", version=v.summary.version - 1)
    triage.set_status(admin, r.ref, "closed", reason="remediated", version=v.summary.version)
    s = views.get_grievance(admin, r.ref).summary
    assert s.status == "closed" and s.close_reason == "remediated"
    assert [e.kind for e in views.get_grievance(admin, r.ref).events] == ["report"] + ["status"] * 4
    triage.set_status(admin, r.ref, "investigating")  # reopened when new information arrives
    with staff.store.session() as ses:
        assert verify(ses).ok


def test_deadlines_acknowledge_investigate_and_plan(staff: Staff) -> None:
    r = _report(staff)  # received D0; settings: acknowledge within 7 days, investigate within 30
    on = lambda d: staff.ctx("admin", date(2026, 3, d))  # noqa: E731
    first = views.board(on(5))[0].next_deadline
    assert (first.label, first.due, first.status) == ("acknowledge", date(2026, 3, 9), "pending")
    assert views.board(on(8))[0].next_deadline.status == "due-soon"
    assert views.board(on(10))[0].next_deadline.status == "overdue"
    triage.set_status(on(10), r.ref, "acknowledged")
    s = views.board(on(10))[0]
    assert s.deadlines[0].status == "done-late"
    assert (s.next_deadline.label, s.next_deadline.due) == ("start investigating", date(2026, 4, 9))
    triage.set_status(on(11), r.ref, "investigating")
    triage.plan(
        on(11),
        r.ref,
        [("Return the passports", "2026-03-20", "brand"), ("Pay withheld wages", "2026-04-30", "")],
    )
    s = views.board(on(21))[0]
    assert [(d.label, d.status) for d in s.deadlines[2:]] == [
        ("step 1: Return the passports", "overdue"),
        ("step 2: Pay withheld wages", "pending"),
    ]
    triage.step_done(on(22), r.ref, 1)
    s = views.board(on(22))[0]
    assert s.deadlines[2].status == "done-late" and s.next_deadline.label.startswith("step 2")
    with pytest.raises(InputError):
        triage.step_done(on(22), r.ref, 1)
    with pytest.raises(InputError):
        triage.plan(on(22), r.ref, [("x", "not a date", "")])


def test_board_orders_overdue_first_and_ack_days_configurable(settings, store) -> None:
    settings.grievance_ack_days = 3
    staff = Staff(settings, store)
    old = intake.submit_report(staff.worker(date(2026, 2, 1)), words="old", language="en")
    new = intake.submit_report(staff.worker(date(2026, 3, 1)), words="new", language="en")
    rows = views.board(staff.ctx("viewer", date(2026, 3, 2)))
    assert [x.ref for x in rows] == [old.ref, new.ref]
    assert rows[1].next_deadline.due == date(2026, 3, 4)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(0, 400),
    st.integers(-400, 400),
)
def test_due_status_properties(due: date, soon: int, offset: int) -> None:
    from datetime import timedelta

    today = due + timedelta(days=offset)
    s = due_status(due, None, today, soon)
    assert s == ("overdue" if offset > 0 else "due-soon" if -offset <= soon else "pending")
    assert due_status(due, today, today) == ("done" if offset <= 0 else "done-late")


def _store_party(store, pid="P-HOSH", name="Hoshine Silicon Industry (Shanshan) Co", country="CN") -> None:
    with store.session() as s:
        s.add(PartyRow(id=pid, name=name, country=country, address=""))


def test_party_search_through_the_matcher_link_and_create(staff: Staff) -> None:
    _store_party(staff.store)
    _store_party(staff.store, "P-GLASS", "Malaysia Glass Sdn Bhd", "MY")
    r = _report(staff)
    admin = staff.ctx("admin")
    found = __import__("laborlens.grievances.parties", fromlist=["x"]).search_parties(
        admin, "HOSHINE SILICON"
    )
    assert found and found[0].party_id == "P-HOSH"
    triage.link_party(admin, r.ref, "P-HOSH")
    assert views.get_grievance(admin, r.ref).summary.party_name.startswith("Hoshine")
    p = triage.create_party(admin, r.ref, name="Autopartes del Bajío", country="mx")
    assert p.id.startswith("GRV-PARTY-") and p.country == "MX"
    with pytest.raises(InputError):
        triage.create_party(admin, r.ref, name="X", country="Mexico")
    with pytest.raises(NotFound):
        triage.link_party(admin, r.ref, "nope")


def _credible(staff: Staff, issues=("retention_of_documents",), status="investigating", pid="P-HOSH") -> str:
    r = _report(staff)
    admin = staff.ctx("admin")
    triage.link_party(admin, r.ref, pid)
    triage.triage(admin, r.ref, issues=list(issues), severity="high", credible=True)
    triage.set_status(admin, r.ref, "acknowledged")
    if status == "closed":
        triage.set_status(admin, r.ref, "closed", reason="remediated")
    return r.ref


def test_finding_only_for_open_credible_forced_labour(staff: Staff) -> None:
    _store_party(staff.store)
    ok = _credible(staff)
    _credible(staff, issues=("osh",))  # not a forced-labour indicator
    _credible(staff, status="closed")
    r = _report(staff)
    triage.link_party(staff.ctx("admin"), r.ref, "P-HOSH")
    triage.triage(staff.ctx("admin"), r.ref, issues=["debt_bondage"], severity="high", credible=False)
    with staff.store.session() as s:
        sig = load_signals(s)
    assert [x.ref for x in sig] == [ok]
    screened = [
        Party("S3", "HOSHINE SILICON INDUSTRY (SHANSHAN) CO", "CN"),
        Party("P-HOSH", "renamed", ""),
        Party("X", "Hoshine Silicon Industry (Shanshan) Co", "US"),
        Party("Y", "Other Co", "CN"),
    ]
    f = findings_from_store(staff.store, screened)
    assert sorted(x.party_id for x in f) == ["P-HOSH", "S3"]  # by id, or by name in a compatible country
    assert {x.rule for x in f} == {"grievance"} and {x.severity for x in f} == {"review"}
    assert "passports" not in json.dumps([x.summary for x in f] + [x.details for x in f])
    assert "excerpt" not in f[0].details
    triage.share_excerpt(staff.ctx("admin"), ok, "Documents reportedly held by the employer.")
    f = findings_from_store(staff.store, screened[:1])
    assert f[0].details["excerpt"] == "Documents reportedly held by the employer."
    assert "Documents reportedly held" in f[0].summary
    assert grievance_findings(screened, []) == []


def test_grievance_reaches_the_verdict_as_review_never_presumption(staff: Staff, tmp_path) -> None:
    from laborlens.match.service import matcher_for_store
    from laborlens.model import Link, Shipment
    from laborlens.screen import screen_tables

    _store_party(staff.store, "SUP", "Bac Ninh Garment Co", "VN")
    _credible(staff, issues=("excessive_overtime", "withholding_of_wages"), pid="SUP")
    parties = [
        Party("IMP", "Acme Imports", "US"),
        Party("SUP", "Bac Ninh Garment Co", "VN"),
        Party("FAB", "Hanoi Fabric Co", "VN"),
    ]
    links = [Link("FAB", "SUP", "fabric"), Link("SUP", "IMP", "shirts")]
    ships = [Shipment("SH1", "IMP", "SUP", "shirts", "6205.20", "cotton shirts")]
    m = matcher_for_store(staff.store)
    without = screen_tables(parties, links, ships, m)
    with_g = screen_tables(parties, links, ships, m, options={"store": staff.store})
    assert not [f for f in without.findings if f.rule == "grievance"]
    g = [f for f in with_g.findings if f.rule == "grievance"]
    assert len(g) == 1 and g[0].party_id == "SUP"
    v = with_g.verdicts[0]
    assert v.verdict == "review" and any("worker grievance" in r for r in v.reasons)
    assert v.path[0] == "SUP"


def test_escalation_to_rrm_and_defender(staff: Staff) -> None:
    r = _report(staff, "es")
    admin = staff.ctx("admin")
    triage.create_party(admin, r.ref, name="Autopartes del Bajío", country="MX")
    triage.triage(admin, r.ref, issues=["freedom_of_association"], severity="high", credible=True)
    case = escalate.to_rrm(admin, r.ref, sector="auto parts")
    person = escalate.to_defender(
        admin, r.ref, person="Juana Pérez", country="Mexico", threats=["harassment"], risk="high"
    )
    with staff.store.session() as s:
        p = s.get(RrmPetition, case)
        assert p.anonymous and p.petitioner == "" and "Freedom of association" in p.allegations
        assert WORDS["es"] not in p.allegations
        d = s.execute(select(DefenderCase).where(DefenderCase.pseudonym == person)).scalar()
        assert b"Juana" not in d.identity_ct
    esc = views.get_grievance(admin, r.ref).summary.escalations
    assert [e["kind"] for e in esc] == ["rrm", "defender"]
    other = _report(staff)
    triage.create_party(admin, other.ref, name="Shanghai Co", country="CN")
    with pytest.raises(InputError, match="Mexico"):
        escalate.to_rrm(admin, other.ref, sector="manufacturing")


def test_redacted_export_has_no_words_contact_or_names(staff: Staff) -> None:
    r = _report(staff, "bn", contact="01711-000000", consent_to_contact=True, names_at_risk="Rahim")
    triage.share_excerpt(staff.ctx("admin"), r.ref, "Locked fire exits reported.")
    for fmt in ("json", "csv"):
        body = views.export_redacted(staff.ctx("analyst"), fmt)
        assert r.ref in body and "Locked fire exits reported." in body
        for secret in (WORDS["bn"], "01711", "Rahim"):
            assert secret not in body
    with pytest.raises(Forbidden):
        views.export_redacted(staff.ctx("viewer"))


def test_redacted_csv_export_neutralises_formulas(staff: Staff) -> None:
    """The excerpt is staff's free text: in the CSV it must reach a spreadsheet as text, not a formula."""
    r = _report(staff)
    triage.share_excerpt(staff.ctx("admin"), r.ref, '=HYPERLINK("http://x.invalid","open")')
    body = views.export_redacted(staff.ctx("analyst"), "csv")
    assert "'=HYPERLINK(" in body
    assert ',=HYPERLINK(' not in body and '"=HYPERLINK(' not in body


def test_errors_never_echo_what_was_typed(staff: Staff) -> None:
    with pytest.raises(NotFound) as e:
        views.get_grievance(staff.ctx("admin"), "Juana Pérez")
    assert "Juana" not in str(e.value)


def test_grievances_on_postgresql(pg_settings) -> None:  # noqa: F811
    """The same lifecycle, sealing and finding on PostgreSQL (migration 0008 included)."""
    from laborlens.store import open_store

    store = open_store(pg_settings)
    assert store.engine.dialect.name == "postgresql"
    staff = Staff(pg_settings, store)
    _store_party(store)
    ref = _credible(staff)
    r = _report(staff, "zh-Hans", contact="wechat abc", consent_to_contact=True)
    assert intake.follow_up(staff.worker(), r.code).messages[0].text == WORDS["zh-Hans"]
    assert not views.get_grievance(staff.ctx("analyst"), r.ref).may_see
    assert views.get_grievance(staff.ctx("admin"), r.ref).contact == "wechat abc"
    f = findings_from_store(store, [Party("P-HOSH", "x", "CN")])
    assert [x.details["grievance"] for x in f] == [ref]
    with store.session() as s:
        assert verify(s).ok
