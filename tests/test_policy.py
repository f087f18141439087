"""The supervisor's rules, as tables of events and the actions they give.

No process is started here: the policy is told what happened and answers with
actions (the real supervisor's tests, in test_supervisor.py, start programs).
"""

from __future__ import annotations

import copy
import signal
from collections.abc import Sequence

import pytest

from django_prodserver.launch.policy import (
    MAX_RESTART_DELAY,
    Action,
    ChildState,
    Kill,
    Policy,
    Say,
    Send,
    Start,
)

TERM, INT, HUP, USR1, QUIT = (
    signal.SIGTERM,
    signal.SIGINT,
    signal.SIGHUP,
    signal.SIGUSR1,
    signal.SIGQUIT,
)


def process(
    name: str,
    stop: signal.Signals = TERM,
    accepts: Sequence[signal.Signals] = (INT, TERM, HUP),
    timeout: float | None = 10.0,
    restart: str = "no",
) -> ChildState:
    return ChildState(name, stop, frozenset(accepts), timeout, restart)


def started(*processes: ChildState) -> Policy:
    """A policy whose processes have all started at time 0."""
    policy = Policy(processes)
    for each in processes:
        policy.started(each.name, 0.0)
    return policy


def signals_sent(actions: list[Action]) -> list[tuple[str, signal.Signals]]:
    return [(a.name, a.sig) for a in actions if isinstance(a, Send)]


# -- one process ------------------------------------------------------------------

ONE_PROCESS_SIGNALS = [
    # (the process's stop signal, what arrives, what it is sent)
    (TERM, TERM, [("web", TERM)]),
    (INT, TERM, [("web", INT)]),  # waitress: TERM becomes its INT
    (INT, INT, [("web", INT)]),
    (TERM, INT, [("web", INT)]),  # passed on as it came
    (TERM, HUP, [("web", HUP)]),
    (TERM, USR1, []),  # not one it takes
]


@pytest.mark.parametrize(("stop", "arrives", "sent"), ONE_PROCESS_SIGNALS)
def test_one_process_gets_its_signals(
    stop: signal.Signals, arrives: signal.Signals, sent: list[object]
) -> None:
    policy = started(process("web", stop=stop))
    assert signals_sent(policy.on_signal(arrives, 1.0)) == sent


def test_one_process_gets_every_stop_request_forwarded() -> None:
    """A second TERM means something to some programs (Celery counts them)."""
    policy = started(process("worker"))
    for second in (1.0, 2.0, 3.0):
        assert policy.on_signal(TERM, second) == [Send("worker", TERM)]
    assert policy.on_exit("worker", 0, 4.0) == []
    assert policy.finished()
    assert policy.exit_status() == 0


@pytest.mark.parametrize(("status", "expected"), [(0, 0), (3, 3), (137, 137)])
def test_one_process_status_is_the_launchers(status: int, expected: int) -> None:
    policy = started(process("web"))
    policy.on_exit("web", status, 1.0)
    assert policy.finished()
    assert policy.exit_status() == expected


def test_one_process_is_killed_after_its_stop_timeout() -> None:
    policy = started(process("web", timeout=5.0))
    policy.on_signal(TERM, 1.0)
    assert policy.next_deadline() == 6.0
    assert policy.on_time(5.9) == []
    assert policy.on_time(6.0) == [
        Say("web did not stop within 5 s: killing it"),
        Kill("web"),
    ]
    assert policy.on_time(7.0) == []  # killed once


def test_no_stop_timeout_never_kills() -> None:
    policy = started(process("web", timeout=None))
    policy.on_signal(TERM, 1.0)
    assert policy.next_deadline() is None
    assert policy.on_time(10_000.0) == []


def test_a_process_that_cannot_start_is_a_failure() -> None:
    policy = Policy([process("web")])
    assert policy.start_failed("web", 0.0) == []
    assert policy.finished()
    assert policy.exit_status() == 1


# -- several processes --------------------------------------------------------------


@pytest.mark.parametrize("arrives", [TERM, INT])
def test_term_or_int_stops_all_once_each(arrives: signal.Signals) -> None:
    policy = started(process("web"), process("shop", stop=INT))
    assert policy.on_signal(arrives, 1.0) == [
        Say("stopping web, shop"),
        Send("web", TERM),
        Send("shop", INT),
    ]


def test_a_burst_of_stop_requests_is_one_request() -> None:
    """A script or a platform that sends many at once: each child once."""
    policy = started(process("web"), process("worker"))
    first = policy.on_signal(TERM, 1.0)
    assert first == [
        Say("stopping web, worker"),
        Send("web", TERM),
        Send("worker", TERM),
    ]
    for step in range(1, 40):
        assert policy.on_signal(INT if step % 2 else TERM, 1.0 + step * 0.0025) == []
    assert policy.on_signal(TERM, 1.5) == [
        Say("still stopping web, worker; stop again to kill what is left")
    ]


