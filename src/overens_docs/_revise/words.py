"""Word-level differences, merged so that they read as a person would mark them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

TOKENS = re.compile(r"\s+|[^\s]+")  # words and the white space between them

Opcode = tuple[str, int, int, int, int]


def opcodes(before: Sequence[str], after: Sequence[str]) -> list[Opcode]:
    """difflib's opcodes over tokens, with changes that only white space separates joined
    into one ("[-sträva efter att-]{+dela upp+}" rather than word against word)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    merged: list[Opcode] = []
    for code in matcher.get_opcodes():
        tag, _, i2, _, j2 = code
        if (tag != "equal" and len(merged) >= 2 and merged[-2][0] != "equal"
                and merged[-1][0] == "equal"
                and all(not token.strip() for token in before[merged[-1][1]:merged[-1][2]])):
            start = merged[-2]
            merged[-2:] = [("replace", start[1], i2, start[3], j2)]
        elif tag != "equal" and merged and merged[-1][0] != "equal":
            start = merged[-1]
            merged[-1] = ("replace", start[1], i2, start[3], j2)
        else:
            merged.append(code)
    return merged
