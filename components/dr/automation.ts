/**
 * DrAutomation (ARCHITECTURE §6): the failover pipeline that still works when the primary region
 * is gone.
 *
 * Every region: a KMS-encrypted SNS topic for operations, and Synthetics canaries probing its own
 * API (steady state, the FIS stop condition) and each peer's (seeing a peer from outside it).
 *
 * Secondaries additionally own the pipeline that promotes them:
 * - detection that does not depend on the failed region alone: the composite alarm "the primary's
 *   canary fails from here while ours passes" in this region, plus the Route 53 health-check
 *   alarm, which must live in us-east-1 (the only region with Route 53 metrics) and is forwarded
 *   to this region's default event bus by a rule there. This stack declares those us-east-1
 *   halves with the per-resource `region` input (pairwise link: the secondary owns it);
 * - an EventBridge rule on both alarms, targeting one failover Lambda per store kind, which run in
 *   parallel, each idempotent, guarded by ENABLE_AUTO_FAILOVER, with a dry-run mode, least
 *   privilege, KMS-encrypted log groups created here with retention, and Lambda's async retries
 *   (failures go to the topic too).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { logsPrincipal } from "../common/logs";
import { privateBucket } from "../common/private-bucket";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { bundleLambda } from "./bundle";
import {
    CANARY_CODE_PATH,
    CANARY_HANDLER,
    CANARY_SCRIPT,
    GlobalClusterTarget,
    GlobalDatastoreTarget,
    HEALTH_CHECK_REGION,
    STORES,
    StoreKind,
    alarmEventPattern,
    canaryPolicy,
    drNames,
    failoverPolicy,
    forwarderPolicy,
    planProbes,
    primaryDownRule,
} from "./plan";

const SERVICE = "dr";
/** The canary artifacts bucket has its own key (one key per service), hence its own service name. */
const CANARY_SERVICE = "dr-canary";
const COMPONENT = "dr-automation";
export const FAILOVER_ENTRY = "lambdas/failover/index.ts";

export interface FailoverTargets {
    /** Aurora global databases and this region's member cluster ARN. @default [] - no Aurora function */
    readonly aurora?: readonly GlobalClusterTarget<pulumi.Input<string>>[];
    /** DocumentDB global clusters and this region's member cluster ARN. @default [] - no DocumentDB function */
    readonly docdb?: readonly GlobalClusterTarget<pulumi.Input<string>>[];
    /** ElastiCache global datastores and this region's member replication group. @default [] - no ElastiCache function */
    readonly elasticache?: readonly GlobalDatastoreTarget<pulumi.Input<string>>[];
}

export interface DrAutomationSettings {
    /**
     * Whether the failover Lambdas act on an alarm by themselves (`ENABLE_AUTO_FAILOVER`). An
     * operator's explicit invocation runs whatever this says. (The settings reader defaults it to
     * true in production and false elsewhere: ARCHITECTURE §6.)
     */
    readonly enableAutoFailover: boolean;
    /** The Lambdas log and notify what they would do, and change nothing. (Reader default: false.) */
    readonly failoverDryRun: boolean;
    /** Attempts per store inside one invocation before it reports a failure and lets Lambda retry. (Reader default: 3.) */
    readonly failoverMaxAttempts: number;
    /** Retention of the DR and observability log groups, in days. (Reader default: 90.) */
    readonly drLogRetentionDays: number;
    /** CloudWatch Synthetics runtime of the API canaries. (Reader default: "syn-nodejs-puppeteer-9.1".) */
    readonly canaryRuntime: string;
    /** Minutes between canary runs. (Reader default: 1.) */
    readonly canaryRateMinutes: number;
    /** Consecutive failed canary periods before its alarm fires. (Reader default: 2.) */
    readonly canaryAlarmPeriods: number;
    /**
     * Who is paged: email addresses and `https://` endpoints subscribed to this region's DR topic
     * (an email subscription waits for its confirmation; an HTTPS endpoint must confirm itself, as
     * PagerDuty's and Opsgenie's SNS integrations do). (Reader default: none.)
     */
    readonly notifications?: readonly string[];
}

