"""`doorvraag report`: the figures of a period as one self-contained HTML page plus a CSV file.

For the annual report: charts are inline SVG, styles inline, no scripts and no
external assets, so the page can be mailed or archived as it is.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from bot.analytics.charts import bar_chart_svg
from bot.analytics.figures import AXES, Figures, label_for

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def figures_csv(figures: Figures) -> str:
    """section,key,label,count rows; cells that a spreadsheet would run as a formula are quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "count"])
    writer.writerow(["total", "contacts", "contacten", figures.total])
    for attribute, axis, _title in AXES:
        for code, count in getattr(figures, attribute).items():
            writer.writerow([_safe(attribute), _safe(code), _safe(label_for(axis, code)), count])
    writer.writerow(["rate", "handoff", "doorverwezen naar een medewerker", f"{figures.handoff_rate:.4f}"])
    writer.writerow(["rate", "urgent", "urgent", f"{figures.urgent_rate:.4f}"])
    return out.getvalue()


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _period(figures: Figures) -> str:
    start = figures.date_from.strftime("%d-%m-%Y") if figures.date_from else "het begin"
    end = figures.date_to.strftime("%d-%m-%Y") if figures.date_to else "nu"
    return f"{start} tot en met {end}"


def html_report(figures: Figures) -> str:
    charts: list[str] = []
    for attribute, axis, title in AXES:
        counts = getattr(figures, attribute)
        if counts:
            names = {code: label_for(axis, code) for code in counts}
            charts.append(f"<figure>{bar_chart_svg(title, counts, names)}</figure>")
    made = datetime.now(timezone.utc).strftime("%d-%m-%Y %H:%M UTC")
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Doorvraag: cijfers {escape(_period(figures))}</title>
<style>
  body {{ font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; max-width: 780px;
         margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
  figure {{ margin: 2rem 0; overflow-x: auto; }}
  table {{ border-collapse: collapse; }}
  td, th {{ padding: .25rem .75rem; border-bottom: 1px solid #ccc; text-align: left; }}
</style>
</head>
<body>
<main>
<h1>Contacten met de helpdesk</h1>
<p>Periode: {escape(_period(figures))}. Gemaakt op {escape(made)}.</p>
<table>
  <tr><th scope="row">Contacten</th><td>{figures.total}</td></tr>
  <tr><th scope="row">Doorverwezen naar een medewerker</th>
      <td>{figures.handed_off} ({figures.handoff_rate:.0%})</td></tr>
  <tr><th scope="row">Urgent</th><td>{figures.urgent} ({figures.urgent_rate:.0%})</td></tr>
</table>
{chr(10).join(charts)}
</main>
</body>
</html>
"""


def write_report(figures: Figures, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "index.html"
    page.write_text(html_report(figures), encoding="utf-8")
    (out_dir / "figures.csv").write_text(figures_csv(figures), encoding="utf-8")
    return page
