"""How a process is stopped and started again: the values of ``RESTART``.

The supervisor imports this module, so it imports nothing (not even ``typing``):
its start stays small.
"""

#: What ``RESTART`` takes: when the supervisor starts a program again.
RESTART_POLICIES = ("no", "on-failure", "always")
