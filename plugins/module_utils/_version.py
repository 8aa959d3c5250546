# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The collection's own version, sent in the User-Agent header."""

from __future__ import annotations

COLLECTION_NAME = "bluexp.cloud_backup"
COLLECTION_VERSION = "0.2.0"
