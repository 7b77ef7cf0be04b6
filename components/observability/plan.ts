/**
 * Pure planning for observability (ARCHITECTURE §7): one alarm per replication path with the
 * metric that reports its lag, the X-Ray sampling rules and groups, the collector's tail-sampling
 * policy and the Helm values. Generic over the value type (Pulumi inputs in the component, strings
 * in tests); imports nothing from @pulumi/aws.
 */

import { pinValues } from "../common/images";

/** Where each replication path's lag is reported, with the alarm threshold (about twice its RPO). */
export const LAG_METRICS = {
    aurora: { namespace: "AWS/RDS", metricName: "AuroraGlobalDBReplicationLag", unit: "ms", threshold: 2000, rpo: "~1 s" },
    docdb: { namespace: "AWS/DocDB", metricName: "GlobalClusterReplicationLag", unit: "ms", threshold: 4000, rpo: "≤2 s" },
    elasticache: { namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag", unit: "s", threshold: 2, rpo: "<1 s" },
    msk: { namespace: "AWS/Kafka", metricName: "ReplicationLatency", unit: "ms", threshold: 10000, rpo: "~5 s" },
    s3: { namespace: "AWS/S3", metricName: "ReplicationLatency", unit: "s", threshold: 900, rpo: "≤15 min (RTC)" },
    dynamodb: { namespace: "AWS/DynamoDB", metricName: "ReplicationLatency", unit: "ms", threshold: 5000, rpo: "~1 s" },
} as const;

export type LagSource = keyof typeof LAG_METRICS;

/** The replication paths this region reports on. Every field: @default [] */
export interface ReplicationSignals<S> {
    /** Aurora clusters in this region that replicate from the global writer (the metric is emitted on the secondary). */
    readonly auroraClusterIds?: readonly S[];
    /** DocumentDB secondary clusters in this region. */
    readonly docdbClusterIds?: readonly S[];
    /** ElastiCache node ids (`memberClusters`) of this region's secondary replication group. */
    readonly cacheNodeIds?: readonly S[];
    /** MSK Replicators writing into this region. */
    readonly mskReplicatorNames?: readonly S[];
    /** MSK Replicators this stack owns in another region (the reverse direction of its links): the metric lives there. */
    readonly remoteMskReplicators?: readonly { readonly name: S; readonly region: string }[];
    /** S3 replication rules (the metric lives in the source bucket's region). */
    readonly s3Replications?: readonly { readonly sourceBucket: S; readonly destinationBucket: S; readonly ruleId: S; readonly region?: string }[];
    /** DynamoDB global tables replicating from this region to `receivingRegion`. */
    readonly dynamodbTables?: readonly { readonly tableName: S; readonly receivingRegion: string; readonly region?: string }[];
}

export interface LagAlarm<S> {
    readonly key: string;
    readonly source: LagSource;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, S | string>>;
    readonly threshold: number;
    readonly unit: string;
    /** Region the metric (hence the alarm) lives in, when not this stack's. */
    readonly region?: string;
}

export function planLagAlarms<S>(sig: ReplicationSignals<S>): LagAlarm<S>[] {
    const alarm = (source: LagSource, key: string, dimensions: Record<string, S | string>, region?: string): LagAlarm<S> => ({
        key,
        source,
        namespace: LAG_METRICS[source].namespace,
        metricName: LAG_METRICS[source].metricName,
        dimensions,
        threshold: LAG_METRICS[source].threshold,
        unit: LAG_METRICS[source].unit,
        ...(region ? { region } : {}),
    });
    return [
        ...(sig.auroraClusterIds ?? []).map((id, i) => alarm("aurora", `aurora-${i}`, { DBClusterIdentifier: id })),
        ...(sig.docdbClusterIds ?? []).map((id, i) => alarm("docdb", `docdb-${i}`, { DBClusterIdentifier: id })),
        ...(sig.cacheNodeIds ?? []).map((id, i) => alarm("elasticache", `elasticache-${i}`, { CacheClusterId: id })),
        ...(sig.mskReplicatorNames ?? []).map((n, i) => alarm("msk", `msk-${i}`, { ReplicatorName: n })),
        ...(sig.remoteMskReplicators ?? []).map((r) => alarm("msk", `msk-to-${r.region}`, { ReplicatorName: r.name }, r.region)),
        ...(sig.s3Replications ?? []).map((r, i) => alarm("s3", `s3-${i}`, { SourceBucket: r.sourceBucket, DestinationBucket: r.destinationBucket, RuleId: r.ruleId }, r.region)),
        ...(sig.dynamodbTables ?? []).map((t, i) => alarm("dynamodb", `dynamodb-${i}`, { TableName: t.tableName, ReceivingRegion: t.receivingRegion }, t.region)),
    ];
}

export interface SamplingRule {
    readonly suffix: string;
    readonly priority: number;
    readonly fixedRate: number;
    readonly reservoirSize: number;
    readonly urlPath: string;
    readonly serviceName: string;
}

/**
 * Head sampling keeps everything except probes: the collector's tail sampling decides what is
 * stored (errors and slow traces 100 %, the rest a share), and it can only keep an error trace it
 * has seen. Health checks are dropped at the source.
 */
export const SAMPLING_RULES: readonly SamplingRule[] = [
    { suffix: "health", priority: 100, fixedRate: 0, reservoirSize: 0, urlPath: "/health/*", serviceName: "*" },
    { suffix: "all", priority: 9000, fixedRate: 1, reservoirSize: 50, urlPath: "*", serviceName: "*" },
];

export function xrayGroups(latencyThresholdMs: number): readonly { suffix: string; filter: string }[] {
    return [
        { suffix: "errors", filter: "fault = true OR error = true" },
        { suffix: "slow", filter: `responsetime > ${latencyThresholdMs / 1000}` },
        { suffix: "checkout", filter: 'service("order") OR service("payment") OR service("inventory")' },
    ];
}

/** Tail sampling (OpenTelemetry `tail_sampling`): policies are OR'ed, so a trace is kept if any keeps it. */
export function tailSamplingPolicies(samplePercent: number, latencyThresholdMs: number) {
    return [
        { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
        { name: "slow", type: "latency", latency: { threshold_ms: latencyThresholdMs } },
        { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: samplePercent } },
    ];
}

export const NAMESPACE = "observability";
export const SERVICE_ACCOUNTS = { agent: "otel-agent", gateway: "otel-gateway", tempo: "tempo" } as const;

/** Pinned chart versions; bump deliberately (verify against the chart repositories before deploying). */
export const CHARTS = {
    otel: { chart: "opentelemetry-collector", repo: "https://open-telemetry.github.io/opentelemetry-helm-charts", version: "0.108.0" },
    tempo: { chart: "tempo", repo: "https://grafana.github.io/helm-charts", version: "1.10.1" },
    prometheus: { chart: "kube-prometheus-stack", repo: "https://prometheus-community.github.io/helm-charts", version: "75.15.0" },
} as const;
export const ADOT_IMAGE = { repository: "public.ecr.aws/aws-observability/aws-otel-collector", tag: "v0.40.0" } as const;

export interface CollectorInputs {
    readonly region: string;
    readonly samplePercent: number;
    readonly latencyThresholdMs: number;
    readonly logGroupName: string;
    readonly agentRoleArn: string;
    readonly gatewayRoleArn: string;
}

const GATEWAY_HOST = `otel-gateway-opentelemetry-collector.${NAMESPACE}.svc.cluster.local`;
const TEMPO_HOST = `tempo.${NAMESPACE}.svc.cluster.local`;

/**
 * Agent: a DaemonSet (ADOT) receiving OTLP from the pods on its node and shipping pod logs to
 * CloudWatch. Tail sampling needs every span of a trace in one place, which a per-node agent never
 * has, so the agent forwards spans by trace id (load-balancing exporter) to the gateway.
 */
export function agentValues(i: CollectorInputs) {
    return {
        mode: "daemonset",
        image: { ...ADOT_IMAGE, ...pinValues("adot-collector", undefined, true) },
        command: { name: "awscollector" },
        serviceAccount: { create: true, name: SERVICE_ACCOUNTS.agent, annotations: { "eks.amazonaws.com/role-arn": i.agentRoleArn } },
        presets: { logsCollection: { enabled: true }, kubernetesAttributes: { enabled: true } },
        // Every node, tainted ones included (critical, batch-tier, the bootstrap nodes): their pods'
        // logs must reach CloudWatch, and pods there send OTLP to the agent on their own node.
        tolerations: [{ operator: "Exists" }],
        alternateConfig: collectorConfig({
            receivers: { otlp: { protocols: { grpc: { endpoint: "${env:MY_POD_IP}:4317" }, http: { endpoint: "${env:MY_POD_IP}:4318" } } } },
            processors: { memory_limiter: MEMORY_LIMITER, batch: {} },
            exporters: {
                loadbalancing: { routing_key: "traceID", protocol: { otlp: { tls: { insecure: true } } }, resolver: { dns: { hostname: GATEWAY_HOST, port: 4317 } } },
                awscloudwatchlogs: { region: i.region, log_group_name: i.logGroupName, log_stream_name: "${env:K8S_NODE_NAME}" },
            },
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["loadbalancing"] },
                // filelog is declared by the chart's logsCollection preset.
                logs: { receivers: ["filelog"], processors: ["memory_limiter", "batch"], exporters: ["awscloudwatchlogs"] },
            },
        }),
    };
}

