# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Secrets out of the text a controller plugin shows (errors, warnings).

A module's output is masked by AnsibleModule: every value of a `no_log` option is replaced by
`********` wherever it appears. A lookup or inventory plugin has no such net, and a token
service that echoes the request in its error body would put the refresh token or client
secret on the screen and into the log. Plugins mask their text here, with the same function
AnsibleModule uses and the same options: those the modules mark `no_log`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._login import SECRET_OPTIONS, environment_secrets


def secret_values(options: Mapping[str, Any], extra: Iterable[Any] = ()) -> list[str]:
    """The values of the secret options that are set, of the BLUEXP_* variables that hold secrets, plus `extra`
    (an access token in hand), longest first.

    Longest first, so that a secret that holds another is masked whole: ansible-core 2.16's
    remove_values replaces them in the order given (later versions sort them the same way).
    """
    values = [options.get(name) for name in SECRET_OPTIONS] + environment_secrets() + list(extra)
    return sorted((str(value) for value in values if value), key=len, reverse=True)


def mask_secrets(text: str, options: Mapping[str, Any], extra: Iterable[Any] = ()) -> str:
    """`text` with every secret of `options` (and `extra`) replaced, as AnsibleModule masks no_log values."""
    return remove_values(text, secret_values(options, extra))
