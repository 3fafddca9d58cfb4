"""Fictional worker grievances for the demo, in several languages, one about a tainted supplier.

Loaded through the same use cases a worker and staff use (so they are sealed, audited and derived like real
ones). Dates are set by a clock a few days back, so the board shows a met, a due-soon and an overdue
acknowledgement. Only the grievance about the tainted supplier is triaged credible with forced-labour
indicators, so it is the only one screening reports (as review; the supplier is already presumption).
Re-running changes nothing once grievances exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from laborlens.accounts import Principal
from laborlens.grievances import WORKER, intake, triage
from laborlens.grievances.models import Grievance
from laborlens.service.context import Context, SystemClock
from laborlens.store import Store
from laborlens.store.models import Party

STAFF = Principal(0, "demo", "admin", "cli")


@dataclass
class _Back:
    """A clock ``days`` behind the real one (the demo's reports arrived earlier)."""

    days: int

    def now(self) -> datetime:
        return SystemClock().now() - timedelta(days=self.days)

    def today(self) -> date:
        return SystemClock().today() - timedelta(days=self.days)


def _party(store: Store, like: str) -> Party | None:
    with store.session() as s:
        return (
            s.execute(select(Party).where(Party.name.ilike(f"%{like}%")).order_by(Party.id)).scalars().first()
        )


def load_demo_grievances(store: Store) -> int:
    """Load the demo grievances (idempotent); returns how many were added."""
    with store.session() as s:
        if s.execute(select(func.count()).select_from(Grievance)).scalar():
            return 0
    settings = store.settings

    def worker(days: int) -> Context:
        return Context(settings, store, WORKER, clock=_Back(days))

    def staff(days: int) -> Context:
        return Context(settings, store, STAFF, clock=_Back(days))

    n = 0
    tainted = _party(store, "Hoshine")
    r = intake.submit_report(
        worker(20),
        language="zh-Hans",
        workplace="合盛硅业（鄯善）",
        location="新疆 鄯善县",
        words="我们的身份证被厂里收走了，不让我们离开宿舍区。每天工作十四个小时，工资说是年底才发。",
    )
    n += 1
    if tainted is not None:
        triage.link_party(staff(19), r.ref, tainted.id)
    triage.set_status(staff(18), r.ref, "acknowledged")
    triage.triage(
        staff(15),
        r.ref,
        issues=[
            "retention_of_documents",
            "restriction_of_movement",
            "withholding_of_wages",
            "excessive_overtime",
        ],
        severity="critical",
        credible=True,
    )
    triage.set_status(staff(15), r.ref, "investigating")
    triage.reply(staff(15), r.ref, "我们已收到您的举报，正在核实。请不要冒险。")
    triage.share_excerpt(
        staff(14),
        r.ref,
        "Workers report identity documents held by the employer, "
        "confinement to dormitories and wages deferred to year end.",
    )

    r = intake.submit_report(
        worker(12),
        language="es",
        workplace="Autopartes del Bajío",
        location="Silao, Guanajuato, México",
        words="El sindicato de la empresa firmó un contrato sin consultarnos. A los que pedimos una votación "
        "nos amenazaron con despedirnos.",
    )
    n += 1
    # not linked to a party: the demo's store holds exactly the generated supply chain (staff would
    # create the facility with ``grievances link --name ... --country MX`` and could then escalate to the RRM)
    triage.set_status(staff(10), r.ref, "acknowledged")
    triage.triage(
        staff(10),
        r.ref,
        issues=["freedom_of_association", "intimidation_threats"],
        severity="high",
        credible=None,
    )
    triage.plan(
        staff(9),
        r.ref,
        [("Meet the independent union's representatives", date.today() + timedelta(days=5), "labor attaché")],
    )

    for days_ago, report in _UNTRIAGED:
        intake.submit_report(worker(days_ago), **report)
        n += 1
    return n


# Reports staff have not triaged yet: (days ago, the worker's report).
_UNTRIAGED: tuple[tuple[int, dict[str, Any]], ...] = (
    (6, {"language": "vi", "workplace": "Xưởng may ở Bắc Ninh", "location": "Bắc Ninh, Việt Nam",
         "words": "Chúng tôi phải làm thêm giờ đến 11 giờ đêm, không được trả tiền làm thêm. "
         "Ai từ chối thì bị trừ lương."}),
    (9, {"language": "bn", "workplace": "গাজীপুরের একটি নিটিং কারখানা", "location": "গাজীপুর, বাংলাদেশ",
         "words": "অগ্নি নির্গমন পথ তালা দেওয়া থাকে। গত মাসে একজন সহকর্মী মেশিনে আহত হয়েছেন, "
         "কোনো চিকিৎসা দেওয়া হয়নি।"}),
    (2, {"language": "id", "workplace": "Perkebunan sawit", "location": "Kalimantan Barat, Indonesia",
         "words": "Agen memotong gaji kami untuk membayar utang biaya perekrutan. Utangnya tidak pernah lunas.",
         "contact": "lewat serikat pekerja setempat", "consent_to_contact": True}),
)
