# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""hairpin-xdp differential test against nftables: see ../differ.py."""