def test_a_burst_reaches_one_process_once() -> None:
    policy = started(process("worker"))
    assert policy.on_signal(TERM, 1.0) == [Send("worker", TERM)]
    assert policy.on_signal(TERM, 1.1) == []
    assert policy.on_signal(TERM, 1.2) == []


def test_second_stop_is_acknowledged_and_third_kills() -> None:
    policy = started(process("web"), process("worker"))
    policy.on_signal(TERM, 1.0)
    policy.on_exit("web", 0, 1.5)
    second = policy.on_signal(INT, 2.0)
    assert second == [Say("still stopping worker; stop again to kill what is left")]
    assert policy.on_signal(TERM, 3.0) == [Say("killing worker"), Kill("worker")]


def test_other_signals_go_to_every_process_that_takes_them() -> None:
    policy = started(
        process("web", accepts=(INT, TERM, HUP)),
        process("worker", accepts=(INT, TERM)),
    )
    assert policy.on_signal(HUP, 1.0) == [Send("web", HUP)]
    assert policy.on_signal(QUIT, 1.0) == []
    assert policy.on_signal(signal.SIGCHLD, 1.0) == []


def test_one_exiting_on_its_own_stops_the_others() -> None:
    policy = started(process("web"), process("worker"))
    assert policy.on_exit("worker", 3, 1.0) == [
        Say("worker exited with status 3"),
        Say("stopping web"),
        Send("web", TERM),
    ]
    assert policy.on_exit("web", 0, 2.0) == [Say("web stopped with status 0")]
    assert policy.finished()
    assert policy.exit_status() == 3


EXIT_STATUS_CASES = [
    # (exits in order as (name, status), the launcher's status)
    ([("web", 0), ("worker", 0)], 0),
    ([("web", 0), ("worker", 137)], 137),  # killed after its stop timeout
    ([("web", 2), ("worker", 1)], 2),  # the first failure
    ([("web", 0), ("worker", 143)], 143),  # died of a signal we did not send
]


@pytest.mark.parametrize(("exits", "expected"), EXIT_STATUS_CASES)
def test_exit_status_after_a_stop(exits: list[tuple[str, int]], expected: int) -> None:
    policy = started(process("web"), process("worker"))
    policy.on_signal(TERM, 1.0)
    for name, status in exits:
        policy.on_exit(name, status, 2.0)
    assert policy.finished()
    assert policy.exit_status() == expected


def test_each_process_has_its_own_stop_budget() -> None:
    policy = started(process("web", timeout=30.0), process("worker", timeout=5.0))
    policy.on_signal(TERM, 0.0)
    assert policy.next_deadline() == 5.0
    assert Kill("worker") in policy.on_time(5.0)
    assert policy.on_time(29.0) == []
    assert Kill("web") in policy.on_time(30.0)


# -- restarts -----------------------------------------------------------------------

RESTART_CASES = [
    # (policy, exit status, restarted?)
    ("no", 0, False),
    ("no", 3, False),
    ("on-failure", 0, False),
    ("on-failure", 3, True),
    ("on-failure", 137, True),
    ("always", 0, True),
    ("always", 3, True),
]


@pytest.mark.parametrize(("restart", "status", "restarts"), RESTART_CASES)
def test_restart_policies(restart: str, status: int, restarts: bool) -> None:
    policy = started(process("web"), process("worker", restart=restart))
    actions = policy.on_exit("worker", status, 1.0)
    assert (Send("web", TERM) in actions) is not restarts
    if restarts:
        assert policy.on_time(2.0) == [Start("worker")]
        assert not policy.finished()


def test_restart_delay_doubles_up_to_its_cap() -> None:
    policy = started(process("worker", restart="always"))
    delays = []
    now = 0.0
    for _ in range(8):
        policy.on_exit("worker", 1, now)
        deadline = policy.next_deadline()
        assert deadline is not None
        delays.append(deadline - now)
        now = deadline
        assert policy.on_time(now) == [Start("worker")]
        policy.started("worker", now)
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert max(delays) == MAX_RESTART_DELAY


def test_a_steady_run_resets_the_delay() -> None:
    policy = started(process("worker", restart="on-failure"))
    policy.on_exit("worker", 1, 0.5)
    policy.on_time(1.5)
    policy.started("worker", 1.5)
    policy.on_exit("worker", 1, 2.0)
    assert policy.next_deadline() == 4.0  # the second quick failure: 2 s
    policy.on_time(4.0)
    policy.started("worker", 4.0)
    policy.on_exit("worker", 1, 100.0)  # after a long run: 1 s again
    assert policy.next_deadline() == 101.0


