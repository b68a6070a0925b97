"""Shared HBM bandwidth for the simulation: processor sharing among blocks that still move GM bytes.

Equal rates let one virtual clock time every transfer, so a block starting or draining re-times all
running blocks in O(log n) instead of updating each one.
"""

from __future__ import annotations

import heapq


class SharedHbm:
    """Egalitarian processor sharing with a per-flow cap, in virtual time.

    Every active flow gets the same rate r = min(per_core, total / active), so they all advance one
    virtual clock V (dV/dt = r) and a flow of b bytes added at V0 drains when V reaches V0 + b. The next
    drain is the smallest V0 + b, so each start or drain costs O(log n).
    """

    def __init__(self, per_core: float, total: float) -> None:
        self._per_core = per_core
        self._total = total
        self._flows: list[tuple[float, int, int]] = []  # (virtual drain, seq, block)
        self._virtual = 0.0
        self._clock = 0.0
        self._seq = 0

    def _rate(self) -> float:
        return min(self._per_core, self._total / len(self._flows))

    def _advance(self, now: float) -> None:
        if self._flows:
            self._virtual += self._rate() * (now - self._clock)
        self._clock = now

    def add(self, now: float, nbytes: float, block: int) -> None:
        self._advance(now)
        heapq.heappush(self._flows, (self._virtual + nbytes, self._seq, block))
        self._seq += 1

    def drained(self, now: float) -> list[int]:
        self._advance(now)
        limit = self._virtual + 1e-9 * max(1.0, self._virtual)  # absorb float rounding of the clock
        done = []
        while self._flows and self._flows[0][0] <= limit:
            done.append(heapq.heappop(self._flows)[2])
        return done

    def next_drain(self) -> float | None:
        if not self._flows:
            return None
        return self._clock + max(0.0, self._flows[0][0] - self._virtual) / self._rate()
