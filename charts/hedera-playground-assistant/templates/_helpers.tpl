{{/*
Names, labels, the image reference, the env wiring and the cross-field checks of values.
*/}}

{{- define "assistant.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: release name + chart name, unless the release name already contains the chart name
(release "hedera-playground-assistant" -> "hedera-playground-assistant"), or fullnameOverride.
*/}}
{{- define "assistant.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "assistant.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "assistant.selectorLabels" -}}
app.kubernetes.io/name: {{ include "assistant.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "assistant.labels" -}}
helm.sh/chart: {{ include "assistant.chart" . }}
{{ include "assistant.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hedera-playground
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* metadata.annotations block (indented for metadata, with its own leading newline) for every resource:
commonAnnotations merged with the resource's own. Use as {{- include "assistant.annotations" (dict "context" . "extra" $map) }}. */}}
{{- define "assistant.annotations" -}}
{{- $all := merge (deepCopy (default dict .extra)) (deepCopy (default dict .context.Values.commonAnnotations)) }}
{{- with $all }}
{{- printf "\n  annotations:\n%s" (toYaml . | indent 4) }}
{{- end }}
{{- end }}

{{- define "assistant.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "assistant.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "assistant.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Label a pod needs to reach the chat port when networkPolicy.allowExternal is false. */}}
{{- define "assistant.clientLabel" -}}
{{- printf "%s-client" (include "assistant.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of the chart-made Secret (only when openai.apiKey is given). */}}
{{- define "assistant.secretName" -}}
{{- include "assistant.fullname" . }}
{{- end }}

{{/* Name of the chart-made admin token Secret (admin-secret.yaml): <fullname>-admin, kept within 63 characters. */}}
{{- define "assistant.adminSecretName" -}}
{{- printf "%s-admin" (include "assistant.fullname" . | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/* "true" when the chart generates the admin token: admin.generate and no other admin token source. */}}
{{- define "assistant.adminGenerated" -}}
{{- if and .Values.admin.generate (not .Values.admin.tokenSecretVersion) (not .Values.admin.existingSecret) }}true{{ end }}
{{- end }}

{{/*
Non-secret settings, as a dict of env var name -> string. Rendered into the ConfigMap.
Secret Manager version names (X_SECRET) are references, not secrets, so they belong here too.
*/}}
{{- define "assistant.configEnv" -}}
{{- $v := .Values }}
{{- $e := dict }}
{{- $_ := set $e "NODE_ENV" $v.nodeEnv }}
{{- $_ := set $e "HOST" "0.0.0.0" }}
{{- $_ := set $e "PORT" (toString $v.containerPort) }}
{{- $_ := set $e "LOG_LEVEL" $v.logLevel }}
{{- $_ := set $e "SHUTDOWN_GRACE_MS" (toString $v.shutdownGraceMs) }}
{{- $_ := set $e "TRUSTED_PROXY_HOPS" (include "assistant.trustedProxyHops" .) }}
{{- if not (kindIs "invalid" $v.resumeGraceMs) }}{{ $_ := set $e "RESUME_GRACE_MS" (toString $v.resumeGraceMs) }}{{ end }}
{{- with $v.corsOrigins }}{{ $_ := set $e "CORS_ORIGINS" (join "," .) }}{{ end }}
{{- /* OpenAI */}}
{{- $_ := set $e "OPENAI_MODEL" $v.openai.model }}
{{- with $v.openai.baseUrl }}{{ $_ := set $e "OPENAI_BASE_URL" . }}{{ end }}
{{- with $v.openai.apiKeySecretVersion }}{{ $_ := set $e "OPENAI_API_KEY_SECRET" . }}{{ end }}
{{- /* Provider and users' own keys */}}
{{- with $v.llm.provider }}{{ $_ := set $e "LLM_PROVIDER" . }}{{ end }}
{{- if eq $v.llm.provider "vertex" }}
{{- $_ := set $e "VERTEX_PROJECT" $v.vertex.project }}
{{- $_ := set $e "VERTEX_LOCATION" $v.vertex.location }}
{{- $_ := set $e "VERTEX_MODEL" $v.vertex.model }}
{{- end }}
{{- with $v.byok.kmsKeyName }}{{ $_ := set $e "BYOK_KMS_KEY_NAME" . }}{{ end }}
{{- with $v.byok.localKeySecretVersion }}{{ $_ := set $e "BYOK_LOCAL_KEY_SECRET" . }}{{ end }}
{{- with $v.byok.models }}{{ $_ := set $e "BYOK_MODELS" (join "," .) }}{{ end }}
{{- /* Auth */}}
{{- $_ := set $e "AUTH_MODE" $v.auth.mode }}
{{- with $v.auth.gatewayHeader }}{{ $_ := set $e "AUTH_GATEWAY_HEADER" . }}{{ end }}
{{- with $v.auth.tokensSecretVersion }}{{ $_ := set $e "API_TOKENS_SECRET" . }}{{ end }}
{{- with $v.auth.jwt.secretVersion }}{{ $_ := set $e "JWT_SECRET_SECRET" . }}{{ end }}
{{- with $v.auth.jwt.jwksUrl }}{{ $_ := set $e "JWT_JWKS_URL" . }}{{ end }}
{{- with $v.auth.jwt.issuer }}{{ $_ := set $e "JWT_ISSUER" . }}{{ end }}
{{- with $v.auth.jwt.audience }}{{ $_ := set $e "JWT_AUDIENCE" . }}{{ end }}
{{- with $v.admin.tokenSecretVersion }}{{ $_ := set $e "ADMIN_TOKEN_SECRET" . }}{{ end }}
{{- /* Rate limits: null keeps the server default */}}
{{- $limits := dict "connectionsPerMinute" "RATE_LIMIT_CONNECTIONS_PER_MINUTE" "chatsPerMinute" "RATE_LIMIT_CHATS_PER_MINUTE" "concurrentAnswers" "RATE_LIMIT_CONCURRENT_ANSWERS" "socketsPerUser" "RATE_LIMIT_SOCKETS_PER_USER" "dailyTokenLimit" "DAILY_TOKEN_LIMIT" }}
{{- range $key, $envName := $limits }}
{{- $val := index $v.rateLimits $key }}
{{- if not (kindIs "invalid" $val) }}{{ $_ := set $e $envName (toString (int64 $val)) }}{{ end }}
{{- end }}
{{- with $v.rateLimits.tokenBudgetPeriod }}{{ $_ := set $e "TOKEN_BUDGET_PERIOD" . }}{{ end }}
{{- /* Redis */}}
{{- with $v.redis.url }}{{ $_ := set $e "REDIS_URL" . }}{{ end }}
{{- with $v.redis.passwordSecretVersion }}{{ $_ := set $e "REDIS_PASSWORD_SECRET" . }}{{ end }}
{{- /* Metrics always on a port of their own: the server's default (0) would serve them on the public port */}}
{{- $_ := set $e "METRICS_PORT" (toString $v.metrics.port) }}
{{- /* Observability: trace fields in logs; OTLP traces only when an endpoint is set */}}
{{- with $v.observability.googleCloudProject }}{{ $_ := set $e "GOOGLE_CLOUD_PROJECT" . }}{{ end }}
{{- with $v.observability.tracing.endpoint }}
{{- $_ := set $e "OTEL_EXPORTER_OTLP_ENDPOINT" . }}
{{- $_ := set $e "OTEL_TRACES_SAMPLER" $v.observability.tracing.sampler }}
{{- $_ := set $e "OTEL_TRACES_SAMPLER_ARG" (toString $v.observability.tracing.ratio) }}
{{- end }}
{{- /* Extra env: may not replace what the chart sets from a value */}}
{{- range $name, $val := $v.env }}
{{- if hasKey $e $name }}
{{- fail (printf "env.%s: this variable is set by the chart from its own value; set that value instead of env.%s" $name $name) }}
{{- end }}
{{- $_ := set $e $name (toString $val) }}
{{- end }}
{{- toYaml $e }}
{{- end }}

{{/*
Secret settings as container env entries, each read from a Kubernetes Secret with secretKeyRef.
Never a literal value.
*/}}
{{- define "assistant.secretEnv" -}}
{{- $v := .Values }}
{{- $refs := list }}
{{- if $v.openai.existingSecret }}
{{- $refs = append $refs (list "OPENAI_API_KEY" $v.openai.existingSecret $v.openai.existingSecretKey) }}
{{- else if $v.openai.apiKey }}
{{- $refs = append $refs (list "OPENAI_API_KEY" (include "assistant.secretName" .) "OPENAI_API_KEY") }}
{{- end }}
{{- with $v.auth.tokens.existingSecret }}{{ $refs = append $refs (list "API_TOKENS" . $v.auth.tokens.existingSecretKey) }}{{ end }}
{{- with $v.auth.jwt.existingSecret }}{{ $refs = append $refs (list "JWT_SECRET" . $v.auth.jwt.existingSecretKey) }}{{ end }}
{{- if $v.admin.existingSecret }}
{{- $refs = append $refs (list "ADMIN_TOKEN" $v.admin.existingSecret $v.admin.existingSecretKey) }}
{{- else if include "assistant.adminGenerated" . }}
{{- $refs = append $refs (list "ADMIN_TOKEN" (include "assistant.adminSecretName" .) "ADMIN_TOKEN") }}
{{- end }}
{{- with $v.redis.existingSecret }}{{ $refs = append $refs (list "REDIS_URL" . $v.redis.existingSecretKey) }}{{ end }}
{{- range $refs }}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 | quote }}
      key: {{ index . 2 | quote }}
{{- end }}
{{- end }}

{{/*
Checks that one value can't express alone (the schema checks each value on its own).
Each failure names the values to change.
*/}}
{{- define "assistant.validate" -}}
{{- $v := .Values }}
{{- /* one source per secret */}}
{{- $openai := list }}
{{- if $v.openai.apiKeySecretVersion }}{{ $openai = append $openai "openai.apiKeySecretVersion" }}{{ end }}
{{- if $v.openai.existingSecret }}{{ $openai = append $openai "openai.existingSecret" }}{{ end }}
{{- if $v.openai.apiKey }}{{ $openai = append $openai "openai.apiKey" }}{{ end }}
{{- if gt (len $openai) 1 }}
{{- fail (printf "openai: set only one of openai.apiKeySecretVersion, openai.existingSecret, openai.apiKey (got %s)" (join ", " $openai)) }}
{{- end }}
{{- if and $v.auth.tokensSecretVersion $v.auth.tokens.existingSecret }}
{{- fail "auth: set only one of auth.tokensSecretVersion and auth.tokens.existingSecret" }}
{{- end }}
{{- if and $v.auth.jwt.secretVersion $v.auth.jwt.existingSecret }}
{{- fail "auth.jwt: set only one of auth.jwt.secretVersion and auth.jwt.existingSecret" }}
{{- end }}
{{- if and $v.admin.tokenSecretVersion $v.admin.existingSecret }}
{{- fail "admin: set only one of admin.tokenSecretVersion and admin.existingSecret" }}
{{- end }}
{{- if and $v.redis.url $v.redis.existingSecret }}
{{- fail "redis: set only one of redis.url and redis.existingSecret" }}
{{- end }}
{{- /* provider and users' own keys */}}
{{- if and (eq $v.llm.provider "vertex") (not (and $v.vertex.project $v.vertex.location)) }}
{{- fail "llm.provider=vertex needs vertex.project and vertex.location (e.g. us-central1)" }}
{{- end }}
{{- if and $v.byok.kmsKeyName $v.byok.localKeySecretVersion }}
{{- fail "byok: set only one of byok.kmsKeyName (Cloud KMS) and byok.localKeySecretVersion" }}
{{- end }}
{{- if and $v.byok.models (not (or $v.byok.kmsKeyName $v.byok.localKeySecretVersion)) }}
{{- fail "byok.models needs byok.kmsKeyName or byok.localKeySecretVersion, which turn users' own keys on" }}
{{- end }}
{{- /* auth modes need their secret */}}
{{- if and (eq $v.auth.mode "token") (not (or $v.auth.tokensSecretVersion $v.auth.tokens.existingSecret)) }}
{{- fail "auth.mode=token needs the tokens: set auth.tokensSecretVersion or auth.tokens.existingSecret" }}
{{- end }}
{{- if and (eq $v.auth.mode "jwt") (not (or $v.auth.jwt.secretVersion $v.auth.jwt.existingSecret $v.auth.jwt.jwksUrl)) }}
{{- fail "auth.mode=jwt needs a key: set auth.jwt.secretVersion, auth.jwt.existingSecret or auth.jwt.jwksUrl" }}
{{- end }}
{{- /* secrets never go through the plain env map */}}
{{- range $name := list "OPENAI_API_KEY" "API_TOKENS" "JWT_SECRET" "ADMIN_TOKEN" "METRICS_TOKEN" "REDIS_PASSWORD" "BYOK_LOCAL_KEY" }}
{{- if hasKey $v.env $name }}
{{- fail (printf "env.%s: secrets don't go in env (it renders into a ConfigMap); use the matching existingSecret or *SecretVersion value" $name) }}
{{- end }}
{{- end }}
{{- /* shutdown: the pod must outlive the drain pause plus the server's own grace */}}
{{- $needed := add $v.preStopSleepSeconds (div (add $v.shutdownGraceMs 999) 1000) 1 }}
{{- if le (int64 $v.terminationGracePeriodSeconds) (int64 $needed) }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must be greater than preStopSleepSeconds (%v) + shutdownGraceMs/1000 (%v) + 1 = %v" $v.terminationGracePeriodSeconds $v.preStopSleepSeconds (div (add $v.shutdownGraceMs 999) 1000) $needed) }}
{{- end }}
{{- /* ports */}}
{{- if eq (int64 $v.metrics.port) (int64 $v.containerPort) }}
{{- fail (printf "metrics.port (%v) must differ from containerPort (%v): metrics stay off the public port" $v.metrics.port $v.containerPort) }}
{{- end }}
{{- if and (or $v.metrics.serviceMonitor.enabled $v.metrics.podMonitoring.enabled) (not $v.metrics.enabled) }}
{{- fail "metrics.serviceMonitor/podMonitoring need metrics.enabled=true" }}
{{- end }}
{{- /* scaling */}}
{{- if and $v.autoscaling.enabled (gt (int64 $v.autoscaling.minReplicas) (int64 $v.autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%v) must not exceed autoscaling.maxReplicas (%v)" $v.autoscaling.minReplicas $v.autoscaling.maxReplicas) }}
{{- end }}
{{- if and $v.pdb.create (not (kindIs "invalid" $v.pdb.minAvailable)) (ne (toString $v.pdb.minAvailable) "") (not (kindIs "invalid" $v.pdb.maxUnavailable)) (ne (toString $v.pdb.maxUnavailable) "") }}
{{- fail "pdb: set only one of pdb.minAvailable and pdb.maxUnavailable" }}
{{- end }}
{{- end }}

{{/* TRUSTED_PROXY_HOPS: the value when set, else 1 behind the Ingress (Google's proxy adds one hop) and 0 otherwise. */}}
{{- define "assistant.trustedProxyHops" -}}
{{- if not (kindIs "invalid" .Values.trustedProxyHops) }}{{ int64 .Values.trustedProxyHops }}{{ else if .Values.ingress.enabled }}1{{ else }}0{{ end }}
{{- end }}
