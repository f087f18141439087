# ruff: noqa: E501
"""Every configuration that django-prodserver 3.0's README and documentation show.

Collected from its published package (README, class docstrings) and its
documentation pages (2.4's too, whose paths 3.0 still took), each with where it
comes from. Entries and ``ARGS``-only
fragments are completed with the backend their page is about, as process "p".
Placeholders (``path.to.backend.class``, a custom backend of the reader's, "one
backend or another") are left out. ``tests/test_published_300.py`` checks that each works on this
release as written.
"""

CONFIGURATIONS = [
    (
        "3.0 README.md: Configuration (line 64), active entries",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8111"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "tests.celery.app",
                "ARGS": {},
            },
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'web' (GranianASGIServer)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.granian.GranianASGIServer",
                "ARGS": {"address": "0.0.0.0", "port": "8000", "workers": "4"},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'web' (GranianWSGIServer)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.granian.GranianWSGIServer",
                "ARGS": {"address": "0.0.0.0", "port": "8000", "workers": "4"},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'web' (WaitressServer)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.waitress.WaitressServer",
                "ARGS": {},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'web' (UvicornServer)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.uvicorn.UvicornServer",
                "ARGS": {},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'web' (UvicornWSGIServer)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.uvicorn.UvicornWSGIServer",
                "ARGS": {},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'worker' "
        "(DjangoTasksWorker)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.workers.django_tasks.DjangoTasksWorker",
                "ARGS": {},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'beat' (CeleryBeat)",
        {
            "beat": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryBeat",
                "APP": "tests.celery.app",
                "ARGS": {},
            }
        },
    ),
    (
        "3.0 README.md: Configuration, commented-out alternative 'flower' (CeleryFlower)",
        {
            "flower": {
                "BACKEND": "django_prodserver.backends.servers.flower.CeleryFlower",
                "APP": "tests.celery.app",
                "ARGS": {"port": "5555", "address": "0.0.0.0"},
            }
        },
    ),
    (
        "3.0 backends/base.py: BaseProcessBackend docstring",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8111"},
            }
        },
    ),
    (
        "3.0 backends/servers/granian.py: GranianASGIServer docstring",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.servers.granian.GranianASGIServer",
                "ARGS": {
                    "address": "0.0.0.0",
                    "port": "8000",
                    "workers": "4",
                    "blocking_threads": "1",
                },
            }
        },
    ),
    (
        "3.0 backends/servers/granian.py: GranianWSGIServer docstring",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.servers.granian.GranianWSGIServer",
                "ARGS": {
                    "address": "0.0.0.0",
                    "port": "8000",
                    "workers": "4",
                    "blocking_threads": "2",
                },
            }
        },
    ),
    (
        "3.0 backends/dev/daphne.py: DaphneRunserver docstring",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.dev.daphne.DaphneRunserver",
                "ARGS": {
                    "addrport": "127.0.0.1:8000",
                    "ipv6": False,
                    "noreload": False,
                    "nostatic": False,
                    "insecure": False,
                    "http_timeout": None,
                    "websocket_handshake_timeout": 5,
                    "unix_socket": None,
                    "fd": None,
                    "endpoints": [],
                    "verbosity": 1,
                    "root_path": "",
                    "proxy_headers": False,
                    "ping_interval": 20,
                    "ping_timeout": 30,
                    "application_close_timeout": 10,
                    "websocket_timeout": 86400,
                    "websocket_connect_timeout": 20,
                    "request_buffer_size": 8192,
                    "server_name": "daphne",
                    "access_log": None,
                },
            }
        },
    ),
    (
        "3.0 backends/dev/django_runserver.py: DjangoRunserver docstring",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.dev.django_runserver.DjangoRunserver",
                "ARGS": {
                    "addrport": "127.0.0.1:8000",
                    "ipv6": False,
                    "noreload": False,
                    "nothreading": False,
                    "nostatic": False,
                    "insecure": False,
                },
            }
        },
    ),
    (
        "3.0 backends/dev/werkzeug.py: WerkzeugRunserver docstring",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.dev.werkzeug.WerkzeugRunserver",
                "ARGS": {
                    "addrport": "127.0.0.1:8000",
                    "ipv6": False,
                    "noreload": False,
                    "nostatic": False,
                    "insecure": False,
                    "threaded": True,
                    "nothreading": False,
                    "processes": 1,
                    "extra_files": [],
                    "exclude_patterns": [],
                    "reloader_type": "auto",
                    "reloader_interval": 1,
                    "passthrough_errors": False,
                    "use_debugger": True,
                    "nopin": False,
                    "trusted_hosts": [],
                    "evalex": True,
                    "cert_file": None,
                    "key_file": None,
                    "ssl_dev_cert_dir": None,
                    "browser": False,
                    "output": None,
                    "print_sql": False,
                    "truncate_sql": 1000,
                    "print_sql_location": False,
                    "pdb": False,
                    "ipdb": False,
                    "pm": False,
                    "keep_meta_shutdown": False,
                    "startup_messages": "reload",
                },
            }
        },
    ),
    (
        "3.0 docs/usage.md: Common Patterns / Single Web Server",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "3.0 docs/usage.md: Common Patterns / Web + Worker",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
        },
    ),
    (
        "3.0 docs/usage.md: Common Patterns / Full Stack (Web + Worker + Scheduler)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.uvicorn.UvicornServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "3.0 docs/usage.md: Development vs Production / Environment-Specific Settings "
        "(settings_prod.py)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
            }
        },
    ),
    (
        "3.0 docs/usage.md: Advanced Usage / ARGS Translation",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "3.0 docs/backends/celery.md: Worker",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4", "loglevel": "info"},
            }
        },
    ),
    (
        "3.0 docs/backends/celery.md: Beat (Scheduler)",
        {
            "beat": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            }
        },
    ),
    (
        "3.0 docs/backends/celery.md: Flower (Monitoring) / Configuration",
        {
            "flower": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryFlower",
                "APP": "myproject.celery.app",
                "ARGS": {"port": "5555", "address": "0.0.0.0"},
            }
        },
    ),
    (
        "3.0 docs/backends/celery.md: Examples / Full Stack",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4", "max-tasks-per-child": "1000"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "3.0 docs/backends/celery.md: Examples / Multiple Queues",
        {
            "default_worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"queues": "default", "concurrency": "4"},
            },
            "priority_worker": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"queues": "priority", "concurrency": "2"},
            },
        },
    ),
    (
        "3.0 docs/backends/celery.md: Examples / Gevent Pool",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.workers.celery.CeleryWorker",
                "ARGS": {"pool": "gevent", "concurrency": "100"},
            }
        },
    ),
    (
        "3.0 docs/backends/index.md (readthedocs): ARGS Translation",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.servers.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/celery.md: Worker (line 52)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4", "loglevel": "info"},
            }
        },
    ),
    (
        "2.4 docs/backends/celery.md: Beat (Scheduler) (line 82)",
        {
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            }
        },
    ),
    (
        "2.4 docs/backends/celery.md: Full Stack (line 105)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4", "max-tasks-per-child": "1000"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "2.4 docs/backends/celery.md: Multiple Queues (line 126)",
        {
            "default_worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"queues": "default", "concurrency": "4"},
            },
            "priority_worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"queues": "priority", "concurrency": "2"},
            },
        },
    ),
    (
        "2.4 docs/backends/celery.md: Gevent Pool (line 147)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "ARGS": {"pool": "gevent", "concurrency": "100"},
            }
        },
    ),
    (
        "2.4 docs/backends/django-q2.md: Configuration (line 29)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.django_q2.DjangoQ2Worker",
                "ARGS": {"verbosity": "1"},
            }
        },
    ),
    (
        "2.4 docs/backends/django-q2.md: Web + Worker (line 71)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.django_q2.DjangoQ2Worker",
                "ARGS": {"verbosity": "1"},
            },
        },
    ),
    (
        "2.4 docs/backends/django-tasks.md: Configuration (line 34)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
                "ARGS": {"processes": "4", "threads": "1"},
            }
        },
    ),
    (
        "2.4 docs/backends/django-tasks.md: Web + Worker (line 59)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
                "ARGS": {"processes": "2", "threads": "2"},
            },
        },
    ),
    (
        "2.4 docs/backends/granian.md: ASGI Mode (line 24)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.granian.GranianASGIServer",
                "ARGS": {"address": "0.0.0.0", "port": "8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/granian.md: WSGI Mode (line 43)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.granian.GranianWSGIServer",
                "ARGS": {"address": "0.0.0.0", "port": "8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/granian.md: High-Performance ASGI (line 76)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.granian.GranianASGIServer",
                "ARGS": {
                    "address": "0.0.0.0",
                    "port": "8000",
                    "workers": "4",
                    "blocking-threads": "2",
                    "log-access": "False",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/granian.md: WSGI with Thread Pool (line 88)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.granian.GranianWSGIServer",
                "ARGS": {
                    "address": "0.0.0.0",
                    "port": "8000",
                    "workers": "2",
                    "threads": "4",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/gunicorn.md: Configuration (line 18)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
            }
        },
    ),
    (
        "2.4 docs/backends/gunicorn.md: Production (line 50)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "bind": "0.0.0.0:8000",
                    "workers": "8",
                    "worker-class": "gevent",
                    "timeout": "120",
                    "max-requests": "1000",
                    "max-requests-jitter": "100",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/gunicorn.md: Unix Socket (behind nginx) (line 63)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "bind": "unix:/var/run/myapp.sock",
                    "workers": "4",
                    "user": "www-data",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/gunicorn.md: Gevent (I/O-bound apps) (line 77)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "worker-class": "gevent",
                    "worker-connections": "1000",
                    "workers": "4",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/index.md: ARGS Translation (line 45)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/uvicorn.md: ASGI Mode (line 27)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/uvicorn.md: WSGI Mode (line 46)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornWSGIServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/uvicorn.md: Production (line 78)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {
                    "host": "0.0.0.0",
                    "port": "8000",
                    "workers": "4",
                    "loop": "uvloop",
                    "no-access-log": "True",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/uvicorn.md: Behind Reverse Proxy (line 90)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {
                    "host": "127.0.0.1",
                    "port": "8000",
                    "proxy-headers": "True",
                    "forwarded-allow-ips": "*",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/uvicorn.md: WebSocket Support (line 101)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "timeout-keep-alive": "60"},
            }
        },
    ),
    (
        "2.4 docs/backends/waitress.md: Configuration (line 18)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "threads": "4"},
            }
        },
    ),
    (
        "2.4 docs/backends/waitress.md: Production (line 48)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {
                    "host": "0.0.0.0",
                    "port": "8000",
                    "threads": "8",
                    "connection-limit": "500",
                    "channel-timeout": "120",
                },
            }
        },
    ),
    (
        "2.4 docs/backends/waitress.md: Windows (line 60)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "threads": "6"},
            }
        },
    ),
    (
        "2.4 docs/backends/waitress.md: Unix Socket (line 70)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {"unix-socket": "/var/run/myapp.sock", "threads": "4"},
            }
        },
    ),
    (
        "2.4 docs/configuration.rst: ARGS (line 75)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/configuration.rst: ARGS (line 90)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "bind": "0.0.0.0:8000",
                    "workers": "4",
                    "worker-class": "sync",
                    "timeout": "60",
                },
            }
        },
    ),
    (
        "2.4 docs/configuration.rst: Single Web Server (line 118)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/configuration.rst: Web + Worker + Beat (line 130)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4", "loglevel": "info"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "2.4 docs/configuration.rst: Environment Variables (line 152)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Gunicorn → Uvicorn (Adding Async Support) "
        "(line 47)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Gunicorn → Uvicorn (Adding Async Support) "
        "(line 62)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {
                    "host": "0.0.0.0",
                    "port": "8000",
                    "workers": "4",
                    "timeout-keep-alive": "60",
                },
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Gunicorn → Granian (Performance Upgrade) "
        "(line 118)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Gunicorn → Granian (Performance Upgrade) "
        "(line 132)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.granian.GranianWSGIServer",
                "ARGS": {
                    "address": "0.0.0.0",
                    "port": "8000",
                    "workers": "4",
                    "threads": "2",
                },
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Waitress → Gunicorn (Windows → Linux) (line "
        "166)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "threads": "6"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Waitress → Gunicorn (Windows → Linux) (line "
        "181)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Celery → Django Tasks (Simplification) (line "
        "217)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {},
            },
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Celery → Django Tasks (Simplification) (line "
        "239)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
                "ARGS": {"processes": "4"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Django Tasks → Celery (Scaling Up) (line 312)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
                "ARGS": {"processes": "2"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Django Tasks → Celery (Scaling Up) (line 325)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {},
            },
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Celery → Django-Q2 (ORM-backed Alternative) "
        "(line 371)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            }
        },
    ),
    (
        "2.4 docs/guides/backend-switching.md: Celery → Django-Q2 (ORM-backed Alternative) "
        "(line 383)",
        {
            "worker": {
                "BACKEND": "django_prodserver.backends.django_q2.DjangoQ2Worker",
                "ARGS": {"verbosity": "1"},
            }
        },
    ),
    (
        "2.4 docs/guides/docker-deployment.md: Using Environment Variables (line 247)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {},
            },
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Development Settings (line 65)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {"host": "127.0.0.1", "port": "8000", "threads": "2"},
            }
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Staging Settings (line 98)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "bind": "0.0.0.0:8000",
                    "workers": "2",
                    "timeout": "60",
                    "loglevel": "debug",
                },
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "2", "loglevel": "debug"},
            },
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Production Settings (line 144)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "bind": "0.0.0.0:8000",
                    "workers": "8",
                    "worker-class": "gevent",
                    "timeout": "120",
                    "max-requests": "1000",
                    "max-requests-jitter": "100",
                    "access-logfile": "/var/log/myapp/access.log",
                    "error-logfile": "/var/log/myapp/error.log",
                },
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {
                    "concurrency": "8",
                    "loglevel": "info",
                    "max-tasks-per-child": "1000",
                },
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Pattern 2: Single File with Environment "
        "Variables (line 235)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "2", "timeout": "60"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "2"},
            },
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Using django-environ (line 343)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Development Configuration (line 378)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.waitress.WaitressServer",
                "ARGS": {"host": "127.0.0.1", "port": "8000", "threads": "2"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.django_tasks.DjangoTasksWorker",
                "ARGS": {"processes": "1"},
            },
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Staging Configuration (line 416)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {
                    "bind": "0.0.0.0:8000",
                    "workers": "4",
                    "timeout": "60",
                    "loglevel": "debug",
                    "access-logfile": "-",
                },
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4", "loglevel": "debug"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "debug"},
            },
        },
    ),
    (
        "2.4 docs/guides/environment-configs.md: Production Configuration (line 453)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {
                    "host": "0.0.0.0",
                    "port": "8000",
                    "workers": "8",
                    "loop": "uvloop",
                    "limit-concurrency": "1000",
                    "log-level": "warning",
                },
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {
                    "concurrency": "8",
                    "loglevel": "info",
                    "max-tasks-per-child": "1000",
                    "max-memory-per-child": "500000",
                },
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "2.4 docs/guides/multi-process.md: Django Settings (line 426)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "8", "timeout": "60"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {
                    "concurrency": "8",
                    "loglevel": "info",
                    "max-tasks-per-child": "1000",
                },
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "2.4 docs/guides/quickstart.md: Step 3: Configure Your Production Server (line 69)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "2"},
            }
        },
    ),
    (
        "2.4 docs/guides/quickstart.md: Add Background Workers (line 137)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "2"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "2"},
            },
        },
    ),
    (
        "2.4 docs/guides/quickstart.md: Configure for Different Environments (line 178)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
            }
        },
    ),
    (
        "2.4 docs/guides/quickstart.md: Basic Configuration (line 275) [Minimal]",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000"},
            }
        },
    ),
    (
        "2.4 docs/guides/quickstart.md: Basic Configuration (line 275) [Recommended]",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
            }
        },
    ),
    (
        "2.4 docs/guides/quickstart.md: Troubleshooting (line 323)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8001"},
            }
        },
    ),
    (
        "2.4 docs/installation.md: Quickstart (line 16)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "2"},
            }
        },
    ),
    (
        "2.4 docs/installation.md: Configuration (line 99)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
        },
    ),
    (
        "2.4 docs/troubleshooting.md: PRODUCTION_PROCESSES not found (line 19)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000"},
            }
        },
    ),
    (
        "2.4 docs/troubleshooting.md: Port already in use (line 43)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8001"},
            }
        },
    ),
    (
        "2.4 docs/troubleshooting.md: Gunicorn: Worker timeout (line 69)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"timeout": "120"},
            }
        },
    ),
    (
        "2.4 docs/troubleshooting.md: High memory usage (line 112) [Gunicorn]",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"workers": "2", "max-requests": "1000"},
            }
        },
    ),
    (
        "2.4 docs/troubleshooting.md: High memory usage (line 112) [Celery]",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "ARGS": {"max-tasks-per-child": "1000"},
            }
        },
    ),
    (
        "2.4 docs/usage.md: Single Web Server (line 15)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
    (
        "2.4 docs/usage.md: Web + Worker (line 30)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
        },
    ),
    (
        "2.4 docs/usage.md: Full Stack (Web + Worker + Scheduler) (line 52)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.uvicorn.UvicornServer",
                "ARGS": {"host": "0.0.0.0", "port": "8000", "workers": "4"},
            },
            "worker": {
                "BACKEND": "django_prodserver.backends.celery.CeleryWorker",
                "APP": "myproject.celery.app",
                "ARGS": {"concurrency": "4"},
            },
            "beat": {
                "BACKEND": "django_prodserver.backends.celery.CeleryBeat",
                "APP": "myproject.celery.app",
                "ARGS": {"loglevel": "info"},
            },
        },
    ),
    (
        "2.4 docs/usage.md: Environment-Specific Settings (line 138)",
        {
            "web": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4", "timeout": "60"},
            }
        },
    ),
    (
        "2.4 docs/usage.md: ARGS Translation (line 180)",
        {
            "p": {
                "BACKEND": "django_prodserver.backends.gunicorn.GunicornServer",
                "ARGS": {"bind": "0.0.0.0:8000", "workers": "4"},
            }
        },
    ),
]
