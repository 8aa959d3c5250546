# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeded identifier generation, so one seed always yields the same fleet and job ids."""
from __future__ import annotations

import random
import string
import uuid

ALNUM = string.ascii_letters + string.digits


class IdGenerator:
    """Seeded randomness: every value a generator draws comes from its one ``random.Random``."""

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)

    @classmethod
    def derived(cls, seed: int, *scope: str) -> IdGenerator:
        """An independent stream for one kind of data (e.g. one account's cloud resources):
        drawing more of one kind never shifts the values of another, nor the seeded fleet."""
        return cls("/".join((str(seed), *scope)))  # a str seed is stable across runs

    def alnum(self, length: int) -> str:
        return "".join(self.rng.choices(ALNUM, k=length))

    def digits(self, length: int) -> str:
        return "".join(self.rng.choices(string.digits, k=length))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choices("0123456789abcdef", k=length))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def account_id(self) -> str:
        return f"account-{self.alnum(8)}"

    def connector_id(self) -> str:
        """Connector client id without the ``clients`` suffix (32 characters)."""
        return self.alnum(32)

    def working_environment_id(self, prefix: str) -> str:
        return f"{prefix}-{self.alnum(8)}"