/** Gateway: tail sampling, then traces to Tempo (S3) and X-Ray. */
export function gatewayValues(i: CollectorInputs) {
    return {
        mode: "deployment",
        replicaCount: 2,
        // Headless, so the agents' DNS resolver sees every gateway pod and routes by trace id.
        service: { clusterIP: "None" },
        image: { ...ADOT_IMAGE, ...pinValues("adot-collector", undefined, true) },
        command: { name: "awscollector" },
        serviceAccount: { create: true, name: SERVICE_ACCOUNTS.gateway, annotations: { "eks.amazonaws.com/role-arn": i.gatewayRoleArn } },
        alternateConfig: collectorConfig({
            receivers: { otlp: { protocols: { grpc: { endpoint: "${env:MY_POD_IP}:4317" } } } },
            processors: {
                memory_limiter: MEMORY_LIMITER,
                tail_sampling: { decision_wait: "10s", num_traces: 100000, policies: tailSamplingPolicies(i.samplePercent, i.latencyThresholdMs) },
                batch: {},
            },
            exporters: {
                "otlp/tempo": { endpoint: `${TEMPO_HOST}:4317`, tls: { insecure: true } },
                awsxray: { region: i.region, indexed_attributes: ["http.route", "service.name"] },
            },
            pipelines: { traces: { receivers: ["otlp"], processors: ["memory_limiter", "tail_sampling", "batch"], exporters: ["otlp/tempo", "awsxray"] } },
        }),
    };
}

