"""A Fenwick tree over present/removed flags: the k-th present position and a removal, each in O(log n)."""

from __future__ import annotations

from collections.abc import Iterable


class FenwickSet:
    """Positions 0..size-1, each present or absent, kept in their original order."""

    __slots__ = ("_tree", "_flags", "_size", "_count", "_top")

    def __init__(self, size: int, present: Iterable[bool] | None = None) -> None:
        self._size = size
        self._flags = bytearray(b"\x01" * size) if present is None else bytearray(map(bool, present))
        if len(self._flags) != size:
            raise ValueError("present must have exactly `size` flags")
        self._count = sum(self._flags) if present is not None else size
        self._top = 1 << max(size.bit_length() - 1, 0) if size else 0
        if present is None:
            # With every position present, node i covers exactly lowbit(i) positions.
            self._tree = [i & -i for i in range(size + 1)]
        else:
            self._tree = self._build(self._flags)

    @staticmethod
    def _build(flags: bytearray) -> list[int]:
        tree = [0, *flags]
        size = len(flags)
        for i in range(1, size + 1):
            parent = i + (i & -i)
            if parent <= size:
                tree[parent] += tree[i]
        return tree

    def __len__(self) -> int:
        return self._count

    def __contains__(self, position: int) -> bool:
        return 0 <= position < self._size and bool(self._flags[position])

    def remove(self, position: int) -> None:
        """Mark a present position absent."""
        if not self._flags[position]:
            raise KeyError(position)
        self._flags[position] = 0
        self._count -= 1
        tree, size, i = self._tree, self._size, position + 1
        while i <= size:  # inline: team matching removes and re-adds 300,000 times a draw
            tree[i] -= 1
            i += i & -i

    def add(self, position: int) -> None:
        """Mark an absent position present again."""
        if self._flags[position]:
            raise KeyError(position)
        self._flags[position] = 1
        self._count += 1
        tree, size, i = self._tree, self._size, position + 1
        while i <= size:
            tree[i] += 1
            i += i & -i

    def rank(self, position: int) -> int:
        """How many present positions lie strictly before `position`."""
        tree, total, i = self._tree, 0, position
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total

    def kth(self, k: int) -> int:
        """The position of the k-th present element (0-based k), by binary lifting."""
        if not 0 <= k < self._count:
            raise IndexError(k)
        tree, size = self._tree, self._size
        position, remaining, step = 0, k + 1, self._top
        while step:
            nxt = position + step
            if nxt <= size and tree[nxt] < remaining:
                position = nxt
                remaining -= tree[nxt]
            step >>= 1
        return position

    def pop_kth(self, k: int) -> int:
        """Remove the k-th present element and return its position, in one descent."""
        if not 0 <= k < self._count:
            raise IndexError(k)
        tree, size = self._tree, self._size
        position, remaining, step = 0, k + 1, self._top
        while step:
            nxt = position + step
            if nxt <= size:
                if tree[nxt] < remaining:
                    position = nxt
                    remaining -= tree[nxt]
                else:
                    # The target lies inside node nxt: exactly the nodes an update would touch.
                    tree[nxt] -= 1
            step >>= 1
        self._flags[position] = 0
        self._count -= 1
        return position
