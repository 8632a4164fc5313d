#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Print the value of counter NAME from `hairpin-xdp stats --json` on stdin.

    jsoncount.py NAME

Accepts the counter as a key ({"xdp_fast_tx": 3}) or as a named entry
({"name": "xdp_fast_tx", "packets": 3}) anywhere in the document, so the
tests do not depend on how the CLI nests its output. Exits 1 when absent.
"""
import json
import sys

VALUE_KEYS = ("value", "packets", "count")


def find(node, name):
    if isinstance(node, dict):
        if isinstance(node.get(name), int):
            return node[name]
        if node.get("name") == name:
            for key in VALUE_KEYS:
                if isinstance(node.get(key), int):
                    return node[key]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = find(child, name)
        if found is not None:
            return found
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        doc = json.load(sys.stdin)
    except ValueError as err:
        sys.exit("jsoncount.py: not JSON: %s" % err)
    value = find(doc, sys.argv[1])
    if value is None:
        sys.exit("jsoncount.py: no counter %s" % sys.argv[1])
    print(value)


if __name__ == "__main__":
    main()
