/**
 * Observability (ARCHITECTURE §7), per region: CloudWatch alarms on every replication lag wired to
 * the DR topic, the region's dashboard (replication lag, health checks, 5xx, latency), X-Ray
 * sampling rules and groups, a KMS-encrypted application log group with retention, and — when an
 * EKS cluster is given — the in-cluster stack: ADOT agent (DaemonSet) and gateway (tail sampling),
 * Tempo on the S3 traces bucket, kube-prometheus-stack, each with its IRSA role.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { RegionContext, awsName, awsNameWithin } from "../common/context";
import { irsaTrustPolicy } from "../common/trust";
import { serviceKey } from "../common/kms";
import { DEFAULT_LOG_RETENTION_DAYS, logsPrincipal } from "../common/logs";
import { tagsFor } from "../common/tags";
import { POD_SECURITY, podSecurityLabels } from "../eks/workloads-plan";
import {
    CHARTS,
    NAMESPACE,
    ReplicationSignals,
    SAMPLING_RULES,
    SERVICE_ACCOUNTS,
    agentValues,
    dashboardBody,
    gatewayValues,
    planLagAlarms,
    prometheusValues,
    tempoValues,
    xrayGroups,
} from "./plan";

const SERVICE = "observability";
const COMPONENT = "observability";

export interface ClusterRef {
    /** Kubernetes provider of this region's EKS cluster. */
    readonly provider: k8s.Provider;
    /** IAM OIDC provider ARN of the cluster (IRSA). */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** Issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/…`). */
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /**
     * What makes the cluster able to run pods (EksCluster.ready: node group, add-ons, Karpenter and
     * its NodePools): every release waits for it, or its pods stay Pending and the atomic install
     * rolls back on the first `up`.
     */
    readonly ready: readonly pulumi.Resource[];
    /** StorageClass of the Prometheus, Alertmanager and Tempo volumes (EksCluster.storageClassName, the default class). */
    readonly storageClassName: string;
}

export interface ObservabilityArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** The DR topic alarms notify. */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** Replication paths to alarm on. @default {} - none */
    readonly replication?: ReplicationSignals<pulumi.Input<string>>;
    /** Route 53 health checks to chart. @default [] */
    readonly healthCheckIds?: readonly pulumi.Input<string>[];
    /** Synthetics canaries to chart (5xx, latency). @default [] */
    readonly canaryNames?: readonly string[];
    /** CloudFront distribution for the 5xx rate. @default undefined - not charted */
    readonly distributionId?: pulumi.Input<string>;
    /**
     * SNS topics in other regions, by region: an alarm declared there (S3 and DynamoDB lag is
     * reported by the sending region) can only notify a topic in its own region.
     * @default {} - such alarms notify nobody
     */
    readonly remoteAlarmTopicArns?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Days the application log group keeps pod logs. @default 90 */
    readonly logRetentionDays?: number;
    /** Share of ordinary traces the tail sampler keeps (errors and slow traces are always kept). @default 10 */
    readonly traceSamplePercent?: number;
    /** A trace slower than this is always kept. @default 500 */
    readonly traceLatencyThresholdMs?: number;
    /** The region's EKS cluster. @default undefined - no in-cluster releases */
    readonly cluster?: ClusterRef;
    /** GlobalData's traces bucket for Tempo (and its KMS key). Required with `cluster`. */
    readonly tracesBucket?: { readonly name: pulumi.Input<string>; readonly kmsKeyArn: pulumi.Input<string> };
}

export class Observability extends pulumi.ComponentResource {
    public readonly dashboardName: pulumi.Output<string>;
    /** Lag alarm ARNs by key (`aurora-0`, `msk-0`, …). */
    public readonly lagAlarmArns: Record<string, pulumi.Output<string>>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly releaseNames: pulumi.Output<string>[];

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:observability:Observability", name, {}, opts);
        const built = buildObservability(this, name, args);
        this.dashboardName = built.dashboard.dashboardName;
        this.lagAlarmArns = Object.fromEntries(Object.entries(built.lagAlarms).map(([k, a]) => [k, a.arn]));
        this.logGroupName = built.logGroup.name;
        this.releaseNames = built.releases.map((r) => r.name);
        this.registerOutputs({ dashboardName: this.dashboardName, lagAlarmArns: this.lagAlarmArns, logGroupName: this.logGroupName, releaseNames: this.releaseNames });
    }
}

function buildObservability(parent: pulumi.Resource, name: string, args: ObservabilityArgs) {
    const ctx = args.context;
    const opts = { parent };
    const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
    const retention = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    const samplePercent = args.traceSamplePercent ?? 10;
    const latencyMs = args.traceLatencyThresholdMs ?? 500;

    // ---- Replication lag alarms: every path reports its lag (ARCHITECTURE §1, §7).
    const lagPlan = planLagAlarms(args.replication ?? {});
    const lagAlarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
    for (const a of lagPlan) {
        const alarmName = awsName(ctx, "lag", a.key);
        lagAlarms[a.key] = new aws.cloudwatch.MetricAlarm(
            `${name}-lag-${a.key}`,
            {
                ...(a.region ? { region: a.region } : {}),
                name: alarmName,
                alarmDescription: `${a.source} replication lag (${a.metricName}) above ${a.threshold} ${a.unit} for 3 of 5 minutes`,
                namespace: a.namespace,
                metricName: a.metricName,
                dimensions: a.dimensions,
                statistic: "Maximum",
                period: 60,
                evaluationPeriods: 5,
                datapointsToAlarm: 3,
                threshold: a.threshold,
                comparisonOperator: "GreaterThanThreshold",
                // Idle paths (S3, DynamoDB) publish nothing between writes: silence is not lag.
                treatMissingData: "notBreaching",
                // An alarm notifies a topic in its own region: this region's, or that region's DR topic.
                ...alarmActions(a.region && a.region !== ctx.region ? args.remoteAlarmTopicArns?.[a.region] : args.alarmTopicArn),
                tags: tags(alarmName),
            },
            opts,
        );
    }

    // ---- Dashboard.
    const resolvedLag = pulumi.all(lagPlan.map((a) => pulumi.output(a.dimensions))).apply((dims) => lagPlan.map((a, i) => ({ ...a, dimensions: dims[i] as Record<string, string> })));
    const dashboard = new aws.cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
            dashboardName: awsName(ctx, "overview"),
            dashboardBody: pulumi
                .all([resolvedLag, pulumi.all([...(args.healthCheckIds ?? [])]), pulumi.output(args.distributionId)])
                .apply(([lag, hc, dist]) => dashboardBody({ region: ctx.region, lagAlarms: lag, healthCheckIds: hc, canaryNames: args.canaryNames ?? [], distributionId: dist })),
        },
        opts,
    );

    // ---- X-Ray.
    for (const r of SAMPLING_RULES) {
        new aws.xray.SamplingRule(
            `${name}-sampling-${r.suffix}`,
            {
                // Sampling rule names are 1-32 characters (tools/plan/name-limits.ts).
                ruleName: awsNameWithin(ctx, 32, r.suffix),
                priority: r.priority,
                fixedRate: r.fixedRate,
                reservoirSize: r.reservoirSize,
                urlPath: r.urlPath,
                serviceName: r.serviceName,
                serviceType: "*",
                host: "*",
                httpMethod: "*",
                resourceArn: "*",
                version: 1,
                tags: tags(awsNameWithin(ctx, 32, r.suffix)),
            },
            opts,
        );
    }
    for (const g of xrayGroups(latencyMs)) {
        new aws.xray.Group(
            `${name}-group-${g.suffix}`,
            // X-Ray group names are 1-32 characters (tools/plan/name-limits.ts).
            { groupName: awsNameWithin(ctx, 32, g.suffix), filterExpression: g.filter, insightsConfiguration: { insightsEnabled: true, notificationsEnabled: true }, tags: tags(awsNameWithin(ctx, 32, g.suffix)) },
            opts,
        );
    }

    // ---- Application logs (the agent ships pod logs here).
    const logGroupName = `/${ctx.prefix}/${ctx.region}/application`;
    const key = serviceKey(
        `${name}-logs`,
        ctx,
        {
            service: SERVICE,
            component: COMPONENT,
            description: "Application logs",
            servicePrincipals: [
                logsPrincipal(ctx.region, ctx.accountId, logGroupName, "ArnLike"),
            ],
        },
        parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-app-logs`, { name: logGroupName, kmsKeyId: key.arn, retentionInDays: retention, tags: tags(logGroupName) }, opts);

    const releases: k8s.helm.v3.Release[] = [];
    if (!args.cluster) return { dashboard, lagAlarms, logGroup, releases };
    if (!args.tracesBucket) throw new pulumi.ResourceError(`Observability ${name}: tracesBucket is required with cluster (Tempo stores traces in GlobalData's traces bucket)`, parent);

    // ---- In-cluster stack.
    const cluster = args.cluster;
    const irsaRole = (sa: string, policy: pulumi.Input<string>) => {
        const role = new aws.iam.Role(
            `${name}-${sa}-role`,
            {
                // Named: the data tier's s3 key names Tempo's (components/data/key-users.ts).
                name: awsName(ctx, sa),
                description: `IRSA role of ${NAMESPACE}/${sa}`,
                assumeRolePolicy: irsaTrustPolicy(cluster.oidcProviderArn, cluster.oidcIssuerUrl, NAMESPACE, sa),
                tags: tags(awsName(ctx, sa)),
            },
            opts,
        );
        new aws.iam.RolePolicy(`${name}-${sa}-policy`, { role: role.id, policy }, opts);
        return role;
    };
    const agentRole = irsaRole(
        SERVICE_ACCOUNTS.agent,
        logGroup.arn.apply((arn) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "ShipLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] }],
            }),
        ),
    );
    const gatewayRole = irsaRole(
        SERVICE_ACCOUNTS.gateway,
        JSON.stringify({
            Version: "2012-10-17",
            // X-Ray's trace and sampling APIs have no resource-level permissions.
            Statement: [{ Sid: "XRay", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: "*" }],
        }),
    );
    const tempoRole = irsaRole(
        SERVICE_ACCOUNTS.tempo,
        pulumi.all([args.tracesBucket.name, args.tracesBucket.kmsKeyArn]).apply(([bucket, keyArn]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "Bucket", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
                    { Sid: "Blocks", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"], Resource: `arn:aws:s3:::${bucket}/*` },
                    { Sid: "BucketKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
                ],
            }),
        ),
    );

    const k8sOpts = { parent, provider: cluster.provider };
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: NAMESPACE, labels: { "app.kubernetes.io/part-of": "observability", ...podSecurityLabels(POD_SECURITY.observability) } } }, k8sOpts);
    const release = (id: string, releaseName: string, chart: (typeof CHARTS)[keyof typeof CHARTS], values: pulumi.Input<Record<string, unknown>>, dependsOn: pulumi.Resource[] = []) => {
        const r = new k8s.helm.v3.Release(
            `${name}-${id}`,
            { name: releaseName, chart: chart.chart, version: chart.version, repositoryOpts: { repo: chart.repo }, namespace: ns.metadata.name, atomic: true, timeout: 600, values },
            { ...k8sOpts, dependsOn: [ns, ...cluster.ready, ...dependsOn] },
        );
        releases.push(r);
        return r;
    };
    const grafanaAdmin = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, opts);
    const prometheus = release(
        "prometheus",
        "kube-prometheus-stack",
        CHARTS.prometheus,
        // The password stays a nested secret: only it, not the whole values map, is hidden in the plan and state.
        prometheusValues(retention, cluster.storageClassName, pulumi.secret(grafanaAdmin.result)),
    );
    const tempo = release(
        "tempo",
        "tempo",
        CHARTS.tempo,
        pulumi.all([args.tracesBucket.name, tempoRole.arn]).apply(([b, r]) => tempoValues(ctx.region, b, r)),
    );
    const collector = { region: ctx.region, samplePercent, latencyThresholdMs: latencyMs, logGroupName };
    const gateway = release(
        "otel-gateway",
        "otel-gateway",
        CHARTS.otel,
        pulumi.all([agentRole.arn, gatewayRole.arn]).apply(([a, g]) => gatewayValues({ ...collector, agentRoleArn: a, gatewayRoleArn: g })),
        [tempo],
    );
    release(
        "otel-agent",
        "otel-agent",
        CHARTS.otel,
        pulumi.all([agentRole.arn, gatewayRole.arn]).apply(([a, g]) => agentValues({ ...collector, agentRoleArn: a, gatewayRoleArn: g })),
        [gateway, prometheus],
    );
    return { dashboard, lagAlarms, logGroup, releases };
}

function alarmActions(topicArn: pulumi.Input<string> | undefined) {
    return topicArn === undefined ? {} : { alarmActions: [topicArn], okActions: [topicArn] };
}
