"""Byte ranges of media reads: what is served for each Range header."""

from __future__ import annotations

import pytest

from backend.storage.ranges import ByteRange, Unsatisfiable, requested


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-9", ByteRange(0, 9, 100)),
    ("bytes=90-", ByteRange(90, 99, 100)),
    ("bytes=90-1000", ByteRange(90, 99, 100)),  # a last byte past the end is cut to the end
    ("bytes=-10", ByteRange(90, 99, 100)),
    ("bytes=-1000", ByteRange(0, 99, 100)),  # a suffix longer than the object is all of it
    ("bytes = 5-5", ByteRange(5, 5, 100)),
    (None, None), ("", None),
    ("bytes=0-1,5-9", None),  # several ranges: the whole object
    ("items=0-9", None), ("bytes=a-b", None), ("bytes=9-0", None), ("bytes=-", None),
])
def test_the_range_served(header, expected):
    assert requested(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0"])
def test_ranges_past_the_end_are_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        requested(header, 100)


def test_an_empty_object_satisfies_no_range():
    with pytest.raises(Unsatisfiable):
        requested("bytes=-5", 0)


def test_if_range_naming_another_version_serves_the_whole_object():
    assert requested("bytes=0-9", 100, if_range='"other"', etag='"this"') is None
    assert requested("bytes=0-9", 100, if_range='"this"', etag='"this"') == ByteRange(0, 9, 100)


def test_a_range_reports_its_length_and_content_range():
    part = ByteRange(90, 99, 100)
    assert part.length == 10 and part.content_range == "bytes 90-99/100"
