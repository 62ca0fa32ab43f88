"""The shorter GIL switch interval while teams are matched: set for the draws running, restored after the last."""

import sys

import pytest

from backend.planning import draw_service


@pytest.fixture(autouse=True)
def default_interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_the_interval_is_short_while_a_draw_matches_and_restored_after():
    with draw_service._prompt_switching():
        assert sys.getswitchinterval() == pytest.approx(draw_service.SWITCH_INTERVAL)
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_overlapping_draws_restore_the_default_only_when_the_last_one_ends():
    first, second = draw_service._prompt_switching(), draw_service._prompt_switching()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(draw_service.SWITCH_INTERVAL)  # the second still matches
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_a_failure_while_matching_restores_the_default():
    with pytest.raises(RuntimeError), draw_service._prompt_switching():
        raise RuntimeError("matching failed")
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_a_shorter_interval_set_by_the_process_is_kept():
    sys.setswitchinterval(0.0002)
    with draw_service._prompt_switching():
        assert sys.getswitchinterval() == pytest.approx(0.0002, rel=0.05)
    assert sys.getswitchinterval() == pytest.approx(0.0002, rel=0.05)
