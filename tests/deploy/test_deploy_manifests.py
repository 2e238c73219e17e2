"""Renders deploy/k8s (base and every overlay) and checks the result.

Every object must pass the Kubernetes 1.32 schema in strict mode, and the workloads must
follow the conventions documented in deploy/README.md. The expected topology below is the
deployment contract with the services' code (ports, env var names, Secret names).
"""
from __future__ import annotations

import dataclasses
import re
import zoneinfo
from pathlib import Path

import kubernetes_validate
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_VERSION = "1.32"
OVERLAYS = ("overlays/dev", "overlays/production")

# Deployment -> (app.kubernetes.io/name, app.kubernetes.io/component, image)
DEPLOYMENTS = {
    "contacts": ("contacts", "grpc", "crm-contacts"),
    "contacts-worker": ("contacts", "worker", "crm-contacts"),
    "notifications": ("notifications", "grpc", "crm-notifications"),
    "notifications-worker": ("notifications", "worker", "crm-notifications"),
    "sales": ("sales", "grpc", "crm-sales"),
    "sales-worker": ("sales", "worker", "crm-sales"),
    "gateway": ("gateway", "gateway", "crm-gateway"),
}
GRPC_PORTS = {"contacts": 50051, "notifications": 50055, "sales": 50052}
# Who may call each gRPC server besides the gateway: sales converts leads through contacts.
GRPC_CALLERS = {"contacts": {"sales"}}
METRICS_PORTS = {
    "contacts": 9051,
    "contacts-worker": 9151,
    "notifications": 9055,
    "notifications-worker": 9155,
    "sales": 9052,
    "sales-worker": 9152,
    "gateway": 8080,
}
GATEWAY_PORT = 8080
SERVICE_PORTS = {"contacts": 50051, "notifications": 50055, "sales": 50052, "gateway": GATEWAY_PORT}
SUBCOMMANDS = {"grpc": "serve", "worker": "worker", "gateway": "serve"}
CONFIGMAPS = {"contacts-config", "notifications-config", "sales-config", "gateway-config"}

# Every service verifies JWTs itself with the public key; nothing in the cluster issues them.
SHARED_ENV = {
    "CRM_JWT_PUBLIC_KEY_FILE",
    "CRM_JWT_ISSUER",
    "CRM_JWT_AUDIENCE",
    "CRM_LOG_LEVEL",
}
# Only contacts and notifications use RabbitMQ (outbox relay and workers).
BACKEND_ENV = {
    name: {
        "CRM_AMQP_URL",
        f"CRM_{name.upper()}_DATABASE_URL",
        f"CRM_{name.upper()}_GRPC_PORT",
        f"CRM_{name.upper()}_METRICS_PORT",
        f"CRM_{name.upper()}_WORKER_METRICS_PORT",
    }
    for name in GRPC_PORTS
}
# Channel settings both notifications processes read from notifications-config.
CHANNEL_ENV = {
    "CRM_NOTIFICATIONS_SMTP_HOST",
    "CRM_NOTIFICATIONS_SMTP_PORT",
    "CRM_NOTIFICATIONS_SMTP_TLS",
    "CRM_NOTIFICATIONS_MAIL_FROM",
    "CRM_NOTIFICATIONS_SMS_URL",
    "CRM_NOTIFICATIONS_SMS_SENDER",
    "CRM_NOTIFICATIONS_FAX_URL",
    "CRM_NOTIFICATIONS_FAX_SENDER",
    "CRM_NOTIFICATIONS_LETTER_SENDER",
    "CRM_NOTIFICATIONS_PHONE_TASK_QUEUE",
    "CRM_NOTIFICATIONS_QUIET_HOURS_SMS",
    "CRM_NOTIFICATIONS_QUIET_HOURS_PHONE",
    "CRM_NOTIFICATIONS_QUIET_HOURS_FAX",
    "CRM_NOTIFICATIONS_DEFAULT_TIME_ZONE",
    "CRM_NOTIFICATIONS_DEFAULT_LANGUAGE",
    "CRM_NOTIFICATIONS_RATE_LIMITS",
    "CRM_NOTIFICATIONS_SEND_CONCURRENCY",
    "CRM_NOTIFICATIONS_UNSUBSCRIBE_URL",
    "CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE",
}
# Sites set these per overlay; the base leaves them out (see the README's ConfigMaps table).
SITE_SPECIFIC_ENV = {
    "CRM_NOTIFICATIONS_SMTP_HOST",
    "CRM_NOTIFICATIONS_MAIL_FROM",
    "CRM_NOTIFICATIONS_SMS_URL",
    "CRM_NOTIFICATIONS_SMS_SENDER",
    "CRM_NOTIFICATIONS_FAX_URL",
    "CRM_NOTIFICATIONS_FAX_SENDER",
    "CRM_NOTIFICATIONS_UNSUBSCRIBE_URL",
}
# The base carries the services' own defaults for these (docs/notifications.md, README.md).
CODE_DEFAULT_ENV = {
    "CRM_NOTIFICATIONS_LETTER_SENDER",
    "CRM_NOTIFICATIONS_PHONE_TASK_QUEUE",
    "CRM_NOTIFICATIONS_QUIET_HOURS_SMS",
    "CRM_NOTIFICATIONS_QUIET_HOURS_PHONE",
    "CRM_NOTIFICATIONS_QUIET_HOURS_FAX",
    "CRM_NOTIFICATIONS_DEFAULT_TIME_ZONE",
    "CRM_NOTIFICATIONS_DEFAULT_LANGUAGE",
    "CRM_NOTIFICATIONS_RATE_LIMITS",
    "CRM_NOTIFICATIONS_SEND_CONCURRENCY",
}
# Credentials of the channels -> (Secret, key). Only the worker sends, so only it gets them,
# and all are optional: a site without an SMS or fax provider, or with an open relay, omits them.
SENDER_SECRETS = {
    "CRM_NOTIFICATIONS_SMTP_USERNAME": ("crm-notifications-smtp", "username"),
    "CRM_NOTIFICATIONS_SMTP_PASSWORD": ("crm-notifications-smtp", "password"),
    "CRM_NOTIFICATIONS_SMS_API_KEY": ("crm-notifications-providers", "sms-api-key"),
    "CRM_NOTIFICATIONS_FAX_API_KEY": ("crm-notifications-providers", "fax-api-key"),
}
SENDER = "notifications-worker"
# The letter channel's print spool: env var, mount path and the claim mounted there.
LETTER_SPOOL_ENV = "CRM_NOTIFICATIONS_LETTER_SPOOL_DIR"
LETTER_SPOOL_DIR = "/var/spool/crm-letters"
LETTER_CLAIM = "notifications-letters"
GATEWAY_ENV = {
    "CRM_GATEWAY_HTTP_PORT",
    "CRM_GATEWAY_CONTACTS_ADDR",
    "CRM_GATEWAY_NOTIFICATIONS_ADDR",
    "CRM_GATEWAY_SALES_ADDR",
    "CRM_GATEWAY_DEADLINE_SECONDS",
}
# The gateway only verifies tokens and talks gRPC: no signing key, no broker.
GATEWAY_FORBIDDEN_ENV = {"CRM_AMQP_URL", "CRM_JWT_PRIVATE_KEY_FILE"}
GATEWAY_SECRETS = {("crm-jwt-public-key", "public.pem")}
EXPECTED_ENV = {
    "contacts": SHARED_ENV | BACKEND_ENV["contacts"],
    "contacts-worker": SHARED_ENV | BACKEND_ENV["contacts"],
    "notifications": SHARED_ENV | BACKEND_ENV["notifications"] | CHANNEL_ENV,
    "notifications-worker": SHARED_ENV | BACKEND_ENV["notifications"] | CHANNEL_ENV
    | set(SENDER_SECRETS) | {LETTER_SPOOL_ENV},
    "sales": SHARED_ENV | BACKEND_ENV["sales"] | {"CRM_SALES_CONTACTS_TARGET"},
    "sales-worker": SHARED_ENV | BACKEND_ENV["sales"],
    "gateway": SHARED_ENV | GATEWAY_ENV,
}
# Credentials must come from Secrets, never from a ConfigMap or a literal.
SECRET_ENV = {
    "CRM_AMQP_URL",
    "CRM_CONTACTS_DATABASE_URL",
    "CRM_NOTIFICATIONS_DATABASE_URL",
    "CRM_SALES_DATABASE_URL",
    *SENDER_SECRETS,
}
# *_FILE env var -> (path, Secret, key) that must be mounted there.
KEY_FILES = {
    "CRM_JWT_PUBLIC_KEY_FILE": ("/etc/crm/jwt/public.pem", "crm-jwt-public-key", "public.pem"),
    # The worker signs unsubscribe links with it, the gRPC server verifies them.
    "CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE": (
        "/etc/crm/unsubscribe/secret", "crm-notifications-unsubscribe", "secret"
    ),
}
TRACING_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"


