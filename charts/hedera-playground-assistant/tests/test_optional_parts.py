"""Ingress + BackendConfig, metrics monitors, NetworkPolicy, and turning parts off."""

from conftest import RELEASE, render, render_error


def test_ingress_carries_a_backend_config_that_keeps_websockets_open():
    rendered = render({"ingress": {"enabled": True, "host": "assistant.example.com"}, "service": {"type": "ClusterIP"}})
    backend = rendered.one("BackendConfig")
    assert backend["apiVersion"] == "cloud.google.com/v1"
    assert backend["spec"]["timeoutSec"] == 3600
    assert backend["spec"]["healthCheck"]["requestPath"] == "/api/playground/assistant/health"
    assert backend["spec"]["healthCheck"]["port"] == 3001
    svc = rendered.one("Service", RELEASE)
    assert svc["metadata"]["annotations"]["cloud.google.com/backend-config"] == \
        '{"default": "%s"}' % backend["metadata"]["name"]
    ingress = rendered.one("Ingress")
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "assistant.example.com"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": RELEASE, "port": {"name": "http"}}


def test_no_backend_config_annotation_without_ingress(defaults):
    assert "BackendConfig" not in defaults.kinds()
    assert "annotations" not in defaults.one("Service", RELEASE)["metadata"]


def test_pod_monitoring_scrapes_the_metrics_port_for_managed_prometheus():
    rendered = render({"metrics": {"podMonitoring": {"enabled": True}}})
    pm = rendered.one("PodMonitoring")
    assert pm["apiVersion"] == "monitoring.googleapis.com/v1"
    assert pm["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]
    assert pm["spec"]["selector"]["matchLabels"] == rendered.deployment["spec"]["selector"]["matchLabels"]


def test_service_monitor_selects_only_the_metrics_service():
    rendered = render({"metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prom"}}}})
    sm = rendered.one("ServiceMonitor")
    assert sm["metadata"]["labels"]["release"] == "prom"
    selector = sm["spec"]["selector"]["matchLabels"]
    matching = [s for s in rendered.all("Service")
                if all(s["metadata"]["labels"].get(k) == v for k, v in selector.items())]
    assert [s["metadata"]["name"] for s in matching] == [f"{RELEASE}-metrics"]


def test_metrics_off_removes_port_and_service_but_keeps_metrics_off_the_public_port():
    rendered = render({"metrics": {"enabled": False}})
    assert [p["name"] for p in rendered.container["ports"]] == ["http"]
    assert [s["metadata"]["name"] for s in rendered.all("Service")] == [RELEASE]
    # The server's METRICS_PORT default (0) means "on the main port": the chart always sets its own.
    assert rendered.config["METRICS_PORT"] == "9464"


