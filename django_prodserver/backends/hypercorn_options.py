"""The command-line options of hypercorn 0.18, from its argparse definitions
(``hypercorn --help``).

``log-file`` is hypercorn's second name of ``error-logfile``; the other aliases
are the names of its configuration file (``hypercorn.toml``).
"""

from .declare import program_rules

RULES = program_rules(
    flags="daemon debug reload",
    values="""
        access-log access-logfile access-logformat backlog bind ca-certs
        cert-reqs certfile ciphers config error-log error-logfile
        graceful-timeout group insecure-bind keep-alive keyfile keyfile-password
        log-config log-level max-requests max-requests-jitter pid quic-bind
        read-timeout root-path server-name statsd-host statsd-prefix umask user
        verify-mode websocket-ping-interval worker-class workers
    """,
    short="D=daemon b=bind c=config g=group k=worker-class m=umask p=pid "
    "u=user w=workers",
    aliases="""
        log-file=error-logfile accesslog=access-logfile
        access-log-format=access-logformat errorlog=error-logfile
        loglevel=log-level logconfig=log-config keep-alive-timeout=keep-alive
        pid-path=pid use-reloader=reload server-names=server-name
    """,
)
