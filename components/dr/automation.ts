/**
 * DrAutomation (ARCHITECTURE §6, as docs/spec-deviations.md records): failover that still works
 * when the primary region is gone, decided and executed in the successor.
 *
 * Every region: a KMS-encrypted SNS topic for operations (with its paging subscriptions),
 * Synthetics canaries asking the site, through CloudFront, for this region's readiness
 * (`/probe/<self>/ready`: the steady state, the FIS stop condition) and whether each peer's load
 * balancer answers (`/probe/<peer>/alive`), and, where it has an ElastiCache member, the failover
 * function for that store (Region switch has no block for it).
 *
 * A successor additionally owns, for its pair with the primary:
 * - the decision: a composite alarm "the primary is unreachable while I am ready" (and every
 *   successor before me in the failover order is unreachable too), here, over the internet path;
 * - the ARC Region switch plan (both Regions, activePassive) whose workflow promotes every store in
 *   one parallel step (Aurora and DocumentDB blocks, the ElastiCache function of the activating
 *   Region), triggered by the decision when ENABLE_AUTO_FAILOVER is on, with its execution role;
 * - an EventBridge rule running this region's ElastiCache function on the decision (Region switch
 *   skips Lambda steps in an ungraceful execution, which is what a lost Region gets).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RegionContext, awsName } from "../common/context";
import { ServiceKey, serviceKey } from "../common/kms";
import { logsPrincipal } from "../common/logs";
import { privateBucket } from "../common/private-bucket";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { bundleLambda } from "./bundle";
import {
    CANARY_CODE_PATH,
    CANARY_HANDLER,
    CANARY_SCRIPT,
    FUNCTION_STORE,
    alarmArn,
    GlobalClusterTarget,
    GlobalDatastoreTarget,
    REGION_SWITCH_PRINCIPAL,
    StoreKind,
    alarmEventPattern,
    canaryPolicy,
    drNames,
    failoverPolicy,
    functionArn,
    planProbes,
    planRegionSwitch,
    primaryDownRule,
    regionSwitchPlanName,
    regionSwitchPolicy,
} from "./plan";

const SERVICE = "dr";
/** How old a decision event may be and still promote (EventBridge and Lambda async both default to an hour). */
export const DECISION_MAX_AGE_SECONDS = 300;
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
     * Whether a Region loss promotes by itself (`ENABLE_AUTO_FAILOVER`): the Region switch plan's
     * trigger and the ElastiCache function's alarm path. A manual execution or an operator's
     * invocation runs whatever this says. (The settings reader defaults it to true in production
     * and false elsewhere: ARCHITECTURE §6.)
     */
    readonly enableAutoFailover: boolean;
    /** The ElastiCache function logs and notifies what it would do, and changes nothing. (Reader default: false.) */
    readonly failoverDryRun: boolean;
    /** Attempts per datastore inside one invocation before it reports a failure and lets Lambda retry. (Reader default: 3.) */
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
     * This region's members of the global stores (GlobalData): what a promotion into this region
     * promotes. On every region ElastiCache members get the failover function; on a successor the
     * Aurora and DocumentDB members go into the Region switch plan. @default {} - nothing to promote
     */
    readonly failover?: FailoverTargets;
    /**
     * On a successor: the primary's member cluster ARNs, index for index with `failover.aurora` and
     * `failover.docdb` (the plan names both Regions' members). @default {}
     */
    readonly primaryClusterArns?: { readonly aurora?: readonly pulumi.Input<string>[]; readonly docdb?: readonly pulumi.Input<string>[] };
    /**
     * EventBridge rules of this region (names) that page security findings to the topic
     * (components/security/detection.ts): the topic admits exactly them, and the topic's key lets
     * EventBridge encrypt. @default [] - none
     */
    readonly findingRuleNames?: readonly string[];
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
                logsPrincipal(ctx.region, ctx.accountId, `/aws/lambda/${ctx.prefix}-${ctx.region}-failover-*`, "ArnLike"),
                // Alarms publish to the encrypted topic as the CloudWatch service.
                { principal: "cloudwatch.amazonaws.com", condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } } },
                // Security findings arrive through EventBridge rules. Unconditioned, as EventBridge's
                // guide writes it (conditions here are reported to break deliveries to encrypted
                // targets); the topic policy admits only the findings rules.
                ...((args.findingRuleNames ?? []).length > 0 ? [{ principal: "events.amazonaws.com", actions: ["kms:GenerateDataKey*", "kms:Decrypt"] }] : []),
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
                        ...((args.findingRuleNames ?? []).length > 0
                            ? [
                                  {
                                      Sid: "SecurityFindings",
                                      Effect: "Allow",
                                      Principal: { Service: "events.amazonaws.com" },
                                      Action: "sns:Publish",
                                      Resource: arn,
                                      Condition: { ArnEquals: { "aws:SourceArn": (args.findingRuleNames ?? []).map((n) => `arn:aws:events:${ctx.region}:${acct}:rule/${n}`) } },
                                  },
                              ]
                            : []),
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
                runConfig: { timeoutInSeconds: 30, environmentVariables: { PROBE_URL: p.url, ...(p.expect ? { PROBE_EXPECT: p.expect } : {}) } },
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
                // This region's readiness: any failed run counts, and a canary that stops reporting is
                // as bad as one that fails (it blocks a promotion into here, the safe side). A peer's
                // reachability decides a promotion: only periods in which no run succeeded count
                // (forged zeros under the canary's name cannot outvote its real successes), and a
                // canary that stops reporting promotes nothing.
                statistic: p.kind === "self" ? "Average" : "Maximum",
                period: 60 * s.canaryRateMinutes,
                evaluationPeriods: s.canaryAlarmPeriods,
                threshold: 100,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: p.kind === "self" ? "breaching" : "notBreaching",
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

    // ---- The ElastiCache failover function, in every Region with a member (Region switch has no
    // block for the store): the plans of both Regions' pairs run it, and on a successor the decision
    // alarm's rule does too.
    const cache = (args.failover?.elasticache ?? []).length > 0 ? declareCacheFunction(parent, name, args, key, topic) : undefined;
    const functions: Partial<Record<StoreKind, aws.lambda.Function>> = cache ? { [FUNCTION_STORE]: cache } : {};
    const triggerAlarmNames: string[] = [];
    if (!isSecondary) return { key, topic, bucket, steadyStateAlarm, peerAlarms, functions, triggerAlarmNames };

    // ---- The decision, in this successor, over the internet path (docs/dr.md "The signal").
    const primary = args.primaryRegion!;
    const primaryProbe = probes.find((p) => p.kind === "peer" && p.target === primary);
    if (!primaryProbe) throw new pulumi.ResourceError(`DrAutomation ${name}: the primary region ${primary} must be among the probed peers (${args.peers.join(", ")})`, parent);
    const earlier = (args.earlierSuccessors ?? []).map((r) => {
        const p = probes.find((x) => x.kind === "peer" && x.target === r);
        if (!p) throw new pulumi.ResourceError(`DrAutomation ${name}: the earlier successor ${r} must be among the probed peers (${args.peers.join(", ")})`, parent);
        return p;
    });
    const primaryDownName = names.primaryDown(primary);
    const decision = new aws.cloudwatch.CompositeAlarm(
        `${name}-primary-down`,
        {
            alarmName: primaryDownName,
            alarmDescription: `${primary} is unreachable through CloudFront from ${ctx.region} while ${ctx.region}'s own API is ready${earlier.length ? ` and ${earlier.map((p) => p.target).join(", ")} (earlier in the failover order) are unreachable too` : ""}: fail over into ${ctx.region}`,
            alarmRule: primaryDownRule(primaryProbe.alarmName, selfProbe.alarmName, earlier.map((p) => p.alarmName)),
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags: tags(primaryDownName),
        },
        { parent, dependsOn: [alarms[primary], steadyStateAlarm, ...earlier.map((p) => alarms[p.target])] },
    );
    triggerAlarmNames.push(primaryDownName);

    // The same decision runs the ElastiCache function (Region switch skips Lambda steps when ungraceful).
    if (cache) {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-failover-rule`,
            {
                name: names.failoverRule,
                description: `Promote ElastiCache into ${ctx.region} when ${primaryDownName} enters ALARM (${primary} lost)`,
                eventPattern: JSON.stringify(alarmEventPattern(triggerAlarmNames)),
                tags: tags(names.failoverRule),
            },
            opts,
        );
        new aws.lambda.Permission(`${name}-${FUNCTION_STORE}-invoke`, { action: "lambda:InvokeFunction", function: cache.name, principal: "events.amazonaws.com", sourceArn: rule.arn, sourceAccount: ctx.accountId }, opts);
        // A decision is acted on while it is fresh: 5 minutes, not EventBridge's and Lambda's hour.
        new aws.cloudwatch.EventTarget(`${name}-${FUNCTION_STORE}-target`, { rule: rule.name, arn: cache.arn, retryPolicy: { maximumEventAgeInSeconds: DECISION_MAX_AGE_SECONDS, maximumRetryAttempts: 5 } }, opts);
    }

    // ---- The Region switch plan of this pair (primary, this successor), owned by this later stack.
    const targets = args.failover ?? {};
    const primaryArns = args.primaryClusterArns ?? {};
    for (const kind of ["aurora", "docdb"] as const) {
        if ((primaryArns[kind] ?? []).length !== (targets[kind] ?? []).length) {
            throw new pulumi.ResourceError(`DrAutomation ${name}: primaryClusterArns.${kind} must name the primary's member of each of the ${(targets[kind] ?? []).length} ${kind} global clusters, in order`, parent);
        }
    }
    const planName = regionSwitchPlanName(ctx.prefix, primary, ctx.region);
    // The primary's function is in its stack (deployed first): its ARN follows from its name.
    const primaryFunctionArn = account.apply((a) => functionArn(primary, a, drNames({ prefix: ctx.prefix, region: primary }).functionName(FUNCTION_STORE)));
    const cacheFunctionArns = cache ? [cache.arn, primaryFunctionArn] : [];
    const pairs = (kind: "aurora" | "docdb") => (targets[kind] ?? []).map((g, i) => ({ globalClusterIdentifier: g.globalClusterIdentifier, clusterArns: [primaryArns[kind]![i], g.clusterArn] }));
    const aurora = pairs("aurora");
    const docdb = pairs("docdb");
    const databases = [...aurora, ...docdb];
    const planned = planRegionSwitch<pulumi.Input<string>>({
        primary,
        successor: ctx.region,
        aurora,
        docdb,
        cacheFunctionArns,
        decisionAlarmArn: decision.arn,
        healthAlarmArn: steadyStateAlarm.arn,
        automatic: s.enableAutoFailover,
    });
    const roleName = names.regionSwitchRole(primary);
    const role = new aws.iam.Role(
        `${name}-region-switch-role`,
        // AWS documents the trust without conditions; aws:SourceAccount is not documented for this service.
        { name: roleName, description: `Executes the Region switch plan ${planName}`, assumeRolePolicy: serviceTrustPolicy(ctx, REGION_SWITCH_PRINCIPAL), tags: tags(roleName) },
        opts,
    );
    const rolePolicy = new aws.iam.RolePolicy(
        `${name}-region-switch-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([
                    account,
                    pulumi.all(databases.map((g) => pulumi.output(g.globalClusterIdentifier))),
                    pulumi.all(databases.flatMap((g) => g.clusterArns.map((a) => pulumi.output(a)))),
                    pulumi.all(cacheFunctionArns.map((a) => pulumi.output(a))),
                    pulumi.all([decision.arn, steadyStateAlarm.arn]),
                ])
                .apply(([a, globalClusterIds, clusterArns, functionArns, alarmArns]) => JSON.stringify(regionSwitchPolicy({ account: a, globalClusterIds, clusterArns, functionArns, alarmArns }))),
        },
        opts,
    );
    const plan = new aws.arcregionswitch.Plan(
        `${name}-region-switch`,
        {
            name: planName,
            description: `Promote the single-writer stores from ${primary} into ${ctx.region} (and back)${s.enableAutoFailover ? "; triggered by " + primaryDownName : "; manual executions only (ENABLE_AUTO_FAILOVER off)"}`,
            executionRole: role.arn,
            ...planned,
            tags: tags(planName),
        },
        { parent, dependsOn: [rolePolicy] },
    );
    return { key, topic, bucket, steadyStateAlarm, peerAlarms, functions, triggerAlarmNames, plan };
}

/** The ElastiCache failover function of this Region: its log group, role, and async settings. */
function declareCacheFunction(parent: pulumi.Resource, name: string, args: DrAutomationArgs, key: ServiceKey, topic: aws.sns.Topic): aws.lambda.Function {
    const ctx = args.context;
    const s = args.settings;
    const names = drNames(ctx);
    const opts = { parent };
    const tags = (nameTag: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, nameTag);
    const store = FUNCTION_STORE;
    const fnName = names.functionName(store);
    const logGroupName = names.logGroup(store);
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-${store}-logs`, { name: logGroupName, kmsKeyId: key.arn, retentionInDays: s.drLogRetentionDays, tags: tags(logGroupName) }, opts);
    const role = new aws.iam.Role(
        `${name}-${store}-role`,
        // Named like the function: the elasticache key names it (components/data/key-users.ts).
        { name: fnName, description: `Failover of ${store} into ${ctx.region}`, assumeRolePolicy: serviceTrustPolicy(ctx, "lambda.amazonaws.com", { sourceAccount: true }), tags: tags(fnName) },
        opts,
    );
    const targetJson = resolveTargets(args.failover?.elasticache ?? []);
    const policy = new aws.iam.RolePolicy(
        `${name}-${store}-policy`,
        {
            role: role.id,
            policy: pulumi.all([pulumi.output(ctx.accountId), logGroup.arn, topic.arn, key.arn, targetJson]).apply(([a, lg, t, k, tj]) =>
                JSON.stringify(
                    failoverPolicy({
                        region: ctx.region,
                        account: a,
                        logGroupArn: lg,
                        topicArn: t,
                        topicKeyArn: k,
                        globalDatastores: JSON.parse(tj),
                        // On a successor the decision's events run it; it re-reads the decision first.
                        decisionAlarmArns: args.primaryRegion ? [alarmArn(ctx.region, a, names.primaryDown(args.primaryRegion))] : [],
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
            description: `Promotes ${store} into ${ctx.region}: Region switch (graceful), the decision alarm (Region lost), an operator (idempotent)`,
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: `index.${store}`,
            code: bundleLambda(FAILOVER_ENTRY).archive,
            role: role.arn,
            timeout: 120,
            memorySize: 256,
            // One run at a time: a second trigger waits, then finds the work done.
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
        // Lambda retries after 1 and 2 minutes: both within the decision's 5 minutes.
        { functionName: fn.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: DECISION_MAX_AGE_SECONDS, destinationConfig: { onFailure: { destination: topic.arn } } },
        opts,
    );
    return fn;
}

/** TARGETS for the function's environment: the datastores with every Input resolved. */
function resolveTargets(targets: readonly GlobalDatastoreTarget<pulumi.Input<string>>[]): pulumi.Output<string> {
    return pulumi
        .all(targets.map((d) => pulumi.all([d.globalReplicationGroupId, d.replicationGroupId])))
        .apply((rows) => JSON.stringify(rows.map(([globalReplicationGroupId, replicationGroupId]) => ({ globalReplicationGroupId, replicationGroupId }))));
}
