"""``--export``: the deployment files of the selected processes, from what
their backends say of them and the options of the command line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import check_ids
from ..exceptions import ConfigurationError
from ..text import brief
from .output import Console
from .printing import one_line
from .request import Request
from .selection import Selection, format_message, silenced_checks

#: The export formats whose processes run in containers.
CONTAINER_FORMATS = ("compose", "stack", "kubernetes")

if TYPE_CHECKING:
    from ..export.deployment import ExportOptions, Process


def print_export(request: Request, selection: Selection, console: Console) -> None:
    """The deployment files of the selected processes. An entry that fails its
    checks is left out with a comment, unless it was named: then it is an error."""
    from ..export import render  # only here: launches do without
    from ..export.deployment import deployment

    given = export_options(request)
    processes = []
    for name in selection.names:
        if name in selection.entries:
            found = exported(given, selection, name)
            if isinstance(found, str):
                selection.broken[name] = found
            else:
                processes.append(found)
    named = [name for name in request.names if name in selection.broken]
    if named:
        raise ConfigurationError(
            "\n".join(one_line(selection.broken[name]) for name in named)
        )
    for name, problem in selection.broken.items():
        # A comment of the file: the name quoted, so that it cannot end the line.
        console.write(f"# {brief(name)} is left out: {one_line(problem)}")
    if not processes:
        return
    if request.export in CONTAINER_FORMATS:
        warn_loopback(processes, selection, console)
    text = render(request.export or "", deployment(processes, given))
    if request.output:
        from ..export.files import write_atomically

        write_atomically(request.output, text.rstrip("\n") + "\n")
    else:
        console.write(text.rstrip("\n"))


def warn_loopback(
    processes: Sequence[Process], selection: Selection, console: Console
) -> None:
    """prodserver.W014 on standard error: a web server of a container export
    that listens on the loopback only (the file says it in a comment too)."""
    from ..validation.deploy import loopback_warning

    if check_ids.LOOPBACK_ONLY in silenced_checks():
        return
    by_name = {str(name): each for name, each in selection.entries.items()}
    for process in processes:
        if process.web and process.loopback_only and process.ports:
            backend = by_name[process.name].backend
            console.warn(format_message(loopback_warning(backend)))


def export_options(request: Request) -> ExportOptions:
    """What the exported files take from the command line."""
    from ..export.deployment import ExportOptions

    return ExportOptions(
        settings_option=request.settings,
        pythonpath=str(request.pythonpath[0]) if request.pythonpath else None,
        spawn=request.spawn,
        stop_timeout=request.stop_timeout,
        probe_path=request.probe_path,
        image=request.image,
        dockerfile=request.dockerfile,
        build_context=request.build_context,
        env_file=request.env_file,
        name_prefix=request.name_prefix,
        helm_hooks=request.helm_hooks,
    )


def exported(given: ExportOptions, selection: Selection, name: object) -> Process | str:
    """What the export learns of one entry from its backend, or why it cannot
    (the backend's code is the user's: whatever it raises is one line)."""
    from ..backends.failures import backend_errors
    from ..export.processes import exported_process

    each = selection.entries[name]
    refuse_secrets(each.backend.config.label, selection.extra_args[str(name)])
    try:
        with backend_errors(each.backend.config, "describing it for the export"):
            return exported_process(
                each.backend,
                each.plans,
                given,
                selection.extra_args[str(name)],
            )
    except ConfigurationError as exc:
        return str(exc)


def refuse_secrets(label: str, extra_args: Sequence[str]) -> None:
    """prodserver.E025: an argument after ``--`` that carries a secret, which an
    export would write into a file for all to read."""
    from ..redaction import redact_argv

    if redact_argv(extra_args) != list(extra_args):
        raise ConfigurationError(
            f"{label}: an argument after -- carries a secret, which the export "
            "would write into the file",
            "Pass secrets through the environment: --env-file, or the "
            "platform's secrets.",
            check_ids.EXPORT_REFUSED,
        )
