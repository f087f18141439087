"""``prodserver --export kubernetes``: objects that the Kubernetes schemas of
current versions accept (strict, offline), with the properties a deployment of
the example project needs."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from tests.exports import kubernetes_expanded, validate_kubernetes, yaml_documents
from tests.processes import manage, manage_with_settings, missing, setting_of

#: Two current Kubernetes versions (kubernetes-validate bundles their schemas).
VERSIONS = ("1.33.0", "1.37.0")
DEPLOY = "--settings=mysite.settings_deploy"
WORKERS = "--settings=mysite.settings_workers"


def exported(*args: str) -> list[dict[str, Any]]:
    """The objects of ``--export=kubernetes ARGS`` (fresh ones on each call)."""
    return yaml_documents(export_text(*args))


@functools.cache
def export_text(*args: str) -> str:
    """``manage.py prodserver --export=kubernetes ARGS``, run once per ``ARGS``."""
    result = manage("prodserver", "--export=kubernetes", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def by_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def container(obj: dict[str, Any]) -> dict[str, Any]:
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    found: dict[str, Any] = containers[0]
    return found


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("settings", [DEPLOY, WORKERS])
def test_every_object_validates_strictly(settings: str, version: str) -> None:
    for obj in exported(settings):
        kubernetes_validate.validate(obj, version, strict=True)


def test_the_cached_validator_agrees_with_kubernetes_validate() -> None:
    """The round-trip tests check hundreds of objects with a validator built
    once per kind: it accepts and refuses what kubernetes-validate does."""
    import jsonschema

    for obj in exported(DEPLOY):
        validate_kubernetes(obj, VERSIONS[-1])
    obj = by_kind(exported(DEPLOY), "Deployment")["mysite-web"]
    container(obj)["unknownField"] = True
    with pytest.raises(jsonschema.ValidationError):
        validate_kubernetes(obj, VERSIONS[-1])
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(obj, VERSIONS[-1], strict=True)


def test_the_validation_is_strict() -> None:
    obj = by_kind(exported(DEPLOY), "Deployment")["mysite-web"]
    container(obj)["unknownField"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(obj, VERSIONS[0], strict=True)


def test_a_deployment_per_process_and_a_job_for_the_release() -> None:
    objects = exported(DEPLOY, "--image=registry.example.com/shop:7")
    deployments = by_kind(objects, "Deployment")
    assert list(deployments) == [
        "mysite-web", "mysite-worker", "mysite-beat", "mysite-tasks"
    ]  # fmt: skip
    jobs = by_kind(objects, "Job")
    assert list(jobs) == ["mysite-release"]
    # The ConfigMap the others read, then the Job: applied first.
    assert [o["kind"] for o in objects[:2]] == ["ConfigMap", "Job"]
    config = by_kind(objects, "ConfigMap")["mysite-config"]
    assert config["data"]["DJANGO_SETTINGS_MODULE"] == "mysite.settings_deploy"
    for name, obj in {**deployments, **jobs}.items():
        main = container(obj)
        command = [kubernetes_expanded(word) for word in main["command"]]
        # Beat's schedule file goes to /tmp: see test_beat_writes_its_schedule…
        writes = ["--", "--schedule=/tmp/celerybeat-schedule"] * (name == "mysite-beat")
        assert command == ["prodserver", name[7:], DEPLOY, *writes]
        assert main["image"] == "registry.example.com/shop:7"
        assert main["envFrom"] == [{"configMapRef": {"name": "mysite-config"}}]
        selector = obj["spec"].get("selector", {}).get("matchLabels")
        labels = obj["spec"]["template"]["metadata"]["labels"]
        assert selector in (None, labels)
    job = jobs["mysite-release"]["spec"]
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    assert job["backoffLimit"] == 0


def test_web_has_a_service_on_its_port_and_http_probes() -> None:
    objects = exported(DEPLOY)
    web = container(by_kind(objects, "Deployment")["mysite-web"])
    assert web["ports"] == [{"containerPort": 8000}]
    service = by_kind(objects, "Service")["mysite-web"]
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [
        (8000, 8000)
    ]
    template = by_kind(objects, "Deployment")["mysite-web"]["spec"]["template"]
    assert service["spec"]["selector"] == template["metadata"]["labels"]
    assert list(by_kind(objects, "Service")) == ["mysite-web"]  # web only
    assert (
        web["livenessProbe"]["periodSeconds"] > web["readinessProbe"]["periodSeconds"]
    )
    # Liveness asks the process only (its port), never a page that may need
    # the database: a database that is down restarts no web pod.
    assert web["livenessProbe"]["tcpSocket"] == {"port": 8000}
    for probe in ("startupProbe", "readinessProbe"):
        assert web[probe]["httpGet"] == {
            "path": "/",
            "port": 8000,
            # ALLOWED_HOSTS' first name: Django answers the kubelet's request.
            "httpHeaders": [{"name": "Host", "value": "www.example.com"}],
        }


def test_probe_path_option() -> None:
    objects = exported(DEPLOY, "--probe-path=/healthz/")
    web = container(by_kind(objects, "Deployment")["mysite-web"])
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz/"
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz/"


def test_celery_worker_is_probed_by_prodserver_and_beat_runs_once() -> None:
    deployments = by_kind(exported(DEPLOY), "Deployment")
    worker = container(deployments["mysite-worker"])
    # The console script, which starts faster than manage.py: a probe runs often.
    probe = ["prodserver", "worker", DEPLOY, "--probe"]
    for check in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert worker[check]["exec"]["command"] == probe
    beat = deployments["mysite-beat"]["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}  # never two beats in a rollout
    assert "strategy" not in deployments["mysite-worker"]["spec"]


@pytest.mark.parametrize("name", ["beat", "tasks"])
def test_programs_nothing_can_ask_are_probed_by_prodserver_too(name: str) -> None:
    """Beat and the django-tasks worker: ``--probe`` looks for their processes."""
    main = container(by_kind(exported(DEPLOY), "Deployment")[f"mysite-{name}"])
    probe = ["prodserver", name, DEPLOY, "--probe"]
    if name == "beat":  # as it runs: its schedule in the writable /tmp
        probe += ["--", "--schedule=/tmp/celerybeat-schedule"]
    for check in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert main[check]["exec"]["command"] == probe


#: Each process's own stop budget in whole seconds (a day without a limit).
OWN = {"release": 10, "web": 35, "worker": 86400, "beat": 10, "tasks": 86400}


@pytest.mark.parametrize(("timeout", "grace"), [(None, None), ("45", 45), ("2.5", 3)])
def test_grace_period_is_at_least_the_stop_budget(
    timeout: str | None, grace: int | None
) -> None:
    args = [f"--stop-timeout={timeout}"] if timeout else []
    for obj in exported(DEPLOY, *args):
        if obj["kind"] in ("Deployment", "Job"):
            spec = obj["spec"]["template"]["spec"]
            # A web server's grace period also covers its preStop sleep; each
            # has 5 s beyond its budget for prodserver to end what is left.
            name = obj["metadata"]["name"].removeprefix("mysite-")
            web = name == "web"
            budget = OWN[name] if grace is None else grace
            assert spec["terminationGracePeriodSeconds"] == budget + 5 * web + 5
            assert ("lifecycle" in spec["containers"][0]) == web
    web = container(by_kind(exported(DEPLOY), "Deployment")["mysite-web"])
    assert web["lifecycle"] == {"preStop": {"sleep": {"seconds": 5}}}


def test_env_file_becomes_a_secret_and_names_take_the_prefix() -> None:
    options = ["--env-file=.env", "--name-prefix=shop-"]
    result = manage("prodserver", "--export=kubernetes", DEPLOY, *options)
    assert result.returncode == 0, result.stderr
    assert "kubectl create secret generic shop-env --from-env-file=FILE" in (
        result.stdout
    )
    deployments = by_kind(yaml_documents(result.stdout), "Deployment")
    assert list(deployments) == ["shop-web", "shop-worker", "shop-beat", "shop-tasks"]
    for obj in deployments.values():
        assert container(obj)["envFrom"] == [
            {"configMapRef": {"name": "shop-config"}},
            {"secretRef": {"name": "shop-env"}},
        ]


def test_placeholder_image_and_loopback_warning() -> None:
    result = manage("prodserver", "--export=kubernetes")  # web on 127.0.0.1:8000
    assert result.returncode == 0, result.stderr
    assert "# The image is a placeholder: export with --image IMAGE." in result.stdout
    assert "# web listens on the loopback only" in result.stdout
    web = container(by_kind(yaml_documents(result.stdout), "Deployment")["mysite-web"])
    assert web["image"] == "registry.example.com/mysite:latest"


def test_names_kubernetes_cannot_take_are_refused() -> None:
    result = manage("prodserver", "--export=kubernetes", "--name-prefix=-")
    assert result.returncode == 1
    assert "prodserver.E025: PRODUCTION_PROCESSES['web']: the object name '-web'" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("backend", "port"),
    [
        ("django_prodserver.backends.gunicorn.GunicornServer", 8000),
        ("django_prodserver.backends.waitress.WaitressServer", 8080),
    ],
)
def test_web_server_without_an_address_gets_port(
    tmp_path: Path, backend: str, port: int
) -> None:
    """No address in ARGS: prodserver listens on 0.0.0.0:$PORT, so the
    container gets PORT, and the Service and probes its port."""
    setting = setting_of({"web": {"BACKEND": backend}})
    export = ["prodserver", "--export=kubernetes", "--name-prefix=mysite-"]
    result = manage_with_settings(tmp_path, setting, *export)
    assert result.returncode == 0, result.stderr
    assert "loopback" not in result.stdout
    objects = yaml_documents(result.stdout)
    web = container(by_kind(objects, "Deployment")["mysite-web"])
    env = {variable["name"]: variable["value"] for variable in web["env"]}
    assert env["PORT"] == str(port)
    assert web["ports"] == [{"containerPort": port}]
    assert web["readinessProbe"]["httpGet"]["port"] == port
    service = by_kind(objects, "Service")["mysite-web"]
    assert service["spec"]["ports"][0]["port"] == port


def pod_objects(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The Deployments and Jobs: every object that makes pods."""
    return {**by_kind(objects, "Deployment"), **by_kind(objects, "Job")}