# --- helpers -----------------------------------------------------------------


def by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def generated_name(name: str) -> str:
    """Strips kustomize's content-hash suffix (contacts-config-5k2f8h9m7t -> contacts-config)."""
    return re.sub(r"-[a-z0-9]{10}$", "", name)


def pod_spec(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]


def all_containers(deployment: dict) -> list[dict]:
    spec = pod_spec(deployment)
    return spec.get("initContainers", []) + spec["containers"]


def main_container(deployment: dict) -> dict:
    containers = pod_spec(deployment)["containers"]
    assert len(containers) == 1, f"{deployment['metadata']['name']}: expected exactly one container"
    return containers[0]


def port_number(container: dict, port: int | str) -> int | None:
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    return None


def effective_env(container: dict, configmaps: dict[str, dict]) -> dict[str, tuple]:
    """Resolves a container's environment; `env` entries override `envFrom`.

    Maps each name to ("value", v), ("secret", name, key) or ("configMap", name, key).
    """
    env: dict[str, tuple] = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        if ref and ref["name"] in configmaps:
            prefix = source.get("prefix", "")
            for key, value in configmaps[ref["name"]].get("data", {}).items():
                env[prefix + key] = ("value", value)
    for var in container.get("env", []):
        value_from = var.get("valueFrom")
        if value_from is None:
            env[var["name"]] = ("value", var.get("value", ""))
        elif "secretKeyRef" in value_from:
            ref = value_from["secretKeyRef"]
            env[var["name"]] = ("secret", ref["name"], ref["key"])
        elif "configMapKeyRef" in value_from:
            ref = value_from["configMapKeyRef"]
            data = configmaps.get(ref["name"], {}).get("data", {})
            if ref["key"] in data:
                env[var["name"]] = ("value", data[ref["key"]])
            else:
                env[var["name"]] = ("configMap", ref["name"], ref["key"])
        else:
            env[var["name"]] = ("fieldRef",)
    return env


