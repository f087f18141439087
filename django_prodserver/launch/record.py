"""Small value classes, compared and shown by their fields.

The supervisor's side (plans, the policy's actions) uses these instead of
``dataclasses`` or ``typing.NamedTuple``: importing either would cost the small
supervisor process memory it does not need.
"""

from __future__ import annotations


class Record:
    """A value: equal to another of its class with equal fields (``__slots__``)."""

    __slots__: tuple[str, ...] = ()

    def values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.values() == self.values()

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({fields})"