def test_every_pod_is_what_a_restricted_cluster_admits() -> None:
    """The restricted Pod Security Standard, and the rest of what checkov asks:
    no root, no privilege, no capability, the runtime's seccomp profile, a
    read-only root with /tmp writable, resources, no service-account token."""
    for name, obj in pod_objects(exported(DEPLOY)).items():
        pod = obj["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        main = container(obj)
        security = main["securityContext"]
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert security["readOnlyRootFilesystem"] is True
        assert security["runAsUser"] >= 10000  # above a host's own users
        assert main["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
        assert pod["volumes"] == [{"name": "tmp", "emptyDir": {}}]
        for amounts in (main["resources"]["requests"], main["resources"]["limits"]):
            assert set(amounts) == {"cpu", "memory"}


def test_resources_by_kind_of_process() -> None:
    pods = pod_objects(exported(DEPLOY))
    limits = {name: container(o)["resources"]["limits"] for name, o in pods.items()}
    assert limits["mysite-worker"]["memory"] == "1Gi"  # a task may hold a lot
    assert limits["mysite-beat"]["memory"] == "256Mi"  # it only sends
    assert limits["mysite-web"]["memory"] == "512Mi"


def test_resources_of_the_entry_replace_the_defaults(tmp_path: Path) -> None:
    gunicorn = "django_prodserver.backends.gunicorn.GunicornServer"
    sized = {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": 2}}
    setting = setting_of({"web": {"BACKEND": gunicorn, "RESOURCES": sized}})
    export = ["prodserver", "--export=kubernetes", "--name-prefix=mysite-"]
    result = manage_with_settings(tmp_path, setting, *export)
    assert result.returncode == 0, result.stderr
    web = by_kind(yaml_documents(result.stdout), "Deployment")["mysite-web"]
    kubernetes_validate.validate(web, VERSIONS[-1], strict=True)
    # The memory limit is the default's (512Mi) raised to the request.
    assert container(web)["resources"] == {
        "requests": {"cpu": "1", "memory": "2Gi"},
        "limits": {"cpu": "2", "memory": "2Gi"},
    }


def test_beat_writes_its_schedule_in_tmp() -> None:
    """The root filesystem is read-only: beat's schedule file, which Celery
    keeps in the working directory, goes to /tmp (the real beat takes the same
    argument in test_celery's test_beat_publishes_its_schedule_into_redis)."""
    deployments = by_kind(exported(DEPLOY), "Deployment")
    command = container(deployments["mysite-beat"])["command"]
    assert command[-2:] == ["--", "--schedule=/tmp/celerybeat-schedule"]
    for name in ("mysite-web", "mysite-worker", "mysite-tasks"):
        assert "--" not in container(deployments[name])["command"]


def test_every_process_has_a_network_policy() -> None:
    """A web server's pods take connections to its port; a worker's none."""
    objects = exported(DEPLOY)
    policies = by_kind(objects, "NetworkPolicy")
    assert set(policies) == set(pod_objects(objects))
    web = policies["mysite-web"]["spec"]
    assert web["ingress"] == [{"ports": [{"port": 8000, "protocol": "TCP"}]}]
    assert web["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == ("mysite-web")
    assert policies["mysite-worker"]["spec"]["ingress"] == []
    assert policies["mysite-worker"]["spec"]["policyTypes"] == ["Ingress"]


def test_replicas_spread_over_nodes_with_a_disruption_budget(tmp_path: Path) -> None:
    gunicorn = "django_prodserver.backends.gunicorn.GunicornServer"
    setting = setting_of(
        {
            "web": {"BACKEND": gunicorn, "REPLICAS": 3},
            "one": {"BACKEND": gunicorn, "ARGS": {"bind": "0.0.0.0:8001"}},
        }
    )
    export = ["prodserver", "--export=kubernetes", "--name-prefix=mysite-"]
    result = manage_with_settings(tmp_path, setting, *export)
    assert result.returncode == 0, result.stderr
    objects = yaml_documents(result.stdout)
    for obj in objects:
        kubernetes_validate.validate(obj, VERSIONS[-1], strict=True)
    deployments = by_kind(objects, "Deployment")
    assert deployments["mysite-web"]["spec"]["replicas"] == 3
    assert deployments["mysite-one"]["spec"]["replicas"] == 1
    pod = deployments["mysite-web"]["spec"]["template"]["spec"]
    (spread,) = pod["topologySpreadConstraints"]
    assert spread["topologyKey"] == "kubernetes.io/hostname"
    assert spread["labelSelector"]["matchLabels"]["app.kubernetes.io/name"] == (
        "mysite-web"
    )
    assert (
        "topologySpreadConstraints"
        not in (deployments["mysite-one"]["spec"]["template"]["spec"])
    )
    budgets = by_kind(objects, "PodDisruptionBudget")
    assert list(budgets) == ["mysite-web"]  # one copy has nothing to keep up
    assert budgets["mysite-web"]["spec"]["maxUnavailable"] == 1


#: checkov's checks that only the user's image or cluster can pass (each is
#: explained in the Kubernetes deployment guide): a fixed image tag, an image
#: digest, a namespace of one's own.
IMAGE_OR_CLUSTER = {"CKV_K8S_14", "CKV_K8S_43", "CKV_K8S_21"}


def checkov_program() -> str:
    """checkov, from its own environment (``make install`` makes it)."""
    path = os.environ.get("PRODSERVER_CHECKOV") or shutil.which("checkov")
    if not path or not os.access(path, os.X_OK):
        missing("checkov")
    assert path is not None
    return path


@pytest.mark.integration
@pytest.mark.parametrize("options", [(), ("--helm-hooks",)], ids=["plain", "helm"])
def test_checkov_finds_nothing_that_is_ours_to_fix(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    (tmp_path / "kubernetes.yaml").write_text(export_text(DEPLOY, *options))
    argv = [checkov_program(), "--directory", str(tmp_path)]
    argv += ["--framework", "kubernetes", "--skip-download", "--quiet", "-o", "json"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout)
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 300  # the checks ran
    failed = {
        (check["check_id"], check["resource"].rpartition(".")[2])
        for check in report["results"]["failed_checks"]
    }
    ours = {(c, r) for c, r in failed if c not in IMAGE_OR_CLUSTER}
    assert not ours


HELM = "--helm-hooks"
PREFIX = "--name-prefix=mysite-"


def hooks(obj: dict[str, Any]) -> dict[str, str]:
    """The Helm hook annotations of an object (none: empty)."""
    found: dict[str, str] = obj["metadata"].get("annotations", {})
    return found


def test_helm_hooks_run_the_release_job_after_the_config_map() -> None:
    objects = exported(DEPLOY, HELM)
    config = by_kind(objects, "ConfigMap")["mysite-config"]
    job = by_kind(objects, "Job")["mysite-release"]
    assert hooks(config) == {
        "helm.sh/hook": "pre-install,pre-upgrade",
        "helm.sh/hook-weight": "-10",
        "helm.sh/hook-delete-policy": "before-hook-creation",  # Deployments read it
    }
    assert hooks(job) == {
        "helm.sh/hook": "pre-install,pre-upgrade",
        "helm.sh/hook-weight": "0",
        "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
    }
    # Helm creates hooks by increasing weight (a string holding an integer).
    weights = [int(hooks(o)["helm.sh/hook-weight"]) for o in (config, job)]
    assert weights == sorted(weights)
    others = [o for o in objects if o["kind"] not in {"ConfigMap", "Job"}]
    assert others
    assert not any(hooks(o) for o in others)
    assert "The Jobs are Helm hooks" in export_text(DEPLOY, HELM)
    assert "kubectl wait" not in export_text(DEPLOY, HELM)
    for obj in objects:
        kubernetes_validate.validate(obj, VERSIONS[-1], strict=True)


def test_without_helm_hooks_the_export_is_unchanged() -> None:
    assert not any(hooks(o) for o in exported(DEPLOY))
    without = export_text(DEPLOY).splitlines()
    with_hooks = export_text(DEPLOY, HELM).splitlines()
    annotations = [
        line for line in with_hooks if "helm.sh/" in line or line == "  annotations:"
    ]
    header = [line for line in with_hooks if "Helm hooks" in line]
    kept = [line for line in with_hooks if line not in {*annotations, *header}]
    assert len(annotations) == 8  # two objects: the key and three annotations each
    assert kept == [line for line in without if "kubectl wait" not in line]


def test_helm_hooks_keep_the_order_of_several_release_steps(tmp_path: Path) -> None:
    release = "django_prodserver.backends.release.Release"
    setting = {
        "migrate": {"BACKEND": release, "BEFORE": ["migrate --noinput"]},
        "cache": {"BACKEND": release, "BEFORE": ["createcachetable"]},
        "web": {"BACKEND": "django_prodserver.backends.gunicorn.GunicornServer"},
    }
    source = f"PRODUCTION_PROCESSES = {setting!r}"
    result = manage_with_settings(
        tmp_path, source, "prodserver", "--export=kubernetes", HELM, PREFIX
    )
    assert result.returncode == 0, result.stderr
    jobs = by_kind(yaml_documents(result.stdout), "Job")
    weights = {name: hooks(job)["helm.sh/hook-weight"] for name, job in jobs.items()}
    assert weights == {"mysite-migrate": "0", "mysite-cache": "1"}


def test_helm_hooks_without_a_release_step_change_nothing(tmp_path: Path) -> None:
    web = {"BACKEND": "django_prodserver.backends.gunicorn.GunicornServer"}
    source = f"PRODUCTION_PROCESSES = {{'web': {web!r}}}"
    result = manage_with_settings(
        tmp_path, source, "prodserver", "--export=kubernetes", HELM, PREFIX
    )
    assert result.returncode == 0, result.stderr
    assert "helm.sh/" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--export=compose", HELM),
        ("--export=procfile", HELM),
        (HELM,),
        ("web", "--dry-run", HELM),
    ],
)
def test_helm_hooks_go_with_the_kubernetes_export_only(args: tuple[str, ...]) -> None:
    result = manage("prodserver", *args)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line == "CommandError: --helm-hooks goes with --export kubernetes only"


def test_dramatiq_workers_are_probed_by_prodserver() -> None:
    """Their probe looks for the dramatiq program and its worker processes."""
    queues = "--settings=mysite.settings_queues"
    main = container(by_kind(exported(queues), "Deployment")["mysite-dramatiq"])
    probe = ["prodserver", "dramatiq", queues, "--probe"]
    for check in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert main[check]["exec"]["command"] == probe
