"""Fresh symbol names (`name`, `name_1`, `name_2`, ...), shared by the frontend (helper specialisations) and
`pl-outline-tasks` (kernels), so both name functions the same way."""

from __future__ import annotations

from collections.abc import Iterable


class SymbolNames:
    def __init__(self, taken: Iterable[str] = ()):
        self.taken = set(taken)

    def fresh(self, base: str) -> str:
        name, n = base, 0
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name
