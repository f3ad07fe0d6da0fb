"""Bad values fail `helm template` (and so `helm install`) with a message naming the value."""

import subprocess

import pytest

from conftest import CHART, HELM, KUBE_VERSION, render_error

SCHEMA_HEADER = "values don't meet the specifications of the schema(s)"

# (values, the message fragment helm's schema check must print)
SCHEMA_CASES = [
    ({"service": {"type": "Foo"}}, "at '/service/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'"),
    ({"replicaCount": -1}, "at '/replicaCount': minimum: got -1, want 1"),
    ({"auth": {"mode": "basic"}}, "at '/auth/mode': value must be one of 'none', 'token', 'jwt'"),
    ({"rateLimits": {"chatsPerMinute": "ten"}}, "at '/rateLimits/chatsPerMinute': got string, want null or integer"),
    ({"service": {"port": "80"}}, "at '/service/port': got string, want integer"),
    ({"replicas": 3}, "additional properties 'replicas' not allowed"),
    ({"openai": {"apikey": "x"}}, "at '/openai': additional properties 'apikey' not allowed"),
    ({"logLevel": "verbose"}, "at '/logLevel': value must be one of"),
    ({"metrics": {"port": 80}}, "at '/metrics/port': minimum: got 80, want 1,024"),
    ({"openai": {"apiKeySecretVersion": "OPENAI_API_KEY"}}, "at '/openai/apiKeySecretVersion'"),
    ({"redis": {"url": "redis://:hunter2@10.0.0.3:6379"}}, "at '/redis/url'"),
    ({"redis": {"url": "http://10.0.0.3"}}, "at '/redis/url'"),
    ({"env": {"LIMIT": 5}}, "at '/env/LIMIT': got number, want string"),
    ({"admin": {"generate": "yes"}}, "at '/admin/generate': got string, want boolean"),
    # (helm's validator prints a wrong location for propertyNames errors; the name and rule are right)
    ({"env": {"bad-name": "x"}}, "invalid propertyName 'bad-name'"),
    ({"ingress": {"backendConfig": {"timeoutSec": 30}}}, "at '/ingress/backendConfig/timeoutSec': minimum: got 30, want 60"),
    # null removes a default in helm; Autopilot needs both requests
    ({"resources": {"requests": {"memory": None}}}, "at '/resources/requests': missing property 'memory'"),
    ({"image": {"digest": "latest"}}, "at '/image/digest'"),
    ({"serviceAccount": {"annotations": {"iam.gke.io/gcp-service-account": "not-an-email"}}},
     "at '/serviceAccount/annotations/iam.gke.io~1gcp-service-account'"),
    ({"terminationGracePeriodSeconds": "30"}, "at '/terminationGracePeriodSeconds': got string, want integer"),
    ({"llm": {"provider": "gemini"}}, "at '/llm/provider': value must be one of '', 'openai', 'vertex', 'offline'"),
    ({"vertex": {"model": "gemini-2.5-flash"}}, "at '/vertex/model'"),
    ({"byok": {"kmsKeyName": "projects/p/keyRings/r"}}, "at '/byok/kmsKeyName'"),
    ({"byok": {"models": ["gpt 4o"]}}, "at '/byok/models/0'"),
]


@pytest.mark.parametrize("values,message", SCHEMA_CASES, ids=[str(v) for v, _ in SCHEMA_CASES])
def test_schema_rejects_bad_values_with_a_clear_message(values, message):
    error = render_error(values)
    assert SCHEMA_HEADER in error
    assert message in error, error


# Rules that span several values, enforced by the templates (fail) with a message naming the values.
TEMPLATE_CASES = [
    ({"llm": {"provider": "vertex"}, "vertex": {"project": "my-project"}}, "llm.provider=vertex needs vertex.project and vertex.location"),
    ({"byok": {"kmsKeyName": "projects/p/locations/global/keyRings/r/cryptoKeys/k", "localKeySecretVersion": "projects/p/secrets/s/versions/1"}},
     "byok: set only one of byok.kmsKeyName (Cloud KMS) and byok.localKeySecretVersion"),
    ({"byok": {"models": ["gpt-4o-mini"]}}, "byok.models needs byok.kmsKeyName or byok.localKeySecretVersion"),
    ({"env": {"BYOK_LOCAL_KEY": "x"}}, "env.BYOK_LOCAL_KEY: secrets don't go in env"),
    ({"terminationGracePeriodSeconds": 10},
     "terminationGracePeriodSeconds (10) must be greater than preStopSleepSeconds (5) + shutdownGraceMs/1000 (8) + 1 = 14"),
    ({"terminationGracePeriodSeconds": 14}, "must be greater than preStopSleepSeconds"),
    ({"shutdownGraceMs": 30000}, "terminationGracePeriodSeconds (30) must be greater than"),
    ({"openai": {"apiKey": "sk-x", "existingSecret": "s"}},
     "openai: set only one of openai.apiKeySecretVersion, openai.existingSecret, openai.apiKey"),
    ({"auth": {"mode": "token"}}, "auth.mode=token needs the tokens"),
    ({"auth": {"mode": "jwt"}}, "auth.mode=jwt needs a key"),
    ({"redis": {"url": "redis://r:6379", "existingSecret": "r"}}, "redis: set only one of redis.url and redis.existingSecret"),
    ({"admin": {"existingSecret": "a", "tokenSecretVersion": "projects/p/secrets/a/versions/1"}}, "admin: set only one of"),
    ({"metrics": {"port": 3001}}, "metrics.port (3001) must differ from containerPort (3001)"),
    ({"metrics": {"enabled": False, "port": 3001}}, "metrics.port (3001) must differ from containerPort (3001)"),
    ({"metrics": {"enabled": False, "podMonitoring": {"enabled": True}}}, "need metrics.enabled=true"),
    ({"autoscaling": {"minReplicas": 5, "maxReplicas": 2}}, "autoscaling.minReplicas (5) must not exceed autoscaling.maxReplicas (2)"),
    ({"pdb": {"minAvailable": 1, "maxUnavailable": 1}}, "pdb: set only one of pdb.minAvailable and pdb.maxUnavailable"),
    ({"env": {"AUTH_MODE": "token"}}, "env.AUTH_MODE: this variable is set by the chart"),
]


@pytest.mark.parametrize("values,message", TEMPLATE_CASES, ids=[str(v) for v, _ in TEMPLATE_CASES])
def test_templates_reject_inconsistent_values_with_a_clear_message(values, message):
    error = render_error(values)
    assert message in error, error


def test_lint_reports_the_schema_failure_too():
    result = subprocess.run([HELM, "lint", "--strict", str(CHART), "--kube-version", KUBE_VERSION,
                             "--set", "service.type=Foo"], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "at '/service/type': value must be one of" in result.stdout + result.stderr


def test_kubernetes_older_than_1_30_is_refused():
    result = subprocess.run([HELM, "template", "x", str(CHART), "--kube-version", "1.29.0"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "chart requires kubeVersion: >=1.30.0-0" in result.stderr
