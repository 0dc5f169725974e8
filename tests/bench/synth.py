"""Synthetic data sets for the benchmark, and the peer project built from the same rows.

`write_data(dest, rows)` writes a complete data folder: `rows` table rows, half of them
price listings (costs.csv) and half legal-status rows over many jurisdictions (legal.csv).
Every row cites one or two synthetic sources that are also written into sources.yaml, and
every synthetic source is cited. The other data files are copied from the real data/, so
the set validates like the real one. Output is deterministic for a given size (only the
review dates follow the calendar, so they are never in the future nor overdue).

`write_peer(dest, synthetic)` writes what a maintainer would otherwise use: a plain
MkDocs + Material project (same theme, search on) whose pages read the same rows from
CSV with mkdocs-table-reader-plugin, each row citing its sources as footnotes, at most
`page_rows` rows a page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL_DATA = ROOT / "data"
GENERATED = ("costs.csv", "legal.csv", "sources.yaml", "jurisdictions.yaml")
ROWS_PER_SOURCE = 10  # one synthetic source for every 10 rows: each is cited ~15 times

COST_COLUMNS = ("modality", "item", "low_usd", "high_usd", "high_open", "unit", "basis",
                "region", "as_of", "grade", "sources", "detail", "reviewed")
LEGAL_COLUMNS = ("jurisdiction", "substance", "aspect", "status", "since", "grade", "sources",
                 "detail", "reviewed")

_STATES = ("California", "New York", "Texas", "Florida", "Illinois", "Ohio", "Georgia",
           "Washington", "Colorado", "Arizona", "Oregon", "Michigan", "Virginia", "Utah")
_CLINICS = ("Clinic listing", "Wellness centre", "Infusion practice", "Telehealth service",
            "Psychiatry group", "Hospital outpatient unit")
_COST_NOTES = ("Listed price; excludes the initial consultation.",
               "Price quoted by phone; a course is usually six sessions.",
               "Introductory price for new patients, as listed.")
_REGIONS = ("Northland", "Eastmark", "Southvale", "Westreach", "Lakeshire", "Highmoor",
            "Riverton", "Coastal", "Midland", "Upland", "Baymouth", "Stonefield")
_KETAMINE_STATUS = ("Schedule III controlled substance",
                    "Prescription-only medicine; controlled for veterinary use",
                    "Class B controlled drug",
                    "Psychotropic substance under the national drugs act")
_ESKETAMINE_STATUS = ("Approved (Spravato nasal spray) for treatment-resistant depression",
                      "Approved with a risk-management programme; certified settings only",
                      "Not approved; available through special access only",
                      "Approved, not publicly funded")
_LEGAL_NOTES = ("Secondary source; not confirmed against the legal text.",
                "Status taken from the national register.")


@dataclass(frozen=True)
class Synthetic:
    """What write_data wrote, kept in memory so the peer shows exactly the same rows."""

    rows: int
    costs: list[dict[str, str]]
    legal: list[dict[str, str]]
    sources: dict[str, dict[str, Any]]
    modality_names: dict[str, str] = field(default_factory=dict)


def write_data(dest: Path, rows: int, real: Path = REAL_DATA,
               today: dt.date | None = None) -> Synthetic:
    """Write a valid, fully cited data folder of `rows` table rows into `dest`."""
    rng = random.Random(rows)
    today = today or dt.date.today()
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(real.iterdir()):
        if path.is_file() and path.name not in GENERATED:
            shutil.copy(path, dest / path.name)
    modalities = yaml.safe_load((real / "modalities.yaml").read_text("utf-8"))
    names = {m["id"]: m["name"] for m in modalities}
    n_costs = rows // 2
    n_legal = rows - n_costs
    listings = _source_ids("listing", n_costs)
    statutes = _source_ids("statute", n_legal)
    costs = [_cost(i, rng, sorted(names), listings, today) for i in range(n_costs)]
    legal = [_legal(i, rng, statutes, today) for i in range(n_legal)]
    sources = {sid: _listing_source(k, sid) for k, sid in enumerate(listings)}
    sources |= {sid: _statute_source(k, sid) for k, sid in enumerate(statutes)}
    _write_csv(dest / "costs.csv", COST_COLUMNS, costs)
    _write_csv(dest / "legal.csv", LEGAL_COLUMNS, legal)
    places = dict.fromkeys(r["jurisdiction"] for r in legal)
    real_places = (real / "jurisdictions.yaml").read_text("utf-8").rstrip("\n")
    (dest / "jurisdictions.yaml").write_text(
        real_places + "\n" + "".join(f"- name: {name}\n" for name in places), "utf-8")
    real_sources = (real / "sources.yaml").read_text("utf-8").rstrip("\n")
    with (dest / "sources.yaml").open("w", encoding="utf-8") as out:
        out.write(real_sources + "\n\n# --- synthetic sources of the benchmark ---\n\n")
        for source in sources.values():
            out.write(_yaml_record(source))
    return Synthetic(rows, costs, legal, sources, names)


def _source_ids(prefix: str, rows: int) -> list[str]:
    return [f"{prefix}-{k:06d}" for k in range(max(1, math.ceil(rows / ROWS_PER_SOURCE)))]


def _cites(i: int, rng: random.Random, pool: list[str]) -> str:
    # Round robin first, so every source is cited; a third of the rows cite a second one.
    ids = [pool[i % len(pool)]]
    if i % 3 == 0 and len(pool) > 1:
        other = pool[rng.randrange(len(pool))]
        if other != ids[0]:
            ids.append(other)
    return ";".join(ids)


def _cost(i: int, rng: random.Random, modalities: list[str], pool: list[str],
          today: dt.date) -> dict[str, str]:
    low = rng.randrange(50, 900, 5)
    open_ended = rng.random() < 0.08
    high = "" if open_ended else str(low + rng.randrange(0, 700, 5))
    grade = rng.choices(["observational", "unverified", "contradicted", "anecdotal"],
                        [85, 5, 5, 5])[0]
    return {
        "modality": modalities[i % len(modalities)],
        "item": f"{_CLINICS[i % len(_CLINICS)]} {i + 1}, {_STATES[i % len(_STATES)]}",
        "low_usd": str(low),
        "high_usd": high,
        "high_open": "true" if high and rng.random() < 0.05 else "",
        "unit": rng.choices(["session", "course", "month"], [60, 20, 20])[0],
        "basis": rng.choices(["all-in", "drug-only"], [90, 10])[0],
        "region": f"US, {_STATES[(i * 7) % len(_STATES)]}",
        "as_of": rng.choice(["", f"{2024 + i % 2}-{i % 12 + 1:02d}", f"{2024 + i % 2}"]),
        "grade": grade,
        "sources": _cites(i, rng, pool),
        "detail": _COST_NOTES[i % len(_COST_NOTES)] if rng.random() < 0.3 else "",
        "reviewed": (today - dt.timedelta(days=i % 300)).isoformat(),
    }


def _legal(i: int, rng: random.Random, pool: list[str], today: dt.date) -> dict[str, str]:
    # Two rows (ketamine, esketamine) for each of rows/2 jurisdictions.
    k = i // 2
    ketamine = i % 2 == 0
    year = rng.randrange(1990, 2026)
    since = rng.choice(["", str(year), f"{year}-{rng.randrange(1, 13):02d}",
                        f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"])
    return {
        "jurisdiction": f"{_REGIONS[k % len(_REGIONS)]} {k // len(_REGIONS) + 1}",
        "substance": "ketamine" if ketamine else "esketamine",
        "aspect": "control" if ketamine else "approval",
        "status": rng.choice(_KETAMINE_STATUS if ketamine else _ESKETAMINE_STATUS),
        "since": since,
        "grade": rng.choices(["regulatory", "official-report", "unverified"], [70, 20, 10])[0],
        "sources": _cites(i, rng, pool),
        "detail": _LEGAL_NOTES[i % len(_LEGAL_NOTES)] if rng.random() < 0.2 else "",
        "reviewed": (today - dt.timedelta(days=i % 300)).isoformat(),
    }


def _listing_source(k: int, sid: str) -> dict[str, Any]:
    return {"id": sid, "kind": "listing", "label": f"Listing {k + 1}",
            "title": f"Ketamine clinic price listing {k + 1}",
            "publisher": f"Clinic price directory {k % 40 + 1}", "year": 2025,
            "url": f"https://listings.example.org/ketamine/{k + 1}"}


def _statute_source(k: int, sid: str) -> dict[str, Any]:
    return {"id": sid, "kind": "regulator", "label": f"Register {k + 1}",
            "title": f"Controlled substances register, entry {k + 1}",
            "publisher": "Official gazette", "year": 1990 + k % 36,
            "url": f"https://law.example.org/register/{k + 1}"}


def _yaml_record(record: dict[str, Any]) -> str:
    lines = []
    for index, (key, value) in enumerate(record.items()):
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
        lines.append(f"{'- ' if index == 0 else '  '}{key}: {text}")
    return "\n".join(lines) + "\n\n"


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- the peer: the same rows with mkdocs-table-reader-plugin ----------------------------


def write_peer(dest: Path, synthetic: Synthetic, theme: dict[str, Any],
               page_rows: int = 1000) -> int:
    """Write the peer project into `dest`; returns the number of table pages."""
    docs = dest / "docs"
    (docs / "tables").mkdir(parents=True, exist_ok=True)
    config = {
        "site_name": "Ketamine therapies (table-reader peer)",
        "theme": theme,
        "plugins": ["search", {"table-reader": {"data_path": "docs/tables"}}],
        "markdown_extensions": ["abbr", "admonition", "attr_list", "footnotes",
                                {"toc": {"permalink": True}}],
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    costs = [
        {"Modality": synthetic.modality_names[r["modality"]], "Item": r["item"],
         "Low (USD)": r["low_usd"], "High (USD)": r["high_usd"] + ("+" if r["high_open"] else ""),
         "Unit": r["unit"], "Covers": r["basis"], "Region": r["region"], "As of": r["as_of"],
         "Grade": r["grade"], "Reviewed": r["reviewed"], "Detail": r["detail"],
         "Sources": r["sources"]}
        for r in synthetic.costs
    ]
    legal = [
        {"Jurisdiction": r["jurisdiction"], "Substance": r["substance"], "Status": r["status"],
         "Since": r["since"], "Grade": r["grade"], "Reviewed": r["reviewed"],
         "Detail": r["detail"], "Sources": r["sources"]}
        for r in synthetic.legal
    ]
    pages = _peer_pages(docs, "costs", "Costs", costs, synthetic.sources, page_rows)
    pages += _peer_pages(docs, "legal", "Legal status", legal, synthetic.sources, page_rows)
    links = "\n".join(f"- [{title}]({path})" for path, title in pages)
    (docs / "index.md").write_text(
        f"# Ketamine therapies compared (peer)\n\n{synthetic.rows:,} rows as Markdown tables "
        f"read from CSV by mkdocs-table-reader-plugin.\n\n{links}\n", "utf-8")
    return len(pages)


def _peer_pages(docs: Path, stem: str, title: str, rows: list[dict[str, str]],
                sources: dict[str, dict[str, Any]], page_rows: int) -> list[tuple[str, str]]:
    chunks = [rows[i:i + page_rows] for i in range(0, len(rows), page_rows)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        name = f"{stem}-{number:03d}"
        cited: dict[str, None] = {}
        table = []
        for row in chunk:
            ids = row["Sources"].split(";")
            cited.update(dict.fromkeys(ids))
            # A footnote reference per cited source: what a maintainer writes by hand.
            table.append({**row, "Sources": " ".join(f"[^{sid}]" for sid in ids)})
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, list(chunk[0]) if chunk else ["Empty"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
        (docs / "tables" / f"{name}.csv").write_text(buffer.getvalue(), "utf-8")
        notes = "\n".join(
            f"[^{sid}]: {sources[sid]['title']}. {sources[sid]['publisher']}, "
            f"{sources[sid]['year']}. <{sources[sid]['url']}>"
            for sid in cited
        )
        heading = f"{title}, page {number} of {len(chunks)}"
        (docs / f"{name}.md").write_text(
            f"# {heading}\n\n{{{{ read_csv('{name}.csv', keep_default_na=False) }}}}\n\n"
            f"{notes}\n", "utf-8")
        pages.append((f"{name}.md", heading))
    return pages
