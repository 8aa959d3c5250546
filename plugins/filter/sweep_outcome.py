# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: sweep_outcome
short_description: What a ransomware sweep of every host found, and the message to fail the play with
version_added: 0.1.0
description:
  - Sums up the C(ransomware_sweep_result) of every host the role P(bluexp.cloud_backup.ransomware_sweep#role)
    swept - the backups with ransomware and the backups whose scan failed, each once even when several hosts
    swept it - and words the failure of the play.
  - The play fails (RV(_value.failure) is not empty) on a detection when O(fail_on_detection) is true, and on a
    failed scan when O(fail_on_scan_error) is true.
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The C(ransomware_sweep_result) of each host; an empty one (a host that stopped before its verdicts) adds
        nothing.
    type: list
    elements: dict
    required: true
  fail_on_detection:
    description: Fail the play when ransomware was detected.
    type: bool
    default: true
  fail_on_scan_error:
    description: Fail the play when a scan failed or could not start.
    type: bool
    default: true
"""

EXAMPLES = r"""
---
- name: Sum up the sweep of every host
  run_once: true
  vars:
    outcome: >-
      {{ ansible_play_hosts | map('extract', hostvars) | map(attribute='ransomware_sweep_result')
         | select('defined') | list | bluexp.cloud_backup.sweep_outcome(fail_on_scan_error=false) }}
  ansible.builtin.fail:
    msg: "{{ outcome.failure }}"
  when: outcome.failure | length > 0
"""

RETURN = r"""
_value:
  description: The sweep of every host.
  type: dict
  contains:
    detections:
      description: The records (see P(bluexp.cloud_backup.sweep_records#filter)) of the backups with ransomware, one per backup.
      type: list
      elements: dict
    failures:
      description: The records of the backups whose scan failed or could not start, one per volume.
      type: list
      elements: dict
    lines:
      description: One line per detection (C(RANSOMWARE DETECTED) and the label), then one per failed scan (C(SCAN FAILED)).
      type: list
      elements: str
    failure:
      description: The message to fail the play with; empty when the play does not fail.
      type: str
      sample: >-
        Ransomware detected in 1 backup(s) (working environment / volume / backup):
        aws-fin-16 / vol_app_01 / daily.2026-11-28_2104 (24aefbea-...).
"""

from typing import Any, Iterable, Mapping

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def _unique(records: Iterable[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
    """The first record of each key, in order (several hosts may sweep the same working environment)."""
    seen: dict[Any, dict[str, Any]] = {}
    for record in records:
        seen.setdefault(record.get(key), dict(record))
    return list(seen.values())


def sweep_outcome(results: Iterable[Mapping[str, Any]], fail_on_detection: Any = True,
                  fail_on_scan_error: Any = True) -> dict[str, Any]:
    if not isinstance(results, (list, tuple)):
        raise ValueError("expected the ransomware_sweep_result of each host, got {0}".format(type(results).__name__))
    results = [r for r in results if isinstance(r, Mapping)]
    detections = _unique((d for r in results for d in r.get("detections") or []), "backup_id")
    failures = _unique((f for r in results for f in r.get("failures") or []), "volume_id")
    parts = []
    if boolean(fail_on_detection, strict=False) and detections:
        parts.append("Ransomware detected in {0} backup(s) (working environment / volume / backup): {1}.".format(
            len(detections), "; ".join(str(d.get("label")) for d in detections)))
    if boolean(fail_on_scan_error, strict=False) and failures:
        parts.append("Ransomware scan failed for {0} backup(s): {1}.".format(
            len(failures), "; ".join("{0}: {1}".format(f.get("label"), f.get("error")) for f in failures)))
    return {
        "detections": detections,
        "failures": failures,
        "lines": ["RANSOMWARE DETECTED: {0}".format(d.get("label")) for d in detections]
        + ["SCAN FAILED: {0}".format(f.get("label")) for f in failures],
        "failure": " ".join(parts),
    }


class FilterModule:
    """bluexp.cloud_backup.sweep_outcome."""

    def filters(self) -> dict[str, Any]:
        return {"sweep_outcome": jinja_filter("sweep_outcome", sweep_outcome)}
