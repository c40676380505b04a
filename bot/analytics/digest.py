"""`doorvraag digest`: the week's figures and signals as one HTML page fit to mail.

Self-contained (inline styles, no scripts, no images, no links to fetch), laid
out with simple tables so mail programs show it as meant. Only coded counts,
the trend signals and clusters of at least five contacts appear: no message text.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from bot import labels
from bot.analytics import dutch, terms
from bot.analytics.calendar import Week
from bot.analytics.figures import HANDED_OFF, compute
from bot.analytics.trends import TrendReport, describe, trends, week_documents
from bot.organisation import organisation_name
from bot.storage.database import Database

CELL = "padding:4px 10px;border-bottom:1px solid #ccc;text-align:left"
NUMBER = "padding:4px 10px;border-bottom:1px solid #ccc;text-align:right"


def week_title(week: Week) -> str:
    return f"week {week.number} ({dutch.day(week.monday)} tot en met {dutch.day(week.sunday)})"


def digest_html(
    db: Database,
    week: Week,
    *,
    organisation: str | None = None,
    made: datetime | None = None,
    report: TrendReport | None = None,
) -> str:
    organisation = organisation or organisation_name()
    now = compute(db, week.monday, week.sunday)
    before_week = week.shifted(-1)
    before = compute(db, before_week.monday, before_week.sunday)
    last_year_week = week.same_week_years_back(1)
    assert last_year_week is not None
    last_year = compute(db, last_year_week.monday, last_year_week.sunday)
    report = report or trends(db, week)
    rows = []
    for code, count in now.by_theme.items():
        name = labels.label_text("themes", code) if code in labels.themes() else code
        rows.append(
            f'<tr><th scope="row" style="{CELL}">{escape(name)}</th><td style="{NUMBER}">{count}</td>'
            f'<td style="{NUMBER}">{before.by_theme.get(code, 0)}</td>'
            f'<td style="{NUMBER}">{last_year.by_theme.get(code, 0)}</td></tr>'
        )
    signals = "\n".join(f"<li>{escape(line)}</li>" for line in describe(report))
    groups = [c for c in terms.clusters(week_documents(db, week)) if len(c.terms) > 1]
    cluster_items = "\n".join(
        f"<li>{escape(', '.join(c.terms))}: {len(c.members)} contacten</li>"
        for c in sorted(groups, key=lambda c: -len(c.members))
    )
    clusters_block = (
        f'<h2 style="font-size:17px">Vragen die op elkaar leken</h2>\n<ul>\n{cluster_items}\n</ul>'
        if cluster_items
        else ""
    )
    made_text = dutch.moment(made or datetime.now(timezone.utc))
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(organisation)}: {escape(week_title(week))}</title>
</head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;background:#ffffff;margin:0;padding:16px">
<div style="max-width:640px;margin:0 auto">
<h1 style="font-size:21px">{escape(organisation)}: {escape(week_title(week))}</h1>
<p>{dutch.number(now.total)} contacten deze week, {dutch.number(before.total)} de week ervoor en
{dutch.number(last_year.total)} in dezelfde week vorig jaar; {dutch.number(now.handed_off)} {HANDED_OFF},
{dutch.number(now.urgent)} urgent.</p>
<h2 style="font-size:17px">Opvallend</h2>
<ul>
{signals}
</ul>
{clusters_block}
<table style="border-collapse:collapse;margin:12px 0">
<caption style="text-align:left;font-weight:bold;padding-bottom:4px">Contacten per thema</caption>
<tr><th scope="col" style="{CELL}">thema</th><th scope="col" style="{NUMBER}">deze week</th>
<th scope="col" style="{NUMBER}">vorige week</th><th scope="col" style="{NUMBER}">zelfde week vorig jaar</th></tr>
{chr(10).join(rows)}
</table>
<p style="font-size:13px;color:#444">Gemaakt op {escape(made_text)} (Nederlandse tijd). Opvallend betekent: meer
contacten dan je op grond van de weken ervoor en dezelfde weken in eerdere jaren mag verwachten, rekening houdend met
schoolvakanties; van de signalen is naar verwachting hoogstens {dutch.percent(report.fdr)} toeval.</p>
</div>
</body>
</html>
"""