/** A paging endpoint's stable resource-name suffix (12 hex characters of its SHA-256). */
export function pageId(endpoint: string): string {
    return createHash("sha256").update(endpoint).digest("hex").slice(0, 12);
}

/** The SNS protocol of a paging endpoint: `https` for a URL, `email` otherwise. */
export function notificationProtocol(endpoint: string): "https" | "email" {
    return endpoint.startsWith("https://") ? "https" : "email";
}

export interface DrAutomationArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** Apex domain: probes call `https://api-<region>.<domain>/health/ready`. */
    readonly domain: string;
    /** Regions this one probes: every secondary on the primary, the primary on a secondary. */
    readonly peers: readonly string[];
    /** The primary region, on a secondary: it owns the pipeline that promotes it. @default undefined - primary, no pipeline */
    readonly primaryRegion?: string;
    /**
     * The successors before this one in the failover order (each must be among `peers`): this region
     * promotes only when they are down too. @default [] - the first successor
     */
    readonly earlierSuccessors?: readonly string[];
    /** The failover and canary knobs, already validated by the settings reader. */
    readonly settings: DrAutomationSettings;
    /**
     * Route 53 health checks of the primary's API (EdgeStack). Their alarms live in us-east-1 and
     * are forwarded here. @default [] - canary detection only
     */
    readonly primaryHealthCheckIds?: readonly pulumi.Input<string>[];
    /** What to promote into this region (GlobalData's members here). @default {} - no failover functions */
    readonly failover?: FailoverTargets;
}

export class DrAutomation extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    public readonly topicKeyArn: pulumi.Output<string>;
    /** This region's own API canary alarm: the steady-state stop condition for drills here. */
    public readonly steadyStateAlarmArn: pulumi.Output<string>;
    /** Alarms of the canaries probing each peer from here, by peer region. */
    public readonly peerAlarmArns: Record<string, pulumi.Output<string>>;
    public readonly canaryBucketName: pulumi.Output<string>;
    /** Failover functions by store kind (secondaries with targets only). */
    public readonly failoverFunctionArns: Partial<Record<StoreKind, pulumi.Output<string>>>;
    /** Names of the alarms whose ALARM state triggers failover into this region. */
    public readonly triggerAlarmNames: string[];
    /** Canary names (self first, then peers), for dashboards. */
    public readonly canaryNames: string[];

    constructor(name: string, args: DrAutomationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:dr:DrAutomation", name, {}, opts);
        const built = buildDrAutomation(this, name, args);
        this.topicArn = built.topic.arn;
        this.topicKeyArn = built.key.arn;
        this.steadyStateAlarmArn = built.steadyStateAlarm.arn;
        this.peerAlarmArns = Object.fromEntries(Object.entries(built.peerAlarms).map(([k, a]) => [k, a.arn]));
        this.canaryBucketName = built.bucket.bucket;
        this.failoverFunctionArns = Object.fromEntries(Object.entries(built.functions).map(([k, f]) => [k, f.arn]));
        this.triggerAlarmNames = built.triggerAlarmNames;
        this.canaryNames = planProbes(args.context, args.peers, args.domain).map((p) => p.canaryName);
        this.registerOutputs({
            topicArn: this.topicArn,
            topicKeyArn: this.topicKeyArn,
            steadyStateAlarmArn: this.steadyStateAlarmArn,
            peerAlarmArns: this.peerAlarmArns,
            canaryBucketName: this.canaryBucketName,
            failoverFunctionArns: this.failoverFunctionArns,
            triggerAlarmNames: this.triggerAlarmNames,
            canaryNames: this.canaryNames,
        });
    }
}

