# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: protection_plan
short_description: What protecting one working environment needs to write, decided from a fleet-wide read
version_added: 0.1.0
description:
  - Takes a working environment as M(bluexp.cloud_backup.working_environment_info) returns it (with its backup
    status and O(bluexp.cloud_backup.working_environment_info#module:details=volumes)) and the protection it is
    held to, and says which writes are needed (activating or changing backup and recovery, which declared
    policies to converge, which volumes to protect, pause, resume or move to the policy).
  - It applies the rules of M(bluexp.cloud_backup.backup_activation), M(bluexp.cloud_backup.backup_policy) and
    M(bluexp.cloud_backup.volume_backup) (the same code), so a host whose plan is empty can skip those modules,
    which would report no change.
  - What the read cannot show is left to the modules, never guessed as unchanged. A declared policy is known
    from O(bluexp.cloud_backup.working_environment_info#module:details=backup_policies) when that was read, or
    else from the working environment's default policy in its backup status and from the policy each backed-up
    volume reports with its rules; any other policy is listed for M(bluexp.cloud_backup.backup_policy) to
    converge. A volume whose plan is an error (for example pausing a
    volume that is not protected) is listed, so that the module reports the error.
  - The C(bluexp.cloud_backup.protect) role uses it after reading the fleet once.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description: One working environment as M(bluexp.cloud_backup.working_environment_info) returns it.
    type: dict
    required: true
  policies:
    description:
      - The backup policies the working environment must have, each with C(name), C(rules) and optionally
        C(archive_after_days) and C(object_lock), as M(bluexp.cloud_backup.backup_policy) takes them.
      - The first is created by activation when backup is not active yet (unless O(activation) names its own
        C(policy)).
    type: list
    elements: dict
    default: []
  activation:
    description:
      - Options of M(bluexp.cloud_backup.backup_activation). Once backup is active only what can change is
        compared (C(ip_space), C(max_transfer_rate), C(auto_backup_enabled), C(archive_storage_class),
        C(export_existing_snapshots)).
    type: dict
    default: {}
  policy:
    description:
      - The policy the selected volumes are protected with. By default the first of O(policies), the
        C(policy) of O(activation), or the working environment's default policy.
    type: str
    default: ""
  volumes:
    description: Regular expressions matched against the whole volume name; a volume is selected when one matches.
    type: list
    elements: str
    default: [".*"]
  exclude:
    description: Regular expressions of volume names to leave out.
    type: list
    elements: str
    default: []
  svms:
    description: Only volumes of these storage VMs (all when empty).
    type: list
    elements: str
    default: []
  skip_unsupported:
    description: Leave out volumes BlueXP cannot back up (SnapLock, data-protection), as the C(bluexp.cloud_backup.protect) role does.
    type: bool
    default: true
  volume_state:
    description: V(present) protects (and resumes), V(paused) pauses, V(absent) unprotects, as in M(bluexp.cloud_backup.volume_backup).
    type: str
    choices: [present, paused, absent]
    default: present
"""

EXAMPLES = r"""
- name: Plan the writes of each host from one fleet-wide read
  ansible.builtin.debug:
    msg: "{{ fleet_index[bluexp_id] | bluexp.cloud_backup.protection_plan(policies=protect_policies) }}"
"""

RETURN = r"""
_value:
  description: The plan.
  type: dict
  contains:
    activate:
      description: Whether M(bluexp.cloud_backup.backup_activation) has something to do.
      type: bool
    active:
      description: Whether backup and recovery is active now.
      type: bool
    policies:
      description: The declared policies M(bluexp.cloud_backup.backup_policy) has to converge (or check).
      type: list
      elements: dict
    policy:
      description: The name of the policy the volumes are protected with (empty when none is known).
      type: str
    volumes:
      description: File system IDs of the selected volumes M(bluexp.cloud_backup.volume_backup) has to change.
      type: list
      elements: str
    selected:
      description: The selected volumes.
      type: list
      elements: dict
    skipped:
      description: Volumes left out as unsupported, each with its C(reason).
      type: list
      elements: dict
    changes:
      description: Whether any write is planned.
      type: bool
"""

from typing import Any, Iterable, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.filter.volumes_to_protect import volumes_to_protect
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies as pol
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter

# Options of backup_activation; anything else in `activation` is a typo that would be dropped silently.
ACTIVATION_OPTIONS = ("state", "provider", "region", "bucket", "ip_space", "aws", "azure", "gcp", "sgws", "ontap_s3",
                      "policy", "auto_backup_enabled", "max_transfer_rate", "export_existing_snapshots",
                      "archive_storage_class", "delete_backups")


def _activation_changes(current: dict[str, Any], activation: Mapping[str, Any]) -> bool:
    if not current["active"]:
        return True
    wanted = {option: activation.get(option) for option in act.MODIFIABLE}
    return bool(act.modifiable_changes(current, wanted))


def _policies_in_sight(we: Mapping[str, Any], current: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Policies the read shows without the policy list: the default policy in the backup status,
    and each policy as embedded in the backup volumes it protects (name, rules, archive days).

    An embedded policy does not carry its DataLock mode, so a declared object_lock is never
    confirmed from it: that policy goes to the module.
    """
    known: dict[str, dict[str, Any]] = {}
    if not current["active"]:
        return known
    for volume in we.get("volumes") or []:
        embedded = (volume.get("backup") or {}).get("backup_policy")
        if embedded and embedded.get("name"):
            known.setdefault(embedded["name"], dict(pol.view(embedded) or {}, object_lock=None))
    default = current.get("policy")
    if default and default.get("name"):
        known[default["name"]] = default
    return known


def _policies_to_converge(we: Mapping[str, Any], current: dict[str, Any], declared: list[dict[str, Any]],
                          created_by_activation: str | None) -> list[dict[str, Any]]:
    known: dict[str, Any]
    if "backup_policies" in we:
        known = {p.get("name"): pol.view(p) for p in we.get("backup_policies") or []}
    else:
        known = _policies_in_sight(we, current)
    result = []
    for policy in declared:
        name = str(policy.get("name"))
        if not current["active"] and name == created_by_activation:
            continue
        wanted = pol.desired(name, policy.get("rules"), policy.get("archive_after_days"), policy.get("object_lock"))
        seen = known.get(name)
        unknown_lock = seen is not None and seen.get("object_lock") is None and wanted["object_lock"] is not None
        if seen is None or unknown_lock or pol.changes(seen, wanted):
            result.append(dict(policy))
    return result


def _volumes_to_change(selected: list[dict[str, Any]], state: str, policy: str) -> list[str]:
    result = []
    for volume in selected:
        try:
            action = vols.plan(volume.get("name") or "", vols.protection_of(volume.get("backup")), state, policy or None)[0]
        except BlueXPError:
            # The module says why (for example: pausing a volume that is not protected).
            action = "error"
        if action:
            result.append(str(volume.get("file_system_id")))
    return result


def protection_plan(working_environment: Any, policies: Iterable[Mapping[str, Any]] | None = (),
                    activation: Mapping[str, Any] | None = None, policy: str | None = "",
                    volumes: Iterable[Any] | None = (".*",), exclude: Iterable[Any] | None = (),
                    svms: Iterable[Any] | None = (), skip_unsupported: bool = True,
                    volume_state: str = "present") -> dict[str, Any]:
    if not isinstance(working_environment, Mapping):
        raise ValueError("expected a working environment from working_environment_info, got {0}".format(
            type(working_environment).__name__))
    if "volumes" not in working_environment:
        raise ValueError("working environment {0} was read without its volumes (details: [volumes])".format(
            working_environment.get("id")))
    if volume_state not in ("present", "paused", "absent"):
        raise ValueError("volume_state: {0!r} is none of present, paused, absent".format(volume_state))
    activation = dict(activation or {})
    unknown = sorted(set(activation) - set(ACTIVATION_OPTIONS))
    if unknown:
        raise ValueError("activation: {0} is no option of bluexp.cloud_backup.backup_activation".format(
            ", ".join(unknown)))
    declared = [dict(p) for p in policies or []]
    if any(not p.get("name") for p in declared):
        raise ValueError("policies: every policy needs a name")

    current = act.view(working_environment.get("backup"))
    activation_policy = (activation.get("policy") or {}).get("name")
    created_by_activation = activation_policy or (declared[0]["name"] if declared else None)
    policy_name = (policy or (declared[0]["name"] if declared else "") or activation_policy
                   or (current.get("policy") or {}).get("name") or "")
    choice = volumes_to_protect(working_environment, names=volumes, exclude=exclude, svms=svms,
                                skip_unsupported=skip_unsupported)
    plan = {
        "active": current["active"],
        "activate": _activation_changes(current, activation),
        "policies": _policies_to_converge(working_environment, current, declared, created_by_activation),
        "policy": policy_name,
        "volumes": _volumes_to_change(choice["selected"], volume_state, policy_name),
        "selected": choice["selected"],
        "skipped": choice["skipped"],
    }
    plan["changes"] = bool(plan["activate"] or plan["policies"] or plan["volumes"])
    return plan


class FilterModule:
    """bluexp.cloud_backup.protection_plan."""

    def filters(self) -> dict[str, Any]:
        return {"protection_plan": jinja_filter("protection_plan", protection_plan)}
