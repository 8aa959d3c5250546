"""Append emulator request logs to a JSON file.

Usage: python tests/utils/merge_requests.py DEST SOURCE...

Each SOURCE is an emulator's request-log URL (.../_emulator/requests) or a JSON file written
earlier. DEST keeps the emulator's own format; when it exists already, lists are concatenated
(a top-level list, or each list-valued key of a top-level object).
"""
from __future__ import annotations

import json
import os
import sys
import urllib.request
from typing import Any


def merge(old: Any, new: Any) -> Any:
    """Return old and new request logs merged."""
    if old is None:
        return new
    if isinstance(old, list) and isinstance(new, list):
        return old + new
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            if isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = merged[key] + value
            else:
                merged[key] = value
        return merged
    raise ValueError('cannot merge %s into %s' % (type(new).__name__, type(old).__name__))


def count(log: Any) -> int:
    """Number of requests in a log."""
    if isinstance(log, list):
        return len(log)
    return sum(len(value) for value in log.values() if isinstance(value, list))


def load(source: str) -> Any:
    """Read a request log from a URL or a file."""
    if source.startswith(('http://', 'https://')):
        with urllib.request.urlopen(source, timeout=30) as response:  # nosec - local emulator
            return json.load(response)
    with open(source, encoding='utf-8') as handle:
        return json.load(handle)


def main() -> None:
    """Entry point."""
    dest, sources = sys.argv[1], sys.argv[2:]
    merged = load(dest) if os.path.exists(dest) else None
    for source in sources:
        new = load(source)
        merged = merge(merged, new)
        print('%s: %d requests from %s' % (dest, count(new), source))
    os.makedirs(os.path.dirname(dest) or '.', exist_ok=True)
    with open(dest + '.tmp', 'w', encoding='utf-8') as handle:
        json.dump(merged, handle, indent=1)
    os.replace(dest + '.tmp', dest)


if __name__ == '__main__':
    main()
