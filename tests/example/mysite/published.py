"""Example configurations as documented, to prove that they work as written.

From the documentation of the published django-prodserver 3.0.0 (its backend
pages for granian, uvicorn, waitress and gunicorn, whose backend paths were
``django_prodserver.backends.<server>.<Class>`` as ours are) and from our
configuration reference. Only ``ARGS`` are taken from there; names
are ours. ``settings_published`` serves them as ``PRODUCTION_PROCESSES``.
"""

BACKENDS = "django_prodserver.backends"
GUNICORN = f"{BACKENDS}.gunicorn.GunicornServer"
WAITRESS = f"{BACKENDS}.waitress.WaitressServer"
GRANIAN_WSGI = f"{BACKENDS}.granian.GranianWSGIServer"
GRANIAN_ASGI = f"{BACKENDS}.granian.GranianASGIServer"
UVICORN = f"{BACKENDS}.uvicorn.UvicornServer"
UVICORN_WSGI = f"{BACKENDS}.uvicorn.UvicornWSGIServer"

ANYWHERE = {"address": "0.0.0.0", "port": "8000"}
HOST_PORT = {"host": "0.0.0.0", "port": "8000"}

EXAMPLES: dict[str, tuple[str, dict[str, object]]] = {
    # granian page
    "granian_asgi_minimal": (GRANIAN_ASGI, {**ANYWHERE}),
    "granian_asgi_recommended": (
        GRANIAN_ASGI,
        {**ANYWHERE, "workers": "4", "threads": "1", "log-level": "info"},
    ),
    "granian_asgi_blocking_threads": (
        GRANIAN_ASGI,
        {**ANYWHERE, "workers": "4", "blocking-threads": "1"},
    ),
    "granian_wsgi_basic": (GRANIAN_WSGI, {**ANYWHERE, "workers": "4", "threads": "2"}),
    "granian_asgi_high_performance": (
        GRANIAN_ASGI,
        {
            **ANYWHERE,
            "workers": "4",
            "blocking-threads": "2",
            "runtime-threads": "8",
            "backlog": "2048",
            "log-level": "warn",
            "log-access": "False",
        },
    ),
    "granian_wsgi_thread_pool": (
        GRANIAN_WSGI,
        {**ANYWHERE, "workers": "2", "threads": "4", "log-level": "info"},
    ),
    "granian_asgi_ssl": (
        GRANIAN_ASGI,
        {
            "address": "0.0.0.0",
            "port": "443",
            "ssl-cert": "/path/to/cert.pem",
            "ssl-key": "/path/to/key.pem",
            "workers": "4",
        },
    ),
    "granian_asgi_reload": (
        GRANIAN_ASGI,
        {
            "address": "127.0.0.1",
            "port": "8000",
            "reload": "True",
            "log-level": "debug",
        },
    ),
    "granian_asgi_http2": (GRANIAN_ASGI, {**ANYWHERE, "http": "2", "workers": "4"}),
    "granian_asgi_websockets": (GRANIAN_ASGI, {"websockets": "True"}),
    "granian_asgi_throughput": (
        GRANIAN_ASGI,
        {"workers": "8", "backlog": "4096", "log-access": "False", "log-level": "warn"},
    ),
    "granian_asgi_low_latency": (
        GRANIAN_ASGI,
        {"workers": "2", "blocking-threads": "1", "runtime-threads": "4"},
    ),
    "granian_wsgi_balance": (
        GRANIAN_WSGI,
        {"workers": "4", "threads": "2", "backlog": "2048"},
    ),
    # uvicorn page
    "uvicorn_asgi": (UVICORN, {**HOST_PORT, "workers": "4"}),
    "uvicorn_wsgi": (UVICORN_WSGI, {**HOST_PORT, "workers": "4"}),
    "uvicorn_production": (
        UVICORN,
        {**HOST_PORT, "workers": "4", "loop": "uvloop", "no-access-log": "True"},
    ),
    "uvicorn_reverse_proxy": (
        UVICORN,
        {
            "host": "127.0.0.1",
            "port": "8000",
            "proxy-headers": "True",
            "forwarded-allow-ips": "*",
        },
    ),
    "uvicorn_websocket": (UVICORN, {**HOST_PORT, "timeout-keep-alive": "60"}),
    # the configuration reference
    "uvicorn_seed_stack": (
        UVICORN,
        {**HOST_PORT, "workers": "4", "log-level": "info"},
    ),
    "uvicorn_seed_websocket": (UVICORN, {"host": "0.0.0.0", "port": "8001"}),
    "waitress_seed_dev": (WAITRESS, {"port": "8000", "threads": "4"}),
    # waitress page
    "waitress_configuration": (WAITRESS, {**HOST_PORT, "threads": "4"}),
    "waitress_production": (
        WAITRESS,
        {
            **HOST_PORT,
            "threads": "8",
            "connection-limit": "500",
            "channel-timeout": "120",
        },
    ),
    "waitress_windows": (WAITRESS, {**HOST_PORT, "threads": "6"}),
    "waitress_unix_socket": (
        WAITRESS,
        {"unix-socket": "/var/run/myapp.sock", "threads": "4"},
    ),
    # gunicorn page
    "gunicorn_configuration": (
        GUNICORN,
        {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
    ),
    "gunicorn_production": (
        GUNICORN,
        {
            "bind": "0.0.0.0:8000",
            "workers": "8",
            "worker-class": "gevent",
            "timeout": "120",
            "max-requests": "1000",
            "max-requests-jitter": "100",
        },
    ),
    "gunicorn_unix_socket": (
        GUNICORN,
        {"bind": "unix:/var/run/myapp.sock", "workers": "4", "user": "www-data"},
    ),
    "gunicorn_gevent": (
        GUNICORN,
        {"worker-class": "gevent", "worker-connections": "1000", "workers": "4"},
    ),
}