function buildDrAutomation(parent: pulumi.Resource, name: string, args: DrAutomationArgs) {
    const ctx = args.context;
    const s = args.settings;
    const names = drNames(ctx);
    const opts = { parent };
    const tags = (nameTag: string, service = SERVICE) => tagsFor(ctx, service, COMPONENT, {}, nameTag);
    const account = pulumi.output(ctx.accountId);
    const isSecondary = args.primaryRegion !== undefined;

    const key = serviceKey(
        `${name}-dr`,
        ctx,
        {
            service: SERVICE,
            component: COMPONENT,
            description: "DR notifications and failover function logs",
            servicePrincipals: [
                logsPrincipal(ctx.region, ctx.accountId, `/aws/lambda/${ctx.project}-${ctx.region}-failover-*`, "ArnLike"),
                // Alarms publish to the encrypted topic as the CloudWatch service.
                { principal: "cloudwatch.amazonaws.com", condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } } },
            ],
        },
        parent,
    );

    const topic = new aws.sns.Topic(`${name}-topic`, { name: names.topic, kmsMasterKeyId: key.arn, tags: tags(names.topic) }, opts);
    new aws.sns.TopicPolicy(
        `${name}-topic-policy`,
        {
            arn: topic.arn,
            policy: pulumi.all([topic.arn, account]).apply(([arn, acct]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "AccountManages", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic"], Resource: arn },
                        { Sid: "CloudWatchAlarms", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: arn, Condition: { StringEquals: { "aws:SourceAccount": acct } } },
                        { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
                    ],
                }),
            ),
        },
        opts,
    );

    // ---- Paging: the on-call endpoints (policy dr-notifications-subscribed flags production without one).
    // Named by the endpoint, not its place in the list: removing one address must not replace (and
    // so unsubscribe) the others (SNS hands an existing subscription's ARN back to a new Subscribe).
    for (const endpoint of s.notifications ?? []) {
        const protocol = notificationProtocol(endpoint);
        new aws.sns.TopicSubscription(
            `${name}-page-${pageId(endpoint)}`,
            { topic: topic.arn, protocol, endpoint, ...(protocol === "https" ? { endpointAutoConfirms: true, confirmationTimeoutInMinutes: 5 } : {}) },
            opts,
        );
    }

    // ---- Canaries: this region's steady state and the view of each peer from here.
    const canaryKey = serviceKey(
        `${name}-canary`,
        ctx,
        { service: CANARY_SERVICE, component: COMPONENT, description: "Synthetics canary artifacts", viaServices: ["s3"] },
        parent,
    );
    const bucketName = pulumi.interpolate`${awsName(ctx, "canary")}-${ctx.accountId}`;
    // Artifacts are short-lived: no versioning (the lifecycle rule expires them).
    const { bucket } = privateBucket(
        `${name}-canary-bucket`,
        {
            bucketName,
            tags: tags(awsName(ctx, "canary"), CANARY_SERVICE),
            versioning: false,
            kmsKeyArn: canaryKey.arn,
            grants: () => [],
            policyAfter: ["publicAccessBlock"],
            childNames: { publicAccessBlock: "-pab", encryption: "-sse" },
        },
        parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-canary-bucket-lifecycle`,
        { bucket: bucket.id, rules: [{ id: "expire-artifacts", status: "Enabled", filter: { prefix: "artifacts/" }, expiration: { days: 30 } }] },
        opts,
    );

    const canaryRole = new aws.iam.Role(
        `${name}-canary-role`,
        { description: "Synthetics API canaries", assumeRolePolicy: serviceTrustPolicy(ctx, "lambda.amazonaws.com", { sourceAccount: true }), tags: tags(awsName(ctx, "canary"), CANARY_SERVICE) },
        opts,
    );
    new aws.iam.RolePolicy(
        `${name}-canary-policy`,
        {
            role: canaryRole.id,
            policy: pulumi.all([account, bucket.bucket, canaryKey.arn]).apply(([a, b, k]) => JSON.stringify(canaryPolicy({ region: ctx.region, account: a, bucketName: b, keyArn: k }))),
        },
        opts,
    );
    // The key changes with the script, so a new script is a new object the canary is pointed at.
    const scriptHash = createHash("sha256").update(CANARY_SCRIPT).digest("hex").slice(0, 12);
    const code = new aws.s3.BucketObjectv2(
        `${name}-canary-code`,
        {
            bucket: bucket.id,
            key: `code/probe-${scriptHash}.zip`,
            source: new pulumi.asset.AssetArchive({ [CANARY_CODE_PATH]: new pulumi.asset.StringAsset(CANARY_SCRIPT) }),
            serverSideEncryption: "aws:kms",
            kmsKeyId: canaryKey.arn,
            tags: tags(awsName(ctx, "canary", "code"), CANARY_SERVICE),
        },
        opts,
    );

    const probes = planProbes(ctx, args.peers, args.domain);
    const alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
    for (const p of probes) {
        const canary = new aws.synthetics.Canary(
            `${name}-canary-${p.target}`,
            {
                name: p.canaryName,
                artifactS3Location: pulumi.interpolate`s3://${bucket.bucket}/artifacts/`,
                artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: canaryKey.arn } },
                executionRoleArn: canaryRole.arn,
                handler: CANARY_HANDLER,
                runtimeVersion: s.canaryRuntime,
                s3Bucket: bucket.bucket,
                s3Key: code.key,
                schedule: { expression: `rate(${s.canaryRateMinutes} minute${s.canaryRateMinutes === 1 ? "" : "s"})` },
                runConfig: { timeoutInSeconds: 30, environmentVariables: { PROBE_URL: p.url } },
                startCanary: true,
                successRetentionPeriod: 7,
                failureRetentionPeriod: 31,
                tags: tags(p.canaryName),
            },
            opts,
        );
        alarms[p.target] = new aws.cloudwatch.MetricAlarm(
            `${name}-canary-${p.target}-alarm`,
            {
                name: p.alarmName,
                alarmDescription: `${p.url} failed from ${ctx.region} in ${s.canaryAlarmPeriods} consecutive runs${p.kind === "self" ? " (steady state of this region)" : ""}`,
                namespace: "CloudWatchSynthetics",
                metricName: "SuccessPercent",
                dimensions: { CanaryName: canary.name },
                statistic: "Average",
                period: 60 * s.canaryRateMinutes,
                evaluationPeriods: s.canaryAlarmPeriods,
                threshold: 100,
                comparisonOperator: "LessThanThreshold",
                // A canary that stops reporting is as bad as one that fails.
                treatMissingData: "breaching",
                alarmActions: [topic.arn],
                okActions: [topic.arn],
                tags: tags(p.alarmName),
            },
            opts,
        );
    }
    const selfProbe = probes.find((p) => p.kind === "self")!;
    const steadyStateAlarm = alarms[selfProbe.target];
    const peerAlarms = Object.fromEntries(probes.filter((p) => p.kind === "peer").map((p) => [p.target, alarms[p.target]]));

    const functions: Partial<Record<StoreKind, aws.lambda.Function>> = {};
    const triggerAlarmNames: string[] = [];
    if (!isSecondary) return { key, topic, bucket, steadyStateAlarm, peerAlarms, functions, triggerAlarmNames };

    // ---- Detection for failover into this region.
    const primary = args.primaryRegion!;
    const primaryProbe = probes.find((p) => p.kind === "peer" && p.target === primary);
    if (!primaryProbe) throw new pulumi.ResourceError(`DrAutomation ${name}: the primary region ${primary} must be among the probed peers (${args.peers.join(", ")})`, parent);
    const earlier = (args.earlierSuccessors ?? []).map((r) => {
        const p = probes.find((x) => x.kind === "peer" && x.target === r);
        if (!p) throw new pulumi.ResourceError(`DrAutomation ${name}: the earlier successor ${r} must be among the probed peers (${args.peers.join(", ")})`, parent);
        return p;
    });
    if (earlier.length > 0 && (args.primaryHealthCheckIds ?? []).length > 0) {
        throw new pulumi.ResourceError(`DrAutomation ${name}: only the first successor acts on the primary's health checks (this region follows ${earlier.map((p) => p.target).join(", ")} in the failover order)`, parent);
    }
    const primaryDownName = names.primaryDown(primary);
    new aws.cloudwatch.CompositeAlarm(
        `${name}-primary-down`,
        {
            alarmName: primaryDownName,
            alarmDescription: `${primary}'s API fails from ${ctx.region} while ${ctx.region}'s own API passes${earlier.length ? ` and ${earlier.map((p) => p.target).join(", ")} (earlier in the failover order) fail too` : ""}: fail over into ${ctx.region}`,
            alarmRule: primaryDownRule(primaryProbe.alarmName, selfProbe.alarmName, earlier.map((p) => p.alarmName)),
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags: tags(primaryDownName),
        },
        { parent, dependsOn: [alarms[primary], steadyStateAlarm, ...earlier.map((p) => alarms[p.target])] },
    );
    triggerAlarmNames.push(primaryDownName);

    const healthCheckIds = args.primaryHealthCheckIds ?? [];
    if (healthCheckIds.length > 0) {
        const busArn = pulumi.interpolate`arn:aws:events:${ctx.region}:${ctx.accountId}:event-bus/default`;
        const healthAlarmNames = healthCheckIds.map((_, i) => names.healthCheckAlarm(i));
        healthCheckIds.forEach((id, i) => {
            new aws.cloudwatch.MetricAlarm(
                `${name}-health-check-${i}-alarm`,
                {
                    region: HEALTH_CHECK_REGION,
                    name: healthAlarmNames[i],
                    alarmDescription: `Route 53 health check of ${primary}'s API is unhealthy (checked from several regions); forwarded to ${ctx.region} to fail over`,
                    namespace: "AWS/Route53",
                    metricName: "HealthCheckStatus",
                    dimensions: { HealthCheckId: id },
                    statistic: "Minimum",
                    period: 60,
                    // The health check already debounced: it is unhealthy after failureThreshold misses.
                    evaluationPeriods: 1,
                    threshold: 1,
                    comparisonOperator: "LessThanThreshold",
                    treatMissingData: "missing",
                    tags: tags(healthAlarmNames[i]),
                },
                opts,
            );
        });
        const forwarderRole = new aws.iam.Role(
            `${name}-forwarder-role`,
            {
                description: `Forwards Route 53 health-check alarms from ${HEALTH_CHECK_REGION} to ${ctx.region}'s default event bus`,
                assumeRolePolicy: serviceTrustPolicy(ctx, "events.amazonaws.com", { sourceAccount: true }),
                tags: tags(awsName(ctx, "dr-forwarder")),
            },
            opts,
        );
        new aws.iam.RolePolicy(`${name}-forwarder-policy`, { role: forwarderRole.id, policy: busArn.apply((b) => JSON.stringify(forwarderPolicy(b))) }, opts);
        const forwardRule = new aws.cloudwatch.EventRule(
            `${name}-forward-rule`,
            {
                region: HEALTH_CHECK_REGION,
                name: names.forwardRule,
                description: `Forward ${primary}'s Route 53 health-check alarms to ${ctx.region}`,
                eventPattern: JSON.stringify(alarmEventPattern(healthAlarmNames)),
                tags: tags(names.forwardRule),
            },
            opts,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-forward-target`,
            { region: HEALTH_CHECK_REGION, rule: forwardRule.name, arn: busArn, roleArn: forwarderRole.arn },
            opts,
        );
        triggerAlarmNames.push(...healthAlarmNames);
    }

    // ---- The failover functions.
    const targets = args.failover ?? {};
    const stores = STORES.filter((st) => (targets[st]?.length ?? 0) > 0);
    if (stores.length === 0) return { key, topic, bucket, steadyStateAlarm, peerAlarms, functions, triggerAlarmNames };

    const rule = new aws.cloudwatch.EventRule(
        `${name}-failover-rule`,
        {
            name: names.failoverRule,
            description: `Fail over into ${ctx.region} when ${primary} is down (${triggerAlarmNames.join(", ")})`,
            eventPattern: JSON.stringify(alarmEventPattern(triggerAlarmNames)),
            tags: tags(names.failoverRule),
        },
        opts,
    );
    const bundle = bundleLambda(FAILOVER_ENTRY);
    for (const store of stores) {
        const fnName = names.functionName(store);
        const logGroupName = names.logGroup(store);
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-${store}-logs`,
            { name: logGroupName, kmsKeyId: key.arn, retentionInDays: s.drLogRetentionDays, tags: tags(logGroupName) },
            opts,
        );
        const role = new aws.iam.Role(
            `${name}-${store}-role`,
            { description: `Failover of ${store} into ${ctx.region}`, assumeRolePolicy: serviceTrustPolicy(ctx, "lambda.amazonaws.com", { sourceAccount: true }), tags: tags(fnName) },
            opts,
        );
        const targetJson = resolveTargets(store, targets);
        const policy = new aws.iam.RolePolicy(
            `${name}-${store}-policy`,
            {
                role: role.id,
                policy: pulumi.all([account, logGroup.arn, topic.arn, key.arn, targetJson]).apply(([a, lg, t, k, tj]) =>
                    JSON.stringify(
                        failoverPolicy({
                            store,
                            region: ctx.region,
                            account: a,
                            logGroupArn: lg,
                            topicArn: t,
                            topicKeyArn: k,
                            ...(store === "elasticache" ? { globalDatastores: JSON.parse(tj) } : { globalClusters: JSON.parse(tj) }),
                        }),
                    ),
                ),
            },
            opts,
        );
        const fn = new aws.lambda.Function(
            `${name}-${store}`,
            {
                name: fnName,
                description: `Promotes ${store} into ${ctx.region} when ${primary} is down (idempotent; ENABLE_AUTO_FAILOVER guards alarms)`,
                runtime: "nodejs22.x",
                architectures: ["arm64"],
                handler: `index.${store}`,
                code: bundle.archive,
                role: role.arn,
                timeout: 120,
                memorySize: 256,
                // One run at a time per store: a second alarm waits, then finds the work done.
                reservedConcurrentExecutions: 1,
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                tracingConfig: { mode: "Active" },
                environment: {
                    variables: {
                        FAILOVER_STORE: store,
                        ENABLE_AUTO_FAILOVER: String(s.enableAutoFailover),
                        DRY_RUN: String(s.failoverDryRun),
                        TARGET_REGION: ctx.region,
                        TOPIC_ARN: topic.arn,
                        TARGETS: targetJson,
                        MAX_ATTEMPTS: String(s.failoverMaxAttempts),
                        RETRY_DELAY_MS: "2000",
                    },
                },
                tags: tags(fnName),
            },
            { parent, dependsOn: [policy, logGroup] },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-${store}-async`,
            { functionName: fn.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600, destinationConfig: { onFailure: { destination: topic.arn } } },
            opts,
        );
        new aws.lambda.Permission(`${name}-${store}-invoke`, { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn, sourceAccount: ctx.accountId }, opts);
        new aws.cloudwatch.EventTarget(
            `${name}-${store}-target`,
            { rule: rule.name, arn: fn.arn, retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 5 } },
            opts,
        );
        functions[store] = fn;
    }
    return { key, topic, bucket, steadyStateAlarm, peerAlarms, functions, triggerAlarmNames };
}

/** TARGETS for the function's environment: the store's entries with every Input resolved. */
function resolveTargets(store: StoreKind, t: FailoverTargets): pulumi.Output<string> {
    if (store === "elasticache") {
        return pulumi
            .all((t.elasticache ?? []).map((d) => pulumi.all([d.globalReplicationGroupId, d.replicationGroupId])))
            .apply((rows) => JSON.stringify(rows.map(([globalReplicationGroupId, replicationGroupId]) => ({ globalReplicationGroupId, replicationGroupId }))));
    }
    return pulumi
        .all((t[store] ?? []).map((g) => pulumi.all([g.globalClusterIdentifier, g.clusterArn])))
        .apply((rows) => JSON.stringify(rows.map(([globalClusterIdentifier, clusterArn]) => ({ globalClusterIdentifier, clusterArn }))));
}
