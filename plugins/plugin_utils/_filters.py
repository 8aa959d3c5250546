# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""What every filter plugin of the collection shares: a pure function made into a Jinja filter."""

from __future__ import annotations

from typing import Any, Callable

from ansible.errors import AnsibleFilterError


def jinja_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` as a filter: its ValueError becomes an AnsibleFilterError naming the filter.

    The message already carries the cause, so the error is not chained (ansible-core would
    print it twice).
    """
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ValueError as exc:
            raise AnsibleFilterError("{0}: {1}".format(name, exc)) from None

    run.__name__ = name
    run.__doc__ = function.__doc__
    return run
