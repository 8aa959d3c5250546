# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/protection_report.yml writes a report.html that renders in headless Chromium and shows the report."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO

PLAYBOOK = REPO / "playbooks" / "protection_report.yml"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
                  # Self-contained: any request for another host fails (and would show in the console).
                  "--host-resolver-rules=MAP * ~NOTFOUND")
WINDOW = (1280, 2000)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Dom(HTMLParser):
    """The elements of a page, each with its attributes and the text inside it."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._add(tag, attrs)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> dict[str, Any]:
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "parent": self._open[-1] if self._open else None}
        self.elements.append(element)
        return element

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data

    def find_all(self, tag: str | None = None, cls: str | None = None, within: dict[str, Any] | None = None,
                 **attrs: str) -> list[dict[str, Any]]:
        found = []
        for element in self.elements:
            if within is not None and not _descends(element, within):
                continue
            if tag and element["tag"] != tag:
                continue
            if cls and cls not in (element["attrs"].get("class") or "").split():
                continue
            if any(element["attrs"].get(name.replace("_", "-")) != value for name, value in attrs.items()):
                continue
            found.append(element)
        return found

    def one(self, tag: str | None = None, cls: str | None = None, within: dict[str, Any] | None = None,
            **attrs: str) -> dict[str, Any]:
        found = self.find_all(tag, cls, within, **attrs)
        assert len(found) == 1, "expected one {0} {1} {2}, found {3}".format(tag, cls, attrs, len(found))
        return found[0]


def _descends(element: dict[str, Any], ancestor: dict[str, Any]) -> bool:
    parent = element["parent"]
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent["parent"]
    return False


def text(element: dict[str, Any]) -> str:
    return " ".join(element["text"].split())


def chromium() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("Chromium ({0}) is not installed, and this test renders the report in it: run "
                    "make e2e (nox -s e2e installs Debian's chromium package)".format(CHROMIUM))
    return CHROMIUM


def render(page: Path, work: Path) -> tuple[Dom, Path]:
    """The page's DOM after its scripts ran, and a screenshot of it."""
    binary = chromium()
    profile = "--user-data-dir={0}".format(work / "chromium-profile")
    dumped = subprocess.run([binary, *CHROMIUM_FLAGS, profile, "--dump-dom", page.as_uri()],
                            capture_output=True, text=True, timeout=120, check=False)
    assert dumped.returncode == 0, dumped.stderr[-3000:]
    console = [line for line in dumped.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "the page logged to the console:\n" + "\n".join(console)
    png = work / "report.png"
    shot = subprocess.run([binary, *CHROMIUM_FLAGS, profile, "--hide-scrollbars",
                           "--window-size={0},{1}".format(*WINDOW), "--screenshot={0}".format(png), page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert shot.returncode == 0, shot.stderr[-3000:]
    return Dom(dumped.stdout), png


def assert_screenshot(png: Path) -> None:
    assert png.is_file(), "no screenshot written"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == WINDOW
    # A blank page of that size compresses to a few kilobytes; charts and tables do not.
    assert len(data) > 40_000, "screenshot of {0} bytes: the page looks empty".format(len(data))


def run_report(bluexp_emulator, run_playbook, out: Path, *extra: str):
    state = bluexp_emulator.state()
    # The collection's ansible.cfg makes a run without an inventory fatal: localhost is named.
    inventory = () if "-i" in extra else ("-i", "localhost,")
    run = run_playbook(PLAYBOOK, *inventory, "-e", "protection_report_dir={0}".format(out), *extra,
                       env={"BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
                            "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"]})
    assert run.rc == 0, run.output[-4000:]
    for name in ("report.json", "report.md", "report.html"):
        assert str(out / name) in run.stdout
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def assert_rendered(dom: Dom) -> None:
    assert dom.one("html")["attrs"].get("data-rendered") == "true", "the page's script did not finish"
    banner = dom.one(id="render-error")
    assert "hidden" in banner["attrs"] and text(banner) == ""


def assert_self_contained(page: Path) -> None:
    markup = page.read_text(encoding="utf-8")
    assert set(re.findall(r"https?://[^\s\"'<>)]+", markup)) <= {SVG_NAMESPACE}
    assert "<link" not in markup and "@import" not in markup and "url(" not in markup
    assert not re.search(r"<script[^>]+src=", markup)


def assert_totals(dom: Dom, report: dict[str, Any]) -> None:
    """The figures at the top of the page are the JSON report's."""
    shown = {card["attrs"]["data-total"]: text(dom.one("span", cls="value", within=card))
             for card in dom.find_all("div") if "data-total" in card["attrs"]}
    expected = {key: str(report["totals"][key]) for key in
                ("working_environments", "volumes", "protected", "unprotected", "rpo_missed", "drift",
                 "awaiting_first_backup", "backup_failed", "ransomware_detected", "datalock_protected")}
    expected["license_problems"] = str(report["problems"]["license"])
    assert shown == expected


@pytest.mark.bluexp_emulator(seed=42, fleet_size=24)
def test_fleet_report_renders_charts_and_figures(bluexp_emulator, run_playbook, tmp_path: Path):
    chromium()
    state = bluexp_emulator.state()
    names = [we["name"] for we in state["accounts"][0]["working_environments"]]
    standard = {"policy_name": "Gold", "rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 13}]}
    report = run_report(bluexp_emulator, run_playbook, tmp_path / "out", "-e", "protection_report_rpo_hours=6",
                        "-e", json.dumps({"protection_report_standard": standard}))
    assert report["status"] == "attention"
    assert report["totals"]["rpo_missed"] > 0 and report["drift"] and report["licenses"]["invalid"]
    page = tmp_path / "out" / "report.html"
    assert_self_contained(page)

    dom, png = render(page, tmp_path)
    assert_rendered(dom)
    assert_screenshot(png)

    # Titles
    assert text(dom.one("title", within=dom.one("head"))).startswith("Backup protection report")
    assert text(dom.one("h1")) == "Backup protection report"
    assert text(dom.one("title", id="coverage-svg-title")) == "Coverage per working environment"
    assert text(dom.one("title", id="age-svg-title")) == "Age of the newest backup"
    assert text(dom.one(id="rpo-hours")) == "6 h"
    assert "Gold" in text(dom.one(id="standard"))
    assert dom.one("section", id="status")["attrs"]["data-status"] == "attention"
    assert text(dom.one("h2", id="status-title")) == "Needs attention"

    # One bar group per working environment, lowest coverage first, as the JSON says.
    groups = dom.find_all("g", cls="bar-group")
    assert sorted(g["attrs"]["data-we"] for g in groups) == sorted(names)
    assert [g["attrs"]["data-we"] for g in groups] == [c["name"] for c in report["coverage"]]
    assert [int(g["attrs"]["data-protected"]) for g in groups] == [c["protected"] for c in report["coverage"]]
    assert len(dom.find_all("rect", cls="bar-protected")) == len(dom.find_all("rect", cls="bar-unprotected")) == len(names)

    # The histogram's bars add up to the protected volumes.
    bars = dom.find_all("rect", cls="hist-bar")
    assert [b["attrs"]["data-bucket"] for b in bars] == [b["label"] for b in report["histogram"]]
    assert sum(int(b["attrs"]["data-count"]) for b in bars) == report["totals"]["protected"]
    assert len(dom.find_all("line", cls="rpo-line")) == 1

    assert_totals(dom, report)

    # The tables of what needs attention.
    assert text(dom.one("h2", id="rpo-title")) == "Volumes missing the 6 h RPO ({0})".format(report["totals"]["rpo_missed"])
    assert text(dom.one("h2", id="drift-title")) == "Policy drift ({0})".format(len(report["drift"]))
    licenses_section = text(dom.one("section", id="licenses"))
    assert all(entry["we"] in licenses_section for entry in report["licenses"]["invalid"])

    # Every working environment has its own section, linked from the coverage table.
    sections = dom.find_all("section", cls="we")
    assert [s["attrs"]["data-we"] for s in sections] == [c["name"] for c in report["coverage"]]
    assert [s["attrs"]["id"] for s in sections] == [c["anchor"] for c in report["coverage"]]
    links = {a["attrs"]["href"] for a in dom.find_all("a", within=dom.one("table", id="coverage-table"))}
    assert links == {"#" + c["anchor"] for c in report["coverage"]}
    for section, entry in zip(sections, report["coverage"], strict=True):
        assert entry["license"] in text(section)
    # The sections of what the admin acts on are there, with their counts.
    assert text(dom.one("h2", id="failed-title")) == "Newest backup failed ({0})".format(report["totals"]["backup_failed"])
    assert text(dom.one("h2", id="awaiting-title")).startswith("Awaiting their first backup")
    assert dom.one("section", id="ransomware") and dom.one("svg", within=dom.one(id="trend-chart"))


@pytest.mark.bluexp_emulator(seed=42, fleet_size=24)
def test_inventory_hosts_all_clear(bluexp_emulator, run_playbook, tmp_path: Path):
    """Run on inventory hosts, the report covers their working environments; when all is fine it says so."""
    chromium()
    environments = bluexp_emulator.state()["accounts"][0]["working_environments"]
    fine = [we for we in environments if we["backup_enabled"] and we["volumes"] == we["protected_volumes"]
            and we["license_state"] in ("byol", "paygo")]
    assert fine, "seed 42 with 24 working environments should have a fully protected, licensed one"
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(json.dumps({"clusters": {"hosts": {"cluster-1": {"bluexp_name": fine[0]["name"]}}}}))
    report = run_report(bluexp_emulator, run_playbook, tmp_path / "out", "-i", str(inventory),
                        "-e", "protection_report_hosts=clusters", "-e", "protection_report_rpo_hours=100000",
                        # Judged without the fleet standard of playbooks/vars/protection.yml, which it predates.
                        "-e", '{"protection_report_standard": {}}')
    assert report["status"] == "ok"
    assert report["working_environment_names"] == [fine[0]["name"]]

    dom, png = render(tmp_path / "out" / "report.html", tmp_path)
    assert_rendered(dom)
    assert_screenshot(png)
    status = dom.one("section", id="status")
    assert status["attrs"]["data-status"] == "ok"
    assert text(dom.one("h2", id="status-title")) == "All clear"
    assert "Every volume is protected" in text(status)
    assert [g["attrs"]["data-we"] for g in dom.find_all("g", cls="bar-group")] == [fine[0]["name"]]
    assert sum(int(b["attrs"]["data-count"]) for b in dom.find_all("rect", cls="hist-bar")) == fine[0]["volumes"]
    assert_totals(dom, report)


@pytest.mark.bluexp_emulator(seed=42, fleet_size=6)
def test_history_of_three_runs_draws_the_trend(bluexp_emulator, run_playbook, tmp_path: Path):
    """Each run appends a line to history.jsonl; the third run's page draws the three runs."""
    chromium()
    out = tmp_path / "out"
    reports = [run_report(bluexp_emulator, run_playbook, out) for _run in range(3)]
    lines = (out / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [r["snapshot"] for r in reports]
    assert reports[-1]["history"] == [r["snapshot"] for r in reports]

    dom, png = render(out / "report.html", tmp_path)
    assert_rendered(dom)
    assert_screenshot(png)
    assert text(dom.one("title", id="trend-svg-title")) == "Coverage and RPO misses over time"
    points = dom.find_all("g", cls="trend-point")
    assert [p["attrs"]["data-generated-at"] for p in points] == [r["generated_at"] for r in reports]
    assert [int(p["attrs"]["data-rpo-missed"]) for p in points] == [r["totals"]["rpo_missed"] for r in reports]
    assert len(dom.find_all("polyline", cls="trend-coverage")) == len(dom.find_all("polyline", cls="trend-rpo")) == 1


@pytest.mark.bluexp_emulator(seed=42, fleet_size=6)
def test_run_by_collection_name_writes_to_the_current_directory(bluexp_emulator, run_playbook, collections_path,
                                                                tmp_path: Path):
    """ansible-playbook bluexp.cloud_backup.protection_report writes where it runs, not into the collection."""
    state = bluexp_emulator.state()
    work = tmp_path / "work"
    work.mkdir()
    run = run_playbook("bluexp.cloud_backup.protection_report", cwd=work,
                       env={"BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
                            "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"]})
    assert run.rc == 0, run.output[-4000:]
    assert (work / "protection-report" / "report.html").is_file()
    assert (work / "protection-report" / "history.jsonl").is_file()
    # The summary names the files it wrote: under the directory the play ran from, nowhere else.
    assert str(work.resolve() / "protection-report" / "report.html") in run.stdout
