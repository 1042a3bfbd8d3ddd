{{/*
Names. Not prefixed with the release name: the chart owns cluster-wide objects (CRDs, ClusterRoles), so a
cluster holds one installation, and fixed names keep the Service DNS names that sidecars and users type
(hybrid-mesh-controller.<namespace>.svc) stable.
*/}}
{{- define "hybrid-mesh.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "hybrid-mesh.controller.name" -}}
{{- include "hybrid-mesh.fullname" . }}-controller
{{- end -}}

{{- define "hybrid-mesh.agent.name" -}}
{{- include "hybrid-mesh.fullname" . }}-agent
{{- end -}}

{{/* Labels on every object; pass (dict "ctx" $ "component" "controller|agent"). */}}
{{- define "hybrid-mesh.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: hybrid-mesh
{{ include "hybrid-mesh.selectorLabels" . }}
{{- end -}}

{{/* The labels selectors match: they never change between upgrades (a selector is immutable). */}}
{{- define "hybrid-mesh.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hybrid-mesh.fullname" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The hmesh image; its tag defaults to the chart's appVersion. */}}
{{- define "hybrid-mesh.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* An image reference from a {repository, tag} value. */}}
{{- define "hybrid-mesh.imageRef" -}}
{{ .repository }}:{{ .tag }}
{{- end -}}

{{/* The controller Service's DNS name as pods resolve it: where sidecars fetch xDS and send access logs. */}}
{{- define "hybrid-mesh.controller.host" -}}
{{ include "hybrid-mesh.controller.name" . }}.{{ .Release.Namespace }}.svc
{{- end -}}

{{/* Ports: one place, used by the containers, the Services, the probes and NOTES.txt. */}}
{{- define "hybrid-mesh.port.observer" -}}4245{{- end -}}
{{- define "hybrid-mesh.port.xds" -}}18000{{- end -}}
{{- define "hybrid-mesh.port.controllerMetrics" -}}9966{{- end -}}
{{- define "hybrid-mesh.port.agentMetrics" -}}9965{{- end -}}
{{- define "hybrid-mesh.port.ui" -}}12000{{- end -}}

{{- define "hybrid-mesh.port.tokenExchange" -}}18001{{- end -}}

{{/* Sidecars present their pod's token through the controller's token exchange (needs TLS). */}}
{{- define "hybrid-mesh.tokenExchange" -}}
{{- if eq .Values.sidecar.tokenPolicy "required" -}}
{{- if not .Values.tls.enabled -}}
{{- fail "sidecar.tokenPolicy=required needs tls.enabled=true: a sidecar presents its token over TLS only" -}}
{{- end -}}
true
{{- end -}}
{{- end -}}

{{/*
imagePullSecrets, nodeSelector, tolerations, affinity and priorityClassName of one component's pod, as one
YAML block (empty when none is set). Pass (dict "ctx" $ "component" .Values.<component>).
*/}}
{{- define "hybrid-mesh.podPlacement" -}}
{{- $s := dict -}}
{{- with .ctx.Values.imagePullSecrets }}{{ $_ := set $s "imagePullSecrets" . }}{{ end -}}
{{- with .component.priorityClassName }}{{ $_ := set $s "priorityClassName" . }}{{ end -}}
{{- with .component.nodeSelector }}{{ $_ := set $s "nodeSelector" . }}{{ end -}}
{{- with .component.tolerations }}{{ $_ := set $s "tolerations" . }}{{ end -}}
{{- with .component.affinity }}{{ $_ := set $s "affinity" . }}{{ end -}}
{{- if $s }}{{ toYaml $s }}{{ end -}}
{{- end -}}