const MEMORY_LIMITER = { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 25 } as const;

/**
 * A whole collector config, given to the chart as `alternateConfig` (0.108.0 renders it instead of
 * `config`, unmerged; the presets still apply). Helm would otherwise merge `config` into the
 * chart's default, whose `debug` exporter the pinned ADOT v0.40.0 image lacks (it has `logging`
 * only): the collector refuses a declared component of an unknown type and crash-loops. The
 * chart's probes need the health_check extension on 13133, and its ServiceMonitor port the
 * telemetry address, both as in the chart's default config.
 */
function collectorConfig(c: { receivers: object; processors: object; exporters: object; pipelines: object }) {
    return {
        extensions: { health_check: { endpoint: "${env:MY_POD_IP}:13133" } },
        receivers: c.receivers,
        processors: c.processors,
        exporters: c.exporters,
        service: { telemetry: { metrics: { address: "${env:MY_POD_IP}:8888" } }, extensions: ["health_check"], pipelines: c.pipelines },
    };
}

/** Volume sizes of the in-cluster stores (gp3, expandable). */
export const VOLUME_SIZES = { prometheus: "100Gi", alertmanager: "10Gi", tempo: "50Gi" } as const;

export function tempoValues(region: string, bucket: string, roleArn: string) {
    return {
        serviceAccount: { create: true, name: SERVICE_ACCOUNTS.tempo, annotations: { "eks.amazonaws.com/role-arn": roleArn } },
        tempo: {
            ...pinValues("tempo"),
            // The bucket's lifecycle moves blocks to IA (30 d) and Glacier IR (90 d), both readable, and deletes at 365 d.
            retention: "8760h",
            // Per-region prefix: the secondary writes into the CRR replica of the primary's bucket, where
            // the primary's blocks arrive under us-east-1/; one key space per Tempo cluster (Tempo >= 2.1).
            storage: { trace: { backend: "s3", s3: { bucket, prefix: region, endpoint: `s3.${region}.amazonaws.com`, region, insecure: false } } },
            receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" } } } },
        },
        // The WAL and blocks not yet flushed to S3 survive a node consolidation. No storageClassName:
        // the chart's values.yaml has none (its template reads it; empty = the default class, gp3).
        persistence: { enabled: true, size: VOLUME_SIZES.tempo },
    };
}

