"""The real-program smoke set: what every Django line runs besides the unit
tests (the reference environment runs every real-program test).

For each family of backends, at least one real start that proves real work (an
HTTP 200 from the example project, a task's side effect) and one graceful stop
(SIGTERM while a request or a task is in flight, which still completes). The
tests carry the ``smoke`` marker through ``tests/conftest.py``, by the node ids
below; ``tests/test_smoke.py`` checks that each id names a collected test.
"""

from __future__ import annotations

#: Family → the node ids of its smoke tests.
SMOKE: dict[str, tuple[str, ...]] = {
    "gunicorn": (
        "tests/test_gunicorn.py::test_prodserver_web_is_the_gunicorn_master",
        "tests/test_gunicorn.py::test_sigterm_lets_an_in_flight_request_finish",
    ),
    "uvicorn": (
        "tests/test_uvicorn.py::test_real_server[uvicorn-serves_and_stops]",
        "tests/test_uvicorn.py::test_real_server"
        "[uvicorn-in_flight_request_survives_sigterm]",
    ),
    "granian": (
        "tests/test_granian.py::test_real_server[granian_asgi-serves_and_stops]",
        "tests/test_granian.py::test_real_server"
        "[granian_wsgi-in_flight_request_survives_sigterm]",
    ),
    "waitress": (
        "tests/test_waitress.py::test_real_server"
        "[waitress-in_flight_request_survives_sigterm]",
    ),
    "hypercorn": (
        "tests/test_hypercorn.py::test_real_server[in_flight_request_survives_sigterm]",
    ),
    "daphne": ("tests/test_daphne.py::test_serves_and_stops_on_sigterm[exec]",),
    "uwsgi": (
        "tests/test_uwsgi.py::test_real_server[in_flight_request_survives_sigterm]",
    ),
    "development servers": (
        "tests/test_dev.py::test_serves_and_stops_on_sigterm[runserver-exec]",
        "tests/test_dev.py::test_serves_and_stops_on_sigterm[plus-spawn]",
        "tests/test_dev.py::test_serves_and_stops_on_sigterm[daphne-exec]",
    ),
    "celery": (
        "tests/test_celery.py::test_sigterm_lets_the_running_task_finish[exec]",
        "tests/test_celery.py::test_beat_publishes_its_schedule_into_redis",
        "tests/test_celery.py::test_flower_serves_the_example_projects_workers[spawn]",
    ),
    "django-tasks": (
        "tests/test_django_tasks.py::test_tasks_runs_an_enqueued_task",
        "tests/test_django_tasks.py::test_sigterm_lets_the_running_task_finish[exec]",
    ),
    "django-q2": (
        "tests/test_django_q2.py::test_q2_runs_an_async_task_and_sigterm_lets_it_finish",
    ),
    "rq": ("tests/test_rq.py::test_sigterm_lets_the_running_job_finish[exec]",),
    "huey": ("tests/test_huey.py::test_sigterm_lets_the_running_task_finish[exec]",),
    "dramatiq": (
        "tests/test_dramatiq.py::test_sigterm_lets_the_running_task_finish[exec]",
    ),
    "several processes": (
        "tests/test_gunicorn.py::test_two_servers_serve_and_stop_together",
        "tests/test_supervisor.py::test_term_stops_all_once_each",
    ),
    "lifecycle": (
        "tests/test_lifecycle.py::test_before_migrates_a_fresh_database"
        "_then_the_server_keeps_the_pid",
        "tests/test_lifecycle.py::test_all_runs_the_release_to_completion"
        "_before_the_web_server",
        "tests/test_lifecycle.py::test_the_worker_waits_for_its_broker"
        "_then_runs_a_task",
    ),
    "console script": (
        "tests/test_main.py::test_exec_keeps_the_pid_serves_and_stops_on_sigterm[script]",
    ),
    "watchdog": (
        "tests/test_watchdog.py::test_a_killed_launcher_lets_the_request_in_flight"
        "_finish[gunicorn]",
    ),
}

#: Every smoke test's node id.
SMOKE_IDS = frozenset(node for nodes in SMOKE.values() for node in nodes)
