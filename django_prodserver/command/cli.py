"""The prodserver command line: its options, as argparse reads them.

``manage.py prodserver`` and the ``prodserver`` console script
(:mod:`~django_prodserver.command.console`) add these options to their parser,
turn what it parses into a :class:`~django_prodserver.command.request.Request`
and call :func:`~django_prodserver.command.actions.run`.
"""

from __future__ import annotations

import re
from argparse import ArgumentParser, ArgumentTypeError

from ..config.stopping import is_stop_budget
from ..export import FORMATS as EXPORT_FORMATS
from ..launch.printer import LOG_FORMATS
from ..text import MAX_SECONDS, brief

#: What ``--probe-path`` takes.
URL_PATH = re.compile(r"/[!-~]*")


def stop_budget_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not is_stop_budget(seconds):  # also rejects nan
        raise ArgumentTypeError(
            f"expected a number of seconds up to a year ({MAX_SECONDS}), above 0, "
            f"not {brief(text)}"
        )
    return seconds


def url_path(text: str) -> str:
    """A path an HTTP request can carry as it is: ``/``, then printable ASCII."""
    if not URL_PATH.fullmatch(text):
        raise ArgumentTypeError(
            f"expected a URL path such as /healthz/ (percent-encoded), not {text!r}"
        )
    return text


def scale_value(text: str) -> tuple[str, int]:
    """``NAME=N``: a process and how many copies of it run (N at least 1)."""
    name, equals, count = text.partition("=")
    if not (name and equals and count.isascii() and count.isdigit() and int(count)):
        raise ArgumentTypeError(
            f"expected NAME=N, a process and how many copies of it run "
            f"(a whole number of at least 1), as in web=3, not {brief(text)}"
        )
    return name, int(count)


def add_flags(parser: ArgumentParser, flags: dict[str, str]) -> None:
    """Options that take no value: each flag and its help."""
    for flag, text in flags.items():
        parser.add_argument(flag, action="store_true", help=text)


def add_arguments(parser: ArgumentParser) -> None:
    """The options of ``prodserver`` (Django's own are added by Django)."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="Processes to run.")
    add_action_options(parser)
    add_run_options(parser)
    add_export_options(parser)
    add_probe_options(parser)


def add_action_options(parser: ArgumentParser) -> None:
    """What the command does instead of running the processes."""
    add_flags(parser, {"--dry-run": "Print the command, run nothing."})
    parser.add_argument(
        "--format",
        choices=("shell", "json"),
        default=None,
        help="Dry-run output: a shell line (the default) or a JSON object per process.",
    )
    add_flags(parser, {"--list": "List every process and its command."})


def add_run_options(parser: ArgumentParser) -> None:
    """How the processes run."""
    add_flags(
        parser,
        {
            "--spawn": "Run the program as a child with signal forwarding "
            "instead of exec.",
            "--all": "Run every process.",
        },
    )
    parser.add_argument(
        "--stop-timeout",
        type=stop_budget_seconds,
        default=None,
        metavar="SECONDS",
        help=(
            "How long a stop may take before what is left is killed, for every "
            "process (default: each process's STOP_TIMEOUT, else its backend's)."
        ),
    )
    parser.add_argument(
        "--scale",
        type=scale_value,
        action="append",
        default=None,
        metavar="NAME=N",
        help=(
            "Run N copies of process NAME (copy i of a web server on its port "
            "+ i - 1), instead of its REPLICAS; repeatable. Exports too."
        ),
    )
    add_flags(
        parser,
        {
            "--skip-checks": "Skip prodserver's own checks.",
            "--quiet": "Print no start-up line (name, program, pid, URL) for "
            "each process.",
        },
    )
    add_log_options(parser)


def add_log_options(parser: ArgumentParser) -> None:
    """How the lines of several processes are printed."""
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default=None,
        help="The output of several processes: prefixed lines (text, the "
        "default) or a JSON object per line (default: $PRODSERVER_LOG_FORMAT).",
    )
    add_flags(
        parser,
        {
            "--timestamps": "Print the time (UTC) in front of each line of "
            "several processes.",
            "--no-prefix": "Print the lines of several processes without the "
            "process's name in front.",
        },
    )


#: The options of the export's files: each option, its metavar and its help.
EXPORT_OPTIONS = {
    "--image": (
        None,
        "The container image of every process (compose, stack, kubernetes).",
    ),
    "--dockerfile": (
        "PATH",
        "The Dockerfile that builds the image (compose, without --image).",
    ),
    "--build-context": (
        "DIR",
        "The directory the image is built from (compose; default: .).",
    ),
    "--env-file": (
        "PATH",
        "A file of environment variables (dotenv format) for every process "
        "started; an export names it instead (compose, stack, systemd; "
        "kubernetes: a Secret).",
    ),
    "--output": (
        "PATH",
        "Write the file there, whole or not at all (a temporary file, then "
        "a rename), instead of printing it.",
    ),
    "--name-prefix": (
        "PREFIX",
        "The prefix of unit, program and object names "
        "(default: the project's name and '-').",
    ),
}


def add_export_options(parser: ArgumentParser) -> None:
    """``--export`` and the options of its files."""
    parser.add_argument(
        "--export",
        choices=EXPORT_FORMATS,
        help="Print the deployment files (a Procfile, systemd units, a compose "
        "file, a swarm stack file, Kubernetes objects or supervisord programs) "
        "that start the named processes (all of them without a name).",
    )
    group = parser.add_argument_group("export options")
    for flag, (metavar, text) in EXPORT_OPTIONS.items():
        group.add_argument(flag, metavar=metavar, help=text)
    group.add_argument(
        "--helm-hooks",
        action="store_true",
        default=None,  # None unless given: see usage.given_options
        help="Make the release Jobs Helm hooks (pre-install, pre-upgrade), "
        "after the ConfigMap they read (kubernetes).",
    )


def add_probe_options(parser: ArgumentParser) -> None:
    """``--probe`` and the path it asks for."""
    add_flags(
        parser,
        {
            "--probe": "Check that the named process is healthy: exit 0, or 1 "
            "with the reason."
        },
    )
    parser.add_argument(
        "--probe-path",
        type=url_path,
        default=None,
        metavar="PATH",
        help="The path a web server's probe asks for (default: /).",
    )


def show_extra_args_in_usage(parser: ArgumentParser) -> None:
    """argparse's own usage line, with the arguments after ``--`` that it
    never sees (the command takes them out before parsing)."""
    usage = parser.format_usage().strip().removeprefix("usage: ")
    parser.usage = f"{usage} [-- PROGRAM_ARGS ...]".replace("%", "%%")


def split_extra_args(argv: list[str], start: int) -> tuple[list[str], list[str]]:
    """``argv`` before the first ``--`` at or after ``start``, and what follows it."""
    if "--" in argv[start:]:
        split = argv.index("--", start)
        return argv[:split], argv[split + 1 :]
    return argv, []
