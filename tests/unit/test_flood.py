from __future__ import annotations

from bot.flood import FloodControl


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refusal_with_one_notice_then_recovery() -> None:
    clock = Clock()
    flood = FloodControl(capacity=5, refill_per_second=1.0, clock=clock)
    assert [flood.check(1) for _ in range(5)] == [(True, False)] * 5
    assert flood.check(1) == (False, True)
    assert flood.check(1) == (False, False)  # one notice per flood
    assert flood.check(2) == (True, False)  # other users are not affected
    clock.now += 1.0
    assert flood.check(1) == (True, False)


def test_table_of_users_stays_bounded() -> None:
    clock = Clock()
    flood = FloodControl(capacity=2, refill_per_second=1.0, clock=clock)
    for user in range(60_000):
        flood.check(user)
        clock.now += 0.01
    assert len(flood._buckets) <= 50_001
