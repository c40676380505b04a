"""axe-core in a real page: the accessibility rules run on what the browser rendered, widget included.

axe-core comes from the npm registry, pinned in web/chat/package-lock.json (a dev dependency that
`make setup` installs). Its script is evaluated in the page over DevTools, which a page's
Content-Security-Policy does not restrict, and `axe.run()` checks the document as it is at that moment.
"""
from __future__ import annotations

import json

from tests.conftest import ROOT

AXE = ROOT / "web" / "chat" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN = """(() => {
  window.__doorvraagAxe = null;
  axe.run(document, { resultTypes: ["violations"] }).then(
    r => { window.__doorvraagAxe = JSON.stringify({
      url: r.url, version: r.testEngine.version, passes: r.passes.length,
      violations: r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({ target: n.target.join(" "), html: n.html.slice(0, 200),
                                   summary: (n.failureSummary || "").slice(0, 400) })) })) }); },
    e => { window.__doorvraagAxe = JSON.stringify({ error: String(e) }); });
  return true;
})()"""


def run_axe(browser, timeout: float = 60.0) -> dict:
    """axe's findings on the browser's current page: url, version, the number of passed rules, violations."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run 'make setup' (axe-core from web/chat/package-lock.json)")
    assert browser.evaluate(AXE.read_text(encoding="utf-8") + "\n;typeof axe === 'object'")
    browser.evaluate(RUN)
    result = json.loads(str(browser.wait_until("window.__doorvraagAxe", timeout, "axe.run() finished")))
    assert "error" not in result, result
    return result


def blocking(result: dict) -> list[dict]:
    """The violations with impact serious or critical: the ones that keep someone out."""
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(result: dict) -> str:
    """Every violation found, one line per node, for the test output."""
    lines = [f"axe {result['version']} on {result['url']}: {result['passes']} rules passed, "
             f"{len(result['violations'])} violated"]
    for violation in result["violations"]:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.extend(f"      {node['target']}: {node['html']}" for node in violation["nodes"])
    return "\n".join(lines)
