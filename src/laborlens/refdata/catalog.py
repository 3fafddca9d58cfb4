"""The reference lists laborlens ships, with edition, source and coverage shown to users.

Watchlists (``kind == "watchlist"``) hold entities that names are matched against; they are seeded into the
store as edition 1 and can be updated with ``laborlens lists import``. Reference tables (gazetteer,
sectors, ILAB goods) are read straight from package data.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DATA = Path(str(resources.files("laborlens.refdata") / "data"))

UFLPA_GAP = (
    "PARTIAL: 75 of the 144 entities on the DHS list as of 2025-01-15 (English names only); the first 55 are "
    "the best attested. DHS has added entities to the list since January 2025, and none of them is in this "
    "edition. Download the current list with `laborlens lists update uflpa`, or load a saved copy with "
    "`laborlens lists import FILE --list uflpa` (the DHS page saved as HTML, or OpenSanctions' us_dhs_uflpa "
    "FollowTheMoney JSON lines)."
)


@dataclass(frozen=True)
class ListInfo:
    name: str
    title: str
    kind: str  # watchlist | reference
    file: str
    edition: str
    source: str
    coverage: str

    @property
    def path(self) -> Path:
        if self.kind == "reference":
            # `laborlens lists update ilab` records a newer edition of a reference table in the home folder
            from laborlens.settings import load_settings

            local = load_settings().home / "refdata" / self.file
            if local.exists():
                return local
        return DATA / self.file

    def rows(self) -> list[dict[str, str]]:
        with self.path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))


CATALOG: dict[str, ListInfo] = {
    i.name: i
    for i in [
        ListInfo("uflpa", "UFLPA Entity List (DHS/FLETF)", "watchlist", "uflpa_entity_list_partial.csv",
                 "bundled 2025-01 (partial)", "DHS UFLPA Entity List via news, law-firm and FR summaries",
                 UFLPA_GAP),
        ListInfo("wro", "CBP Withhold Release Orders and Findings (active)", "watchlist",
                 "cbp_wro_findings.csv", "CBP FY2026 December",
                 "CBP withhold-release-orders-findings CSV (active entries)",
                 "54 active WROs/Findings; some rows are scopes (country/good, vessels), not entities"),
        ListInfo("ilab", "ILAB List of Goods Produced by Child Labor or Forced Labor", "reference",
                 "ilab_list_of_goods.csv", "2022", "US DOL Sweat & Toil app data",
                 "2022 edition: 169 goods x 78 countries; 2024 additions missing"),
        ListInfo("xuar_admin", "XUAR gazetteer: prefectures, counties, XPCC cities", "reference",
                 "xuar_admin_divisions.csv", "NBS 2023", "NBS division codes (2023-06-30)",
                 "124 units; counties created after mid-2023 missing"),
        ListInfo("xuar_townships", "XUAR gazetteer: townships and regimental farms", "reference",
                 "xuar_townships.csv", "NBS 2023", "NBS division codes (2023-06-30)",
                 "1405 township-level units; pinyin machine-made"),
        ListInfo("china_prefectures", "Prefecture-level divisions of mainland China", "reference",
                 "china_prefectures.csv", "NBS 2023", "NBS division codes (2023-06-30)",
                 "333 prefectures; resolves an address to its province"),
        ListInfo("sectors", "UFLPA high-priority sectors", "reference", "uflpa_high_priority_sectors.csv",
                 "2025-08", "FLETF strategy and updates",
                 "12 sectors; HTS mapping is indicative, not official"),
    ]
}