def references(objects: list[dict]) -> set[tuple[str, str, str | None]]:
    """Every (kind, name, key) a pod template refers to; key is None for whole-object refs.

    Kinds are Secret, ConfigMap and PersistentVolumeClaim.
    """
    refs: set[tuple[str, str, str | None]] = set()
    for deployment in by_kind(objects, "Deployment").values():
        spec = pod_spec(deployment)
        for container in all_containers(deployment):
            for var in container.get("env", []):
                for kind, field in (("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef")):
                    ref = var.get("valueFrom", {}).get(field)
                    if ref:
                        refs.add((kind, ref["name"], ref["key"]))
            for source in container.get("envFrom", []):
                for kind, field in (("Secret", "secretRef"), ("ConfigMap", "configMapRef")):
                    if field in source:
                        refs.add((kind, source[field]["name"], None))
        for volume in spec.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                refs.add(("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"], None))
            sources = [volume] + volume.get("projected", {}).get("sources", [])
            for source in sources:
                for kind, field, name_field in (
                    ("Secret", "secret", "secretName"),
                    ("ConfigMap", "configMap", "name"),
                ):
                    if field in source:
                        items = source[field].get("items")
                        name = source[field][name_field]
                        if items:
                            refs.update((kind, name, item["key"]) for item in items)
                        else:
                            refs.add((kind, name, None))
    return refs


def readme_table(heading: str) -> list[list[str]]:
    """Body rows (cells stripped) of the first table under deploy/README.md's `heading`."""
    text = (REPO_ROOT / "deploy" / "README.md").read_text()
    match = re.search(rf"^##+ {re.escape(heading)}\n(.*?)(?=^#)", text, re.S | re.M)
    assert match, f"deploy/README.md has no '## {heading}' section"
    rows = []
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and cells[0].startswith("`"):
            rows.append(cells)
    assert rows, f"the README's '{heading}' table is empty or unparsable"
    return rows


def operator_provided() -> set[tuple[str, str, str]]:
    """(kind, name, key) of each row of deploy/README.md's "Secrets the operator must provide"."""
    return {
        ("Secret", cells[0].strip("`"), cells[1].strip("`"))
        for cells in readme_table("Secrets the operator must provide")
    }


def documented_consumers() -> dict[tuple[str, str], set[str]]:
    """(Secret, key) -> the "Used by" column: Deployment names, `migrate`, or "all pods"."""
    consumers = {}
    for cells in readme_table("Secrets the operator must provide"):
        assert len(cells) >= 5, f"README Secrets row {cells} has no 'Used by' column"
        used_by = re.sub(r"\(.*?\)", "", cells[4]).strip()  # drop remarks like "(not the gateway)"
        if used_by == "all pods":
            names = set(DEPLOYMENTS) | {"migrate"}
        else:
            names = {n.strip().strip("`") for n in used_by.split(",") if n.strip()}
        unknown = names - set(DEPLOYMENTS) - {"migrate"}
        assert not unknown, f"README: Secret {cells[0]} is used by unknown workloads {sorted(unknown)}"
        consumers[(cells[0].strip("`"), cells[1].strip("`"))] = names
    return consumers


def container_secrets(container: dict, volumes: dict[str, dict]) -> set[tuple[str, str | None]]:
    """(Secret, key) a container reads, through env, envFrom or a mounted volume."""
    found: set[tuple[str, str | None]] = set()
    for var in container.get("env", []):
        ref = var.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            found.add((ref["name"], ref["key"]))
    for source in container.get("envFrom", []):
        if "secretRef" in source:
            found.add((source["secretRef"]["name"], None))
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        for source in [volume] + volume.get("projected", {}).get("sources", []):
            secret = source.get("secret")
            if secret:
                name = secret.get("secretName", secret.get("name"))
                items = secret.get("items") or [{"key": None}]
                found.update((name, item["key"]) for item in items)
    return found


# --- schema ------------------------------------------------------------------


def test_strict_schema_validation_rejects_unknown_fields():
    """Guards the guard: the validator used below must catch a misspelt field."""
    bad = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "x"},
        "automountToken": False,
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, K8S_VERSION, strict=True)