/** A PersistentVolumeClaim template for the Prometheus operator's storage fields. */
function claim(storageClassName: string, size: string) {
    return { volumeClaimTemplate: { spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } } } };
}

export function prometheusValues<S>(retentionDays: number, storageClassName: string, grafanaAdminPassword: S) {
    return {
        prometheus: {
            prometheusSpec: {
                retention: `${Math.min(retentionDays, 30)}d`,
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                // The retention means something only on a volume that outlives the pod.
                storageSpec: claim(storageClassName, VOLUME_SIZES.prometheus),
            },
        },
        grafana: {
            enabled: true,
            // Instead of the chart's well-known prom-operator. Dashboards and data sources are
            // provisioned from values and ConfigMaps, so Grafana itself keeps no state worth a volume.
            adminPassword: grafanaAdminPassword,
            additionalDataSources: [{ name: "Tempo", type: "tempo", uid: "tempo", access: "proxy", url: `http://${TEMPO_HOST}:3100` }],
        },
        alertmanager: { enabled: true, alertmanagerSpec: { storage: claim(storageClassName, VOLUME_SIZES.alertmanager) } },
        // EKS runs etcd, the scheduler and the controller manager out of the cluster's reach: their
        // monitors would only raise TargetDown forever.
        kubeEtcd: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeControllerManager: { enabled: false },
    };
}

export { GATEWAY_HOST };

export interface DashboardInputs {
    readonly region: string;
    readonly lagAlarms: readonly LagAlarm<string>[];
    /** Route 53 health checks to chart (metrics in us-east-1). */
    readonly healthCheckIds: readonly string[];
    readonly canaryNames: readonly string[];
    /** CloudFront distribution (5xx rate, in us-east-1). */
    readonly distributionId?: string;
}

/** The per-region dashboard: replication lag, health checks, 5xx and latency. */
export function dashboardBody(d: DashboardInputs): string {
    const widget = (title: string, metrics: unknown[][], region: string, x: number, y: number, extra: Record<string, unknown> = {}) => ({
        type: "metric",
        x,
        y,
        width: 12,
        height: 6,
        properties: { title, region, metrics, view: "timeSeries", stat: "Maximum", period: 60, ...extra },
    });
    const lag = d.lagAlarms.map((a) => [a.namespace, a.metricName, ...Object.entries(a.dimensions).flat(), ...(a.region ? [{ region: a.region }] : [])]);
    const health = d.healthCheckIds.map((id) => ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", id]);
    const errors: unknown[][] = [
        ...d.canaryNames.map((c) => ["CloudWatchSynthetics", "5xx", "CanaryName", c, { stat: "Sum" }]),
        ...(d.distributionId ? [["AWS/CloudFront", "5xxErrorRate", "DistributionId", d.distributionId, "Region", "Global", { region: "us-east-1", stat: "Average" }]] : []),
    ];
    const latency = d.canaryNames.map((c) => ["CloudWatchSynthetics", "Duration", "CanaryName", c, { stat: "p99" }]);
    const widgets = [
        widget("Replication lag", lag.length > 0 ? lag : [["AWS/RDS", "AuroraGlobalDBReplicationLag"]], d.region, 0, 0),
        widget("Route 53 health checks (1 = healthy)", health.length > 0 ? health : [["AWS/Route53", "HealthCheckStatus"]], "us-east-1", 12, 0, { stat: "Minimum" }),
        widget("5xx", errors.length > 0 ? errors : [["CloudWatchSynthetics", "5xx"]], d.region, 0, 6),
        widget("API latency (canary p99, ms)", latency.length > 0 ? latency : [["CloudWatchSynthetics", "Duration"]], d.region, 12, 6),
    ];
    return JSON.stringify({ widgets });
}