def test_restart_is_said_on_the_output() -> None:
    policy = started(process("web"), process("worker", restart="on-failure"))
    assert policy.on_exit("worker", 3, 1.0) == [
        Say("worker exited with status 3: restarting in 1 s"),
    ]


def test_a_stop_cancels_a_pending_restart() -> None:
    policy = started(process("web"), process("worker", restart="always"))
    policy.on_exit("worker", 1, 1.0)
    assert policy.on_signal(TERM, 1.5) == [Say("stopping web"), Send("web", TERM)]
    assert policy.on_time(5.0) == []
    policy.on_exit("web", 0, 2.0)
    assert policy.finished()
    assert policy.exit_status() == 0  # a restarted failure is not the launcher's


def test_an_exit_during_a_stop_is_not_restarted() -> None:
    policy = started(process("worker", restart="always"), process("web"))
    policy.on_signal(TERM, 1.0)
    policy.on_exit("worker", 0, 2.0)
    assert policy.on_time(10.0) == []
    assert [p.name for p in policy.running()] == ["web"]


# -- scripted histories -------------------------------------------------------------
#
# Each row is a history of events, as the supervisor would report them, and every
# action the policy takes along it. Events: ("exit", name, status, t),
# ("signal", sig, t), ("time", t), ("start failed", name, t). Every process has
# started at time 0; a Start the policy asks for is carried out at once by the
# fake supervisor below, as the real one does.

Event = tuple[object, ...]


class FakeSupervisor:
    """Tells the policy what happened and does what it asks, on paper."""

    def __init__(self, *processes: ChildState) -> None:
        # Copies: the rows' processes are shared, and the policy changes them.
        self.policy = started(*copy.deepcopy(processes))
        self.done: list[Action] = []

    def replay(self, history: Sequence[Event]) -> list[Action]:
        for event in history:
            kind, *args = event
            at = args[-1]
            assert isinstance(at, float)
            if kind == "exit":
                name, status = args[0], args[1]
                assert isinstance(name, str)
                assert isinstance(status, int)
                self.carry_out(self.policy.on_exit(name, status, at), at)
            elif kind == "signal":
                assert isinstance(args[0], signal.Signals)
                self.carry_out(self.policy.on_signal(args[0], at), at)
            elif kind == "time":
                self.carry_out(self.policy.on_time(at), at)
            else:
                assert kind == "start failed"
                assert isinstance(args[0], str)
                self.carry_out(self.policy.start_failed(args[0], at), at)
        return self.done

    def carry_out(self, actions: list[Action], at: float) -> None:
        for action in actions:
            self.done.append(action)
            if isinstance(action, Start):
                self.policy.started(action.name, at)


WEB, WORKER = process("web"), process("worker")
FLAKY = process("worker", restart="on-failure")