def test_renders_and_every_object_is_valid(objects, target):
    assert objects, f"{target} rendered nothing"
    seen = set()
    for obj in objects:
        key = (obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"])
        assert key not in seen, f"{target}: duplicate object {key}"
        seen.add(key)
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = f"{obj['kind']}/{obj['metadata']['name']}"
            pytest.fail(f"{target}: {where} is invalid: {exc.message} at {list(exc.path)}")


# --- topology and labels -----------------------------------------------------


def test_expected_objects_and_labels(objects):
    deployments = by_kind(objects, "Deployment")
    assert set(deployments) == set(DEPLOYMENTS)
    assert set(by_kind(objects, "Service")) == set(SERVICE_PORTS)
    assert set(by_kind(objects, "ServiceAccount")) == set(DEPLOYMENTS)
    assert {generated_name(n) for n in by_kind(objects, "ConfigMap")} == CONFIGMAPS
    assert set(by_kind(objects, "PersistentVolumeClaim")) == {LETTER_CLAIM}
    for claim in by_kind(objects, "PersistentVolumeClaim").values():
        assert claim["metadata"]["labels"].get("app.kubernetes.io/part-of") == "crm"

    for name, (app, component, image) in DEPLOYMENTS.items():
        deployment = deployments[name]
        expected = {
            "app.kubernetes.io/name": app,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": "crm",
        }
        template = deployment["spec"]["template"]["metadata"]
        for where, labels in (("metadata", deployment["metadata"]), ("pod template", template)):
            assert expected.items() <= labels.get("labels", {}).items(), f"{name}: {where} labels"
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= template["labels"].items()
        assert {"app.kubernetes.io/name", "app.kubernetes.io/component"} <= set(selector), (
            f"{name}: the selector must tell the gRPC server and worker apart"
        )
        for container in all_containers(deployment):
            assert re.fullmatch(rf"(.+/)?{image}(:[\w.-]+)?", container["image"]), (
                f"{name}/{container['name']}: image {container['image']}"
            )
            # The image ENTRYPOINT is the console script; manifests only pass `args`.
            assert "command" not in container, f"{name}/{container['name']}: use args, not command"
        assert main_container(deployment).get("args") == [SUBCOMMANDS[component]]


def test_services_route_to_the_right_pods(objects):
    deployments = by_kind(objects, "Deployment")
    for name, service in by_kind(objects, "Service").items():
        selector = service["spec"]["selector"]
        matched = [
            d for d, dep in deployments.items()
            if selector.items() <= dep["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert matched == [name], f"Service {name} selects {matched}"
        (port,) = service["spec"]["ports"]
        assert port["port"] == SERVICE_PORTS[name]
        assert port_number(main_container(deployments[name]), port["targetPort"]) == SERVICE_PORTS[name]


def test_pods_are_scrapable_and_terminate_gracefully(objects):
    for name, deployment in by_kind(objects, "Deployment").items():
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        assert annotations.get("prometheus.io/scrape") == "true", name
        assert annotations.get("prometheus.io/path") == "/metrics", name
        assert annotations.get("prometheus.io/port") == str(METRICS_PORTS[name]), name
        ports = {p["containerPort"] for p in main_container(deployment).get("ports", [])}
        assert METRICS_PORTS[name] in ports, f"{name}: metrics port not declared"
        assert pod_spec(deployment).get("terminationGracePeriodSeconds", 30) >= 30, name


# --- pod hardening -----------------------------------------------------------


def test_every_container_is_hardened(objects, dockerfiles):
    image_uids = {}
    for service, stages in dockerfiles.items():
        users = stages[-1].all("USER")
        image_uids[f"crm-{service}"] = int(users[-1].split(":")[0]) if users else None

    for name, deployment in by_kind(objects, "Deployment").items():
        spec = pod_spec(deployment)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in all_containers(deployment):
            where = f"{name}/{container['name']}"
            context = {**spec.get("securityContext", {}), **container.get("securityContext", {})}
            assert context.get("runAsNonRoot") is True, f"{where}: runAsNonRoot"
            uid = context.get("runAsUser")
            assert isinstance(uid, int) and uid > 0, f"{where}: numeric non-root runAsUser"
            assert uid == image_uids[DEPLOYMENTS[name][2]], f"{where}: runAsUser is not the image's USER"
            assert container.get("securityContext", {}).get("allowPrivilegeEscalation") is False, where
            assert container.get("securityContext", {}).get("readOnlyRootFilesystem") is True, where

            tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
            assert tmp and "emptyDir" in volumes[tmp[0]["name"]], f"{where}: /tmp must be an emptyDir"

            resources = container.get("resources", {})
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(section, {})), (
                    f"{where}: resources.{section} needs cpu and memory"
                )


def test_every_deployment_has_its_own_service_account(objects):
    accounts = by_kind(objects, "ServiceAccount")
    for name, deployment in by_kind(objects, "Deployment").items():
        spec = pod_spec(deployment)
        assert spec.get("serviceAccountName") == name, f"{name}: serviceAccountName"
        assert name in accounts, f"ServiceAccount {name} is not rendered"
        assert accounts[name].get("automountServiceAccountToken") is False, name
        assert spec.get("automountServiceAccountToken") is False, name


# --- probes and migrations ---------------------------------------------------


def test_grpc_servers_have_native_grpc_probes(objects):
    deployments = by_kind(objects, "Deployment")
    for name, port in GRPC_PORTS.items():
        container = main_container(deployments[name])
        assert port_number(container, "grpc") == port, f"{name}: container port 'grpc'"
        for probe in ("readinessProbe", "livenessProbe"):
            assert container.get(probe, {}).get("grpc", {}).get("port") == port, f"{name}: {probe}"


def test_workers_are_probed_on_their_metrics_port(objects):
    deployments = by_kind(objects, "Deployment")
    for name, (_, component, _) in DEPLOYMENTS.items():
        if component != "worker":
            continue
        container = main_container(deployments[name])
        for probe in ("readinessProbe", "livenessProbe"):
            http = container.get(probe, {}).get("httpGet", {})
            assert http.get("path") == "/metrics", f"{name}: {probe}"
            assert port_number(container, http.get("port")) == METRICS_PORTS[name], f"{name}: {probe}"


def test_gateway_probes(objects):
    container = main_container(by_kind(objects, "Deployment")["gateway"])
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        http = container.get(probe, {}).get("httpGet", {})
        assert http.get("path") == path, probe
        assert port_number(container, http.get("port")) == GATEWAY_PORT, probe


def test_grpc_servers_migrate_in_an_init_container(objects):
    deployments = by_kind(objects, "Deployment")
    for name in DEPLOYMENTS:
        init = pod_spec(deployments[name]).get("initContainers", [])
        if name not in GRPC_PORTS:
            assert not init, f"{name}: only the gRPC servers migrate"
            continue
        assert len(init) == 1 and init[0].get("args") == ["migrate"], f"{name}: migrate init container"
        server = main_container(deployments[name])
        for field in ("image", "env", "envFrom", "volumeMounts"):
            assert init[0].get(field) == server.get(field), f"{name}: migrate needs the server's {field}"


# --- configuration -----------------------------------------------------------


def test_referenced_secrets_and_configmaps_exist_or_are_documented(objects, target):
    rendered = {(o["kind"], o["metadata"]["name"]) for o in objects}
    configmaps = by_kind(objects, "ConfigMap")
    documented = operator_provided()
    for kind, name, key in sorted(references(objects), key=str):
        if kind == "PersistentVolumeClaim":
            assert (kind, name) in rendered, f"{target}: claim {name} is mounted but not rendered"
            continue
        if (kind, name) in rendered:
            if kind == "ConfigMap" and key is not None:
                assert key in configmaps[name].get("data", {}), f"ConfigMap {name} has no key {key}"
            continue
        if key is None:
            assert any(k == kind and n == name for k, n, _ in documented), f"{target}: {kind} {name}"
        else:
            assert (kind, name, key) in documented, (
                f"{target}: {kind} {name} key {key} is neither rendered nor listed in deploy/README.md"
            )


def test_readme_lists_no_unused_secrets(render):
    used = set()
    for target in OVERLAYS:
        used |= {(k, n, key) for k, n, key in references(render(target)) if k == "Secret"}
    stale = operator_provided() - used
    assert not stale, f"deploy/README.md documents Secrets nothing uses: {sorted(stale)}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_readme_says_who_uses_each_secret(render, overlay):
    """The "Used by" column names exactly the Deployments whose pods read the Secret key."""
    objects = render(overlay)
    actual: dict[tuple[str, str | None], set[str]] = {}
    migrating: set[tuple[str, str | None]] = set()
    for name, deployment in by_kind(objects, "Deployment").items():
        spec = pod_spec(deployment)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in all_containers(deployment):
            for ref in container_secrets(container, volumes):
                actual.setdefault(ref, set()).add(name)
        for init in spec.get("initContainers", []):
            if init.get("args") == ["migrate"]:
                migrating |= container_secrets(init, volumes)
    for ref, names in documented_consumers().items():
        assert names - {"migrate"} == actual.get(ref, set()), (
            f"{overlay}: README says Secret {ref[0]} key {ref[1]} is used by {sorted(names)}, "
            f"but the pods of {sorted(actual.get(ref, set()))} read it"
        )
        if "migrate" in names:
            assert ref in migrating, f"{overlay}: README says migrate reads Secret {ref}, it does not"


def test_readme_configmap_keys_match_the_rendered_configmaps(render):
    """Every key in the README's ConfigMaps table is rendered, and every rendered key is listed."""
    rendered: dict[str, set[str]] = {}
    for overlay in OVERLAYS:
        for name, configmap in by_kind(render(overlay), "ConfigMap").items():
            rendered.setdefault(generated_name(name), set()).update(configmap.get("data", {}))
    documented: dict[str, set[str]] = {}
    shared: set[str] = set()
    for cells in readme_table("ConfigMaps"):
        name, keys = cells[0].strip("`"), set(re.findall(r"`(CRM_\w+)`", cells[1]))
        if "shared keys above" in cells[1]:
            assert shared, f"README: {name} refers to shared keys before any are listed"
            keys |= shared
        else:
            shared = {k for k in keys if k.startswith(("CRM_JWT_", "CRM_LOG_"))}
        documented[name] = keys
    assert set(documented) == CONFIGMAPS
    for name, keys in documented.items():
        stale = keys - rendered[name]
        assert not stale, f"README lists {sorted(stale)} in {name}, which no overlay renders"
        undocumented = {k for k in rendered[name] - keys if k != TRACING_ENV}
        assert not undocumented, f"README's ConfigMaps table misses {sorted(undocumented)} in {name}"


def test_gateway_holds_no_signing_key_and_no_broker_url(objects, target):
    """The gateway verifies JWTs with the public key and calls the backends over gRPC only."""
    configmaps = by_kind(objects, "ConfigMap")
    gateway = by_kind(objects, "Deployment")["gateway"]
    spec = pod_spec(gateway)
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for container in all_containers(gateway):
        where = f"{target} gateway/{container['name']}"
        env = effective_env(container, configmaps)
        present = GATEWAY_FORBIDDEN_ENV & set(env)
        assert not present, f"{where}: must not get {sorted(present)}"
        assert not [v for v in env if "PRIVATE" in v], f"{where}: no private-key setting"
        assert container_secrets(container, volumes) == GATEWAY_SECRETS, (
            f"{where}: reads Secrets {sorted(container_secrets(container, volumes), key=str)}, "
            f"expected only {sorted(GATEWAY_SECRETS)}"
        )
        for mount in container.get("volumeMounts", []):
            assert "private" not in mount["mountPath"], f"{where}: mounts {mount['mountPath']}"
    # Nothing in the cluster signs tokens, so no pod may reference a private key Secret.
    for kind, name, key in references(objects):
        assert "private" not in name and "private" not in (key or ""), (
            f"{target}: {kind} {name} key {key}: no workload needs a JWT private key"
        )
    assert ("Secret", "crm-jwt-private-key", "private.pem") not in operator_provided()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_containers_get_the_contract_environment(render, overlay):
    objects = render(overlay)
    configmaps = by_kind(objects, "ConfigMap")
    for name, deployment in by_kind(objects, "Deployment").items():
        spec = pod_spec(deployment)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        container = main_container(deployment)
        env = effective_env(container, configmaps)
        missing = EXPECTED_ENV[name] - set(env)
        assert not missing, f"{overlay} {name}: missing env {sorted(missing)}"
        assert "OTEL_SERVICE_NAME" not in env, f"{name}: OTEL_SERVICE_NAME is set by the code"
        for var in SECRET_ENV & set(env):
            assert env[var][0] == "secret", f"{name}: {var} must come from a Secret"

        for var, (path, secret, key) in KEY_FILES.items():
            if var not in env:
                continue
            assert env[var] == ("value", path), f"{name}: {var}"
            directory, filename = path.rsplit("/", 1)
            mounts = [m for m in container.get("volumeMounts", []) if m["mountPath"] == directory]
            assert mounts, f"{name}: nothing is mounted at {directory} for {var}"
            volume = volumes[mounts[0]["name"]].get("secret", {})
            assert volume.get("secretName") == secret, f"{name}: mount Secret {secret} at {directory}"
            items = {i["key"]: i["path"] for i in volume.get("items", [{"key": key, "path": key}])}
            assert items.get(key) == filename, f"{name}: Secret {secret} key {key} must appear as {path}"

        values = {k: v[1] for k, v in env.items() if v[0] == "value"}
        service = DEPLOYMENTS[name][0].upper()
        if name in GRPC_PORTS or name.endswith("-worker"):
            server, worker = DEPLOYMENTS[name][0], f"{DEPLOYMENTS[name][0]}-worker"
            assert values[f"CRM_{service}_GRPC_PORT"] == str(GRPC_PORTS[server])
            assert values[f"CRM_{service}_METRICS_PORT"] == str(METRICS_PORTS[server])
            assert values[f"CRM_{service}_WORKER_METRICS_PORT"] == str(METRICS_PORTS[worker])
        if name.startswith("notifications"):
            assert values["CRM_NOTIFICATIONS_SMTP_TLS"] in ("none", "starttls", "ssl")
            unsubscribe = values["CRM_NOTIFICATIONS_UNSUBSCRIBE_URL"]
            assert re.fullmatch(r"https?://[^/\s]+/v1/unsubscribe", unsubscribe), (
                f"{overlay} {name}: CRM_NOTIFICATIONS_UNSUBSCRIBE_URL={unsubscribe!r} must be the "
                "gateway's public /v1/unsubscribe"
            )
            if overlay == "overlays/production":
                assert unsubscribe.startswith("https://"), f"{name}: unsubscribe links must use https"
        if name == "gateway":
            assert values["CRM_GATEWAY_HTTP_PORT"] == str(GATEWAY_PORT)
            assert values["CRM_GATEWAY_CONTACTS_ADDR"] == f"contacts:{GRPC_PORTS['contacts']}"
            notifications_addr = f"notifications:{GRPC_PORTS['notifications']}"
            assert values["CRM_GATEWAY_NOTIFICATIONS_ADDR"] == notifications_addr


def test_tracing_is_on_exactly_in_the_overlays(objects, target):
    configmaps = by_kind(objects, "ConfigMap")
    for name, deployment in by_kind(objects, "Deployment").items():
        for container in all_containers(deployment):
            endpoint = effective_env(container, configmaps).get(TRACING_ENV)
            if target == "base":
                assert endpoint is None, f"base must not enable tracing ({name})"
            else:
                where = f"{target} {name}/{container['name']}"
                assert endpoint and endpoint[0] == "value", f"{where}: {TRACING_ENV} = {endpoint}"
                assert re.fullmatch(r"https?://\S+", endpoint[1]), f"{where}: {TRACING_ENV} = {endpoint}"


# --- overlays ----------------------------------------------------------------


def test_dev_overlay(render):
    objects = render("overlays/dev")
    for obj in objects:
        assert obj["metadata"].get("namespace") == "crm-dev", f"{obj['kind']}/{obj['metadata']['name']}"
    assert not by_kind(objects, "NetworkPolicy"), "dev does not switch on the network-policy component"


def test_production_overlay_pins_images_and_scales(render):
    objects = render("overlays/production")
    namespaces = {o["metadata"].get("namespace") for o in objects}
    assert len(namespaces) == 1 and None not in namespaces, f"production namespaces: {namespaces}"
    for name, deployment in by_kind(objects, "Deployment").items():
        assert deployment["spec"].get("replicas", 1) >= 2, f"{name}: production runs at least 2 replicas"
        for container in all_containers(deployment):
            image = container["image"]
            assert "/" in image and ":" in image.rsplit("/", 1)[1], (
                f"{name}: {image} must be registry/name:tag"
            )
            assert not image.endswith(":latest"), f"{name}: {image}"


# --- network policies --------------------------------------------------------


def selects(selector: dict, labels: dict) -> bool:
    unknown = set(selector) - {"matchLabels", "matchExpressions"}
    assert not unknown, f"unexpected selector fields {unknown}"
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }[op]
        if not ok:
            return False
    return True


def ingress_allowed(policies: list[dict], pod: dict, port: int, peer: dict) -> bool:
    """Whether NetworkPolicies let `peer` reach `pod` on TCP `port`.

    pod and peer are dicts of labels, namespace and ns_labels; pod also has its container
    (to resolve named ports).
    """
    applicable = [
        p for p in policies
        if p["metadata"]["namespace"] == pod["namespace"]
        and "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
        and selects(p["spec"]["podSelector"], pod["labels"])
    ]
    if not applicable:
        return True
    for policy in applicable:
        for rule in policy["spec"].get("ingress", []):
            ports = rule.get("ports")
            if ports and not any(
                p.get("protocol", "TCP") == "TCP" and port_number(pod["container"], p["port"]) == port
                for p in ports
            ):
                continue
            peers = rule.get("from")
            if not peers:
                return True
            for source in peers:
                assert "ipBlock" not in source, "extend this evaluator for ipBlock peers"
                if "namespaceSelector" in source:
                    ns_ok = selects(source["namespaceSelector"], peer["ns_labels"])
                else:
                    ns_ok = peer["namespace"] == policy["metadata"]["namespace"]
                pod_ok = selects(source.get("podSelector", {}), peer["labels"])
                if ns_ok and pod_ok:
                    return True
    return False


def test_network_policies_only_in_production(objects, target):
    policies = by_kind(objects, "NetworkPolicy")
    if target != "overlays/production":
        assert not policies, f"{target} must not render NetworkPolicies"
        return

    namespace = next(iter(policies.values()))["metadata"]["namespace"]
    ns_labels = {"kubernetes.io/metadata.name": namespace}
    pods = {
        name: {
            "labels": d["spec"]["template"]["metadata"]["labels"],
            "namespace": namespace,
            "ns_labels": ns_labels,
            "container": main_container(d),
        }
        for name, d in by_kind(objects, "Deployment").items()
    }
    stranger = {
        "labels": {"app": "other"},
        "namespace": namespace,
        "ns_labels": ns_labels,
        "container": {},
    }
    outside = {
        "labels": {},
        "namespace": "elsewhere",
        "ns_labels": {"kubernetes.io/metadata.name": "elsewhere"},
    }
    monitoring = {
        "labels": {"app": "prometheus"},
        "namespace": "monitoring",
        "ns_labels": {"kubernetes.io/metadata.name": "monitoring"},
    }
    rules = list(policies.values())

    def allowed(pod, port, peer):
        return ingress_allowed(rules, pod, port, peer)

    # Default deny: even unknown pods and ports are closed.
    assert not allowed(stranger, 80, outside), "ingress is not denied by default"
    for name, pod in pods.items():
        assert not allowed(pod, 12345, pods["gateway"]), f"{name}: unexpected open port"

    for peer in (outside, stranger, monitoring, pods["contacts"]):
        assert allowed(pods["gateway"], GATEWAY_PORT, peer), "the gateway must accept anyone"

    for name, port in GRPC_PORTS.items():
        assert allowed(pods[name], port, pods["gateway"]), f"gateway -> {name}:{port}"
        callers = GRPC_CALLERS.get(name, set())
        for caller in callers:
            assert allowed(pods[name], port, pods[caller]), f"{caller} -> {name}:{port}"
        for peer in (outside, stranger, monitoring, *(p for n, p in pods.items() if n != "gateway" and n not in callers)):
            assert not allowed(pods[name], port, peer), f"{name}:{port} must only accept the gateway and {sorted(callers)}"

    for name, port in METRICS_PORTS.items():
        assert allowed(pods[name], port, monitoring), f"monitoring -> {name}:{port}"
        if name != "gateway":
            for peer in (outside, stranger, pods["gateway"]):
                assert not allowed(pods[name], port, peer), f"{name}:{port} must only accept monitoring"



# --- notifications channels --------------------------------------------------


def raw_env(container: dict) -> dict[str, dict]:
    return {var["name"]: var for var in container.get("env", [])}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_worker_gets_sending_credentials(render, overlay):
    """SMTP login and provider API keys reach the worker, from their Secrets, optionally."""
    objects = render(overlay)
    configmaps = by_kind(objects, "ConfigMap")
    for name, deployment in by_kind(objects, "Deployment").items():
        for container in all_containers(deployment):
            where = f"{overlay} {name}/{container['name']}"
            env = effective_env(container, configmaps)
            if name != SENDER:
                present = set(SENDER_SECRETS) & set(env)
                assert not present, f"{where}: sends nothing, so must not get {sorted(present)}"
                continue
            for var, (secret, key) in SENDER_SECRETS.items():
                assert env.get(var) == ("secret", secret, key), f"{where}: {var} from Secret {secret} key {key}"
                ref = raw_env(container)[var]["valueFrom"]["secretKeyRef"]
                assert ref.get("optional") is True, f"{where}: {var} must be optional (a site may lack it)"


def test_worker_writes_only_tmp_and_the_letter_spool(objects, target):
    """Read-only root everywhere; the worker's only writable paths are /tmp and the spool claim."""
    configmaps = by_kind(objects, "ConfigMap")
    for name, deployment in by_kind(objects, "Deployment").items():
        spec = pod_spec(deployment)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in all_containers(deployment):
            where = f"{target} {name}/{container['name']}"
            writable = {
                m["mountPath"]: volumes[m["name"]]
                for m in container.get("volumeMounts", [])
                if not m.get("readOnly")
            }
            expected = {"/tmp", LETTER_SPOOL_DIR} if name == SENDER else {"/tmp"}
            assert set(writable) == expected, f"{where}: writable mounts {sorted(writable)}"
            if name != SENDER:
                continue
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, where
            claim = writable[LETTER_SPOOL_DIR].get("persistentVolumeClaim", {})
            assert claim.get("claimName") == LETTER_CLAIM, f"{where}: {LETTER_SPOOL_DIR} must be {LETTER_CLAIM}"
            assert not claim.get("readOnly"), f"{where}: the spool claim must be writable"
            env = effective_env(container, configmaps)
            assert env.get(LETTER_SPOOL_ENV) == ("value", LETTER_SPOOL_DIR), f"{where}: {LETTER_SPOOL_ENV}"
        # Only the worker spools letters; the gRPC server has no business with the claim.
        mounted = {v["persistentVolumeClaim"]["claimName"] for v in volumes.values() if "persistentVolumeClaim" in v}
        assert mounted == ({LETTER_CLAIM} if name == SENDER else set()), f"{target} {name}: claims {mounted}"


def test_unsubscribe_secret_is_shared_by_the_server_and_the_worker(objects, target):
    """The worker signs unsubscribe links, the server verifies them: both mount the same key."""
    configmaps = by_kind(objects, "ConfigMap")
    deployments = by_kind(objects, "Deployment")
    path, secret, key = KEY_FILES["CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE"]
    for name in ("notifications", "notifications-worker"):
        container = main_container(deployments[name])
        volumes = {v["name"]: v for v in pod_spec(deployments[name])["volumes"]}
        env = effective_env(container, configmaps)
        assert env.get("CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE") == ("value", path), f"{target} {name}"
        assert (secret, key) in container_secrets(container, volumes), f"{target} {name}: mount {secret}"
        for volume in volumes.values():
            if volume.get("secret", {}).get("secretName") == secret:
                # Required: without it marketing messages would silently lose their unsubscribe link.
                assert not volume["secret"].get("optional"), f"{target} {name}: {secret} must not be optional"
    for name in ("contacts", "contacts-worker", "gateway"):
        spec = pod_spec(deployments[name])
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in all_containers(deployments[name]):
            assert (secret, key) not in container_secrets(container, volumes), f"{target} {name}: {secret}"


def test_letter_claim_per_target(objects, target):
    """ReadWriteMany in the base (a print service mounts it too); the class is each overlay's choice."""
    claim = by_kind(objects, "PersistentVolumeClaim")[LETTER_CLAIM]
    spec = claim["spec"]
    assert spec["resources"]["requests"].get("storage"), f"{target}: the claim requests no storage"
    if target == "base":
        assert spec["accessModes"] == ["ReadWriteMany"], f"base: {spec['accessModes']}"
        assert "storageClassName" not in spec, "base: the StorageClass is left to the overlays"
    elif target == "overlays/dev":
        # kind's and k3s's local-path provisioners only offer ReadWriteOnce; one node, so it is enough.
        assert spec["accessModes"] == ["ReadWriteOnce"], f"dev: {spec['accessModes']}"
        assert "storageClassName" not in spec, "dev uses the cluster's default StorageClass"
    else:
        assert spec["accessModes"] == ["ReadWriteMany"], f"{target}: {spec['accessModes']}"
        assert spec.get("storageClassName"), f"{target}: choose a ReadWriteMany StorageClass"


def _notifications_environ(container: dict, configmaps: dict[str, dict]) -> dict[str, str]:
    """The container's environment as the process sees it, with placeholders for Secret values."""
    environ = {}
    for var, source in effective_env(container, configmaps).items():
        environ[var] = source[1] if source[0] == "value" else f"placeholder-{var.lower()}"
    return environ


def test_base_carries_the_services_defaults(render):
    """The documented defaults are in the base ConfigMap, exactly as the code would default them."""
    from crm_notifications.config import NotificationsSettings

    defaults = {f"CRM_NOTIFICATIONS_{f.name.upper()}": f.default for f in dataclasses.fields(NotificationsSettings)}
    (configmap,) = [c for n, c in by_kind(render("base"), "ConfigMap").items() if generated_name(n) == "notifications-config"]
    data = configmap["data"]
    for var in CODE_DEFAULT_ENV:
        assert var in data, f"base notifications-config lacks {var}"
        assert data[var] == str(defaults[var]), f"base {var}={data[var]!r}, the code's default is {defaults[var]!r}"
    present = SITE_SPECIFIC_ENV & set(data)
    assert not present, f"base sets site-specific {sorted(present)}: leave them to the overlays"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_notifications_settings_load_and_build_every_channel(render, overlay):
    """What an overlay renders is accepted by the service: known names, valid values, all channels."""
    # Imported here, not at the top: the other checks must still run while the services are edited.
    from crm_chassis.settings import env_names, load
    from crm_notifications.bootstrap import channels
    from crm_notifications.config import NotificationsSettings

    known = set()
    for field in dataclasses.fields(NotificationsSettings):
        known.update(env_names("notifications", field.name))
    objects = render(overlay)
    configmaps = by_kind(objects, "ConfigMap")
    for name in ("notifications", "notifications-worker"):
        container = main_container(by_kind(objects, "Deployment")[name])
        environ = _notifications_environ(container, configmaps)
        unknown = {v for v in environ if v.startswith("CRM_") and v not in known}
        assert not unknown, f"{overlay} {name}: no setting reads {sorted(unknown)} (typo?)"
        settings = load(NotificationsSettings, "notifications", environ)  # raises on a malformed value
        zoneinfo.ZoneInfo(settings.default_time_zone)
        assert str(settings.unsubscribe_secret_file) == KEY_FILES["CRM_NOTIFICATIONS_UNSUBSCRIBE_SECRET_FILE"][0]
        if name == SENDER:
            assert str(settings.letter_spool_dir) == LETTER_SPOOL_DIR
            built = channels(settings)  # what the worker does at start: bad provider URLs raise here
            assert set(built) == {"email", "sms", "fax", "letter", "phone"}, f"{overlay}: channels {sorted(built)}"
            assert settings.sms_api_key and settings.fax_api_key, f"{overlay}: the API keys reach the worker"
    if overlay == "overlays/production":
        assert settings.rate_limits, "production throttles its channels (CRM_NOTIFICATIONS_RATE_LIMITS)"


def test_readme_describes_the_letter_spool_and_the_call_center_queue(render):
    """The operator learns what the print service mounts and which queue the call center reads."""
    text = (REPO_ROOT / "deploy" / "README.md").read_text()
    for needle in (LETTER_CLAIM, LETTER_SPOOL_DIR, "ReadWriteMany", "crm.phone-tasks", "crm.phone-task-outcomes"):
        assert needle in text, f"deploy/README.md does not mention {needle}"
    objects = render("overlays/production")
    (configmap,) = [c for n, c in by_kind(objects, "ConfigMap").items() if generated_name(n) == "notifications-config"]
    assert f"`{configmap['data']['CRM_NOTIFICATIONS_PHONE_TASK_QUEUE']}`" in text
    claim = by_kind(objects, "PersistentVolumeClaim")[LETTER_CLAIM]
    assert f"`{claim['spec']['storageClassName']}`" in text, "README: name the production StorageClass placeholder"
