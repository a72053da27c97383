{{/* Names and labels shared by every object of the chart. */}}
{{- define "eco.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "eco.labels" -}}
app.kubernetes.io/part-of: ecoeficiencia
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "name" "enrollment") */}}
{{- define "eco.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .name }}
{{- end -}}

{{- define "eco.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Environment every Python process shares: where Kafka, Postgres and the other apps are. */}}
{{- define "eco.commonEnv" -}}
- name: ECO_ENV
  value: {{ .Values.env | quote }}
- name: ECO_PG_HOST
  value: {{ .Values.postgres.host | quote }}
- name: ECO_PG_PORT
  value: {{ .Values.postgres.port | quote }}
- name: ECO_PG_DATABASE
  value: {{ .Values.postgres.database | quote }}
- name: ECO_KAFKA_BOOTSTRAP
  value: {{ .Values.kafka.bootstrap | quote }}
- name: ECO_KAFKA_NAMESPACE
  value: {{ .Values.kafka.namespace | quote }}
- name: ECO_CORS_ORIGINS
  value: {{ .Values.corsOrigins | quote }}
- name: ECO_IDENTITY_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.appSecret.name }}
      key: {{ .Values.appSecret.identityKey }}
{{- range $name, $app := .Values.apps }}
- name: {{ printf "ECO_%s_HOST" (ternary "GATEWAY_APP" (upper $name) (eq $name "gateway")) }}
  value: {{ printf "%s-%s" (include "eco.fullname" $) $name | quote }}
- name: {{ printf "ECO_%s_PORT" (ternary "GATEWAY_APP" (upper $name) (eq $name "gateway")) }}
  value: {{ $app.port | quote }}
{{- end }}
{{- with .Values.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* The DB role and password of one schema: (dict "root" $ "name" "enrollment") */}}
{{- define "eco.dbEnv" -}}
{{- $secret := index .root.Values.postgres.passwordSecrets .name -}}
- name: ECO_PG_USER
  value: {{ printf "%s_svc" .name | quote }}
- name: ECO_PG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret.name }}
      key: {{ $secret.key }}
{{- end -}}

{{- define "eco.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "eco.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: false
  capabilities:
    drop: ["ALL"]
{{- end -}}

{{/* Egress every Python app needs: DNS, Postgres, Kafka (and OTLP when set). */}}
{{- define "eco.egressDeps" -}}
- to:
    - podSelector: {}
      namespaceSelector: {}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
- to:
    - podSelector:
        {{- toYaml (.Values.postgres.podSelector | default dict) | nindent 8 }}
      {{- with .Values.postgres.namespaceSelector }}
      namespaceSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  ports:
    - {protocol: TCP, port: {{ .Values.postgres.port }}}
- to:
    - podSelector:
        {{- toYaml (.Values.kafka.podSelector | default dict) | nindent 8 }}
      {{- with .Values.kafka.namespaceSelector }}
      namespaceSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  ports:
    - {protocol: TCP, port: {{ (splitList ":" .Values.kafka.bootstrap | last) | int }}}
{{- if .Values.otlpEndpoint }}
- ports:
    - {protocol: TCP, port: 4318}
{{- end }}
{{- end }}