def test_network_policy_admits_chat_and_scrapes_and_limits_egress():
    rendered = render({"networkPolicy": {"enabled": True, "allowExternalEgress": False}})
    spec = rendered.one("NetworkPolicy")["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    http_rule, metrics_rule = spec["ingress"]
    assert http_rule == {"ports": [{"port": "http", "protocol": "TCP"}]}  # from anywhere: behind the LB
    assert metrics_rule["ports"] == [{"port": "metrics", "protocol": "TCP"}]
    assert metrics_rule["from"] == [{"namespaceSelector": {}}]
    egress_ports = {(p["port"], p["protocol"]) for rule in spec["egress"] for p in rule.get("ports", [])}
    assert {(53, "UDP"), (53, "TCP"), (443, "TCP"), (988, "TCP")} <= egress_ports


def test_network_policy_without_external_access_admits_labelled_clients_and_the_test_pod():
    rendered = render({"networkPolicy": {"enabled": True, "allowExternal": False}})
    http_rule = rendered.one("NetworkPolicy")["spec"]["ingress"][0]
    label = f"{RELEASE}-client"
    assert http_rule["from"] == [{"podSelector": {"matchLabels": {label: "true"}}}]
    assert rendered.one("Pod")["metadata"]["labels"][label] == "true"


def test_helm_test_pod_checks_health_through_the_service_and_is_hardened(defaults):
    pod = defaults.one("Pod")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    (c,) = pod["spec"]["containers"]
    assert c["args"][-1] == f"http://{RELEASE}.playground.svc:80/api/playground/assistant/health"
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert pod["spec"]["automountServiceAccountToken"] is False
    assert "Pod" not in render({"tests": {"enabled": False}}).kinds()


def test_rate_limits_and_extra_env_reach_the_config():
    rendered = render({"rateLimits": {"connectionsPerMinute": 30, "chatsPerMinute": 10, "concurrentAnswers": 2,
                                      "socketsPerUser": 3, "dailyTokenLimit": 0},
                       "corsOrigins": ["https://a.example.com", "https://b.example.com"],
                       "env": {"FEATURE_X": "on"}})
    config = rendered.config
    assert config["RATE_LIMIT_CONNECTIONS_PER_MINUTE"] == "30"
    assert config["RATE_LIMIT_CHATS_PER_MINUTE"] == "10"
    assert config["RATE_LIMIT_CONCURRENT_ANSWERS"] == "2"
    assert config["RATE_LIMIT_SOCKETS_PER_USER"] == "3"
    assert config["DAILY_TOKEN_LIMIT"] == "0"
    assert config["CORS_ORIGINS"] == "https://a.example.com,https://b.example.com"
    assert config["FEATURE_X"] == "on"


def test_default_install_has_per_client_limits_on(defaults):
    # A plain `helm install` is a public LoadBalancer: it must not be an open relay for the OpenAI key.
    config = defaults.config
    assert config["RATE_LIMIT_CONNECTIONS_PER_MINUTE"] == "30"
    assert config["RATE_LIMIT_CHATS_PER_MINUTE"] == "10"
    assert config["RATE_LIMIT_CONCURRENT_ANSWERS"] == "2"
    assert config["RATE_LIMIT_SOCKETS_PER_USER"] == "4"
    assert config["DAILY_TOKEN_LIMIT"] == "200000"


def test_default_install_sees_client_ips(defaults):
    # Per-IP limits need the client address: a pass-through LoadBalancer with Local traffic policy, no proxy hop.
    service = defaults.one("Service", "hedera-playground-assistant")
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["externalTrafficPolicy"] == "Local"
    assert defaults.config["TRUSTED_PROXY_HOPS"] == "0"


def test_trusted_proxy_hops_follow_the_front_end():
    # Behind the Ingress every request comes from Google's proxy: without one trusted hop all clients would share one bucket.
    assert render({"ingress": {"enabled": True}, "service": {"type": "ClusterIP"}}).config["TRUSTED_PROXY_HOPS"] == "1"
    assert render({"ingress": {"enabled": True}, "trustedProxyHops": 2}).config["TRUSTED_PROXY_HOPS"] == "2"


def test_rate_limits_turn_off_with_zero_or_fall_back_to_the_server_default_with_null():
    config = render({"rateLimits": {"chatsPerMinute": 0, "dailyTokenLimit": None}}).config
    assert config["RATE_LIMIT_CHATS_PER_MINUTE"] == "0"
    assert "DAILY_TOKEN_LIMIT" not in config
    assert config["RATE_LIMIT_CONCURRENT_ANSWERS"] == "2"


def test_gateway_identity_and_a_monthly_budget_reach_the_config(defaults):
    # The Playground's deployment: the user from its gateway's header, 100,000 tokens a calendar month.
    config = render({"auth": {"mode": "gateway", "gatewayHeader": "x-portal-user"}, "rateLimits": {"dailyTokenLimit": 100000, "tokenBudgetPeriod": "month"}}).config
    assert config["AUTH_MODE"] == "gateway"
    assert config["AUTH_GATEWAY_HEADER"] == "x-portal-user"
    assert config["DAILY_TOKEN_LIMIT"] == "100000"
    assert config["TOKEN_BUDGET_PERIOD"] == "month"
    # Unset, they keep the server's defaults (x-user-id, a UTC day).
    assert "AUTH_GATEWAY_HEADER" not in defaults.config
    assert "TOKEN_BUDGET_PERIOD" not in defaults.config
    assert "tokenBudgetPeriod" in render_error({"rateLimits": {"tokenBudgetPeriod": "week"}})
    assert "gatewayHeader" in render_error({"auth": {"mode": "gateway", "gatewayHeader": "authorization"}})


def test_observability_sets_the_trace_settings_only_when_given(defaults):
    assert not [k for k in defaults.config if k.startswith("OTEL_") or k == "GOOGLE_CLOUD_PROJECT"]
    rendered = render({"observability": {"googleCloudProject": "my-project-1",
                                         "tracing": {"endpoint": "https://telemetry.googleapis.com", "ratio": 0.25}}})
    assert rendered.config["GOOGLE_CLOUD_PROJECT"] == "my-project-1"
    assert rendered.config["OTEL_EXPORTER_OTLP_ENDPOINT"] == "https://telemetry.googleapis.com"
    assert rendered.config["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio"
    assert rendered.config["OTEL_TRACES_SAMPLER_ARG"] == "0.25"