HISTORIES = {
    "one process exits with its code": (
        [process("web")],
        [("exit", "web", 3, 1.0)],
        [],
        3,
    ),
    "one process gets every stop request as its stop signal": (
        [process("web", stop=INT)],
        [("signal", TERM, 1.0), ("signal", TERM, 2.0), ("exit", "web", 0, 3.0)],
        [Send("web", INT), Send("web", INT)],
        0,
    ),
    "one failing stops the others": (
        [WEB, WORKER],
        [("exit", "worker", 3, 1.0), ("exit", "web", 0, 1.5)],
        [
            Say("worker exited with status 3"),
            Say("stopping web"),
            Send("web", TERM),
            Say("web stopped with status 0"),
        ],
        3,
    ),
    "a signal stops them all": (
        [WEB, process("worker", stop=QUIT)],
        [("signal", INT, 1.0), ("exit", "web", 0, 2.0), ("exit", "worker", 0, 2.0)],
        [
            Say("stopping web, worker"),
            Send("web", TERM),
            Send("worker", QUIT),
            Say("web stopped with status 0"),
            Say("worker stopped with status 0"),
        ],
        0,
    ),
    "other signals go where they are taken": (
        [WEB, process("worker", accepts=(TERM,))],
        [("signal", HUP, 1.0), ("signal", USR1, 1.0)],
        [Send("web", HUP)],
        0,
    ),
    "a burst of requests is one": (
        [WEB, WORKER],
        [("signal", TERM, 1.0), ("signal", INT, 1.1), ("signal", TERM, 1.2)],
        [Say("stopping web, worker"), Send("web", TERM), Send("worker", TERM)],
        0,
    ),
    "the second request is acknowledged, the third kills": (
        [WEB, WORKER],
        [("signal", TERM, 1.0), ("signal", TERM, 2.0), ("signal", INT, 3.0)],
        [
            Say("stopping web, worker"),
            Send("web", TERM),
            Send("worker", TERM),
            Say("still stopping web, worker; stop again to kill what is left"),
            Say("killing web, worker"),
            Kill("web"),
            Kill("worker"),
        ],
        0,
    ),
    "the stop budget passed: SIGKILL": (
        [WEB, process("worker", timeout=5.0)],
        [
            ("signal", TERM, 1.0),
            ("exit", "web", 0, 2.0),
            ("time", 5.9),
            ("time", 6.0),
            ("exit", "worker", 137, 6.1),
        ],
        [
            Say("stopping web, worker"),
            Send("web", TERM),
            Send("worker", TERM),
            Say("web stopped with status 0"),
            Say("worker did not stop within 5 s: killing it"),
            Kill("worker"),
            Say("worker stopped with status 137"),
        ],
        137,
    ),
    "restart no: a failure stops the others": (
        [WEB, process("worker", restart="no")],
        [("exit", "worker", 1, 1.0), ("time", 2.0)],
        [Say("worker exited with status 1"), Say("stopping web"), Send("web", TERM)],
        1,
    ),
    "restart on-failure: a clean exit stops the others": (
        [WEB, FLAKY],
        [("exit", "worker", 0, 1.0), ("time", 2.0)],
        [Say("worker exited with status 0"), Say("stopping web"), Send("web", TERM)],
        0,
    ),
    "restart on-failure: a failure is restarted": (
        [WEB, FLAKY],
        [("exit", "worker", 3, 1.0), ("time", 1.9), ("time", 2.0)],
        [Say("worker exited with status 3: restarting in 1 s"), Start("worker")],
        0,
    ),
    "restart always: a clean exit is restarted": (
        [WEB, process("worker", restart="always")],
        [("exit", "worker", 0, 1.0), ("time", 2.0)],
        [Say("worker exited with status 0: restarting in 1 s"), Start("worker")],
        0,
    ),
    "quick failures double the delay": (
        [WEB, FLAKY],
        [
            ("exit", "worker", 3, 0.5),
            ("time", 1.5),
            ("exit", "worker", 3, 2.0),
            ("time", 4.0),
            ("exit", "worker", 3, 4.5),
        ],
        [
            Say("worker exited with status 3: restarting in 1 s"),
            Start("worker"),
            Say("worker exited with status 3: restarting in 2 s"),
            Start("worker"),
            Say("worker exited with status 3: restarting in 4 s"),
        ],
        0,
    ),
    # However slowly a program starts, only a run of 30 s counts as steady.
    "a run just short of steady still doubles the delay": (
        [WEB, FLAKY],
        [("exit", "worker", 3, 0.5), ("time", 1.5), ("exit", "worker", 3, 31.4)],
        [
            Say("worker exited with status 3: restarting in 1 s"),
            Start("worker"),
            Say("worker exited with status 3: restarting in 2 s"),
        ],
        0,
    ),
    "a steady run starts the delay again": (
        [WEB, FLAKY],
        [("exit", "worker", 3, 0.5), ("time", 1.5), ("exit", "worker", 3, 31.5)],
        [
            Say("worker exited with status 3: restarting in 1 s"),
            Start("worker"),
            Say("worker exited with status 3: restarting in 1 s"),
        ],
        0,
    ),
    "a stop cancels a restart that waits": (
        [WEB, FLAKY],
        [
            ("exit", "worker", 3, 1.0),
            ("signal", TERM, 1.5),
            ("time", 2.0),
            ("exit", "web", 0, 2.5),
        ],
        [
            Say("worker exited with status 3: restarting in 1 s"),
            Say("stopping web"),
            Send("web", TERM),
            Say("web stopped with status 0"),
        ],
        0,
    ),
    "a process that cannot start stops the others": (
        [WEB, WORKER],
        [("start failed", "worker", 0.0)],
        [Say("stopping web, worker"), Send("web", TERM), Send("worker", TERM)],
        1,
    ),
}


@pytest.mark.parametrize(
    ("processes", "history", "actions", "status"),
    list(HISTORIES.values()),
    ids=list(HISTORIES),
)
def test_scripted_history(
    processes: list[ChildState],
    history: list[Event],
    actions: list[Action],
    status: int,
) -> None:
    supervisor = FakeSupervisor(*processes)
    assert supervisor.replay(history) == actions
    assert supervisor.policy.exit_status() == status
