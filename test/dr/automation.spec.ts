import * as assert from "assert";
import { DrAutomation, DrAutomationArgs, pageId } from "../../components/dr/automation";
import { planRegionSwitch, regionCode, regionSwitchPlanName } from "../../components/dr/plan";
import { bundleLambda } from "../../components/dr/bundle";
import { Resources, planComponent, testContext } from "../harness";

const SETTINGS = {
    enableAutoFailover: true,
    failoverDryRun: false,
    failoverMaxAttempts: 3,
    drLogRetentionDays: 90,
    canaryRuntime: "syn-nodejs-puppeteer-9.1",
    canaryRateMinutes: 1,
    canaryAlarmPeriods: 2,
};
const WEST_AURORA = "arn:aws:rds:us-west-2:123456789012:cluster:mall-us-west-2-aurora";
const WEST_DOCDB = "arn:aws:rds:us-west-2:123456789012:cluster:mall-us-west-2-docdb";
const EAST_AURORA = "arn:aws:rds:us-east-1:123456789012:cluster:mall-us-east-1-aurora";
const EAST_DOCDB = "arn:aws:rds:us-east-1:123456789012:cluster:mall-us-east-1-docdb";

function secondaryArgs(over: Partial<DrAutomationArgs> = {}): DrAutomationArgs {
    return {
        context: testContext("us-west-2", "secondary"),
        domain: "mall.example.com",
        peers: ["us-east-1"],
        primaryRegion: "us-east-1",
        settings: SETTINGS,
        failover: {
            aurora: [{ globalClusterIdentifier: "mall-aurora", clusterArn: WEST_AURORA }],
            docdb: [{ globalClusterIdentifier: "mall-docdb", clusterArn: WEST_DOCDB }],
            elasticache: [{ globalReplicationGroupId: "ldgnf-mall-cache", replicationGroupId: "mall-us-west-2-cache" }],
        },
        primaryClusterArns: { aurora: [EAST_AURORA], docdb: [EAST_DOCDB] },
        ...over,
    };
}

const plan = (args: DrAutomationArgs) => planComponent(() => new DrAutomation("dr", args), { region: args.context.region });
const doc = (r: { inputs: Record<string, unknown> }, key = "policy") => JSON.parse(String(r.inputs[key]));

describe("DrAutomation", () => {
    let west: Resources;
    before(async () => {
        west = await plan(secondaryArgs());
    });

    it("declares the full pipeline on a secondary", () => {
        assert.deepStrictEqual(west.countsByType(), {
            "aws:kms/key:Key": 2,
            "aws:kms/alias:Alias": 2,
            "aws:sns/topic:Topic": 1,
            "aws:sns/topicPolicy:TopicPolicy": 1,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
            "aws:s3/bucketObjectv2:BucketObjectv2": 1,
            "aws:iam/role:Role": 3,
            "aws:iam/rolePolicy:RolePolicy": 3,
            "aws:synthetics/canary:Canary": 2,
            "aws:cloudwatch/metricAlarm:MetricAlarm": 2,
            "aws:cloudwatch/compositeAlarm:CompositeAlarm": 1,
            "aws:cloudwatch/eventRule:EventRule": 1,
            "aws:cloudwatch/eventTarget:EventTarget": 1,
            "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:lambda/function:Function": 1,
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 1,
            "aws:lambda/permission:Permission": 1,
            "aws:arcregionswitch/plan:Plan": 1,
        });
    });

    it("encrypts the topic with its own key and lets only CloudWatch and the account publish", () => {
        const topic = west.one("aws:sns/topic:Topic", "dr-topic");
        assert.strictEqual(topic.inputs.name, "mall-us-west-2-dr");
        assert.deepStrictEqual(topic.propertyDependencies.kmsMasterKeyId, [west.urn("dr-dr-key")]);
        const policy = doc(west.one("aws:sns/topicPolicy:TopicPolicy", "dr-topic-policy"));
        assert.deepStrictEqual(policy.Statement.map((s: { Sid: string }) => s.Sid), ["AccountManages", "CloudWatchAlarms", "TlsOnly"]);
        const keyPolicy = doc(west.one("aws:kms/key:Key", "dr-dr-key"));
        const logs = keyPolicy.Statement.find((s: { Principal?: { Service?: string } }) => s.Principal?.Service === "logs.us-west-2.amazonaws.com");
        assert.deepStrictEqual(logs.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/mall-us-west-2-failover-*" } });
    });

    it("asks the site for its own readiness and whether the primary is reachable, each with an alarm on SuccessPercent", () => {
        const self = west.one("aws:synthetics/canary:Canary", "dr-canary-us-west-2");
        const primary = west.one("aws:synthetics/canary:Canary", "dr-canary-us-east-1");
        assert.strictEqual(self.inputs.name, "mall-api-us-west-2");
        assert.deepStrictEqual(self.inputs.runConfig, { timeoutInSeconds: 30, environmentVariables: { PROBE_URL: "https://mall.mall.example.com/probe/us-west-2/ready" } });
        assert.deepStrictEqual(primary.inputs.runConfig, {
            timeoutInSeconds: 30,
            environmentVariables: { PROBE_URL: "https://mall.mall.example.com/probe/us-east-1/alive", PROBE_EXPECT: "alive us-east-1" },
        });
        assert.deepStrictEqual(primary.inputs.schedule, { expression: "rate(1 minute)" });
        assert.strictEqual(primary.inputs.runtimeVersion, "syn-nodejs-puppeteer-9.1");
        assert.strictEqual(primary.inputs.handler, "probe.handler");
        assert.deepStrictEqual(primary.propertyDependencies.artifactConfig, [west.urn("dr-canary-key")]);
        const alarm = west.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-canary-us-east-1-alarm");
        assert.strictEqual(alarm.inputs.name, "mall-us-west-2-canary-us-east-1");
        const fields = (a: typeof alarm) => [a.inputs.namespace, a.inputs.metricName, a.inputs.statistic, a.inputs.period, a.inputs.evaluationPeriods, a.inputs.threshold, a.inputs.comparisonOperator, a.inputs.treatMissingData];
        // The peer's alarm decides a promotion: forged zeros cannot outvote real successes, a silent canary promotes nothing.
        assert.deepStrictEqual(fields(alarm), ["CloudWatchSynthetics", "SuccessPercent", "Maximum", 60, 2, 100, "LessThanThreshold", "notBreaching"]);
        // Its own readiness blocks a promotion on any failure or silence.
        assert.deepStrictEqual(fields(west.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-canary-us-west-2-alarm")), ["CloudWatchSynthetics", "SuccessPercent", "Average", 60, 2, 100, "LessThanThreshold", "breaching"]);
        const composite = west.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "dr-primary-down");
        assert.strictEqual(composite.inputs.alarmRule, 'ALARM("mall-us-west-2-canary-us-east-1") AND OK("mall-us-west-2-canary-us-west-2")');
    });

    it("keeps canary artifacts in a protected, KMS-encrypted, private, TLS-only bucket", () => {
        const bucket = west.one("aws:s3/bucket:Bucket", "dr-canary-bucket");
        assert.strictEqual(bucket.protect, true);
        assert.strictEqual(bucket.inputs.bucket, "mall-us-west-2-canary-123456789012");
        assert.strictEqual((bucket.inputs.tags as Record<string, string>).service, "dr-canary");
        const sse = west.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "dr-canary-bucket-sse");
        assert.deepStrictEqual(sse.propertyDependencies.rules, [west.urn("dr-canary-key")]);
        const pab = west.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "dr-canary-bucket-pab");
        for (const f of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.strictEqual(pab.inputs[f], true, f);
        const policy = doc(west.one("aws:s3/bucketPolicy:BucketPolicy", "dr-canary-bucket-policy"));
        assert.deepStrictEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.strictEqual(policy.Statement[0].Effect, "Deny");
        for (const k of west.ofType("aws:kms/key:Key")) assert.strictEqual(k.protect, true);
    });

    it("runs the ElastiCache function on the decision alarm only (no Route 53 path: an application outage must not promote)", () => {
        const rule = west.one("aws:cloudwatch/eventRule:EventRule", "dr-failover-rule");
        assert.strictEqual(rule.inputs.region, undefined);
        assert.deepStrictEqual(JSON.parse(String(rule.inputs.eventPattern)).detail, { alarmName: ["mall-us-west-2-primary-us-east-1-down"], state: { value: ["ALARM"] } });
        const t = west.one("aws:cloudwatch/eventTarget:EventTarget", "dr-elasticache-target");
        assert.deepStrictEqual(t.propertyDependencies.arn, [west.urn("dr-elasticache")]);
        const perm = west.one("aws:lambda/permission:Permission", "dr-elasticache-invoke");
        assert.strictEqual(perm.inputs.principal, "events.amazonaws.com");
        assert.deepStrictEqual(perm.propertyDependencies.sourceArn, [west.urn("dr-failover-rule")]);
        const async = west.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "dr-elasticache-async");
        assert.deepStrictEqual([async.inputs.maximumRetryAttempts, async.inputs.maximumEventAgeInSeconds], [2, 300]);
        assert.deepStrictEqual(t.inputs.retryPolicy, { maximumEventAgeInSeconds: 300, maximumRetryAttempts: 5 });
        assert.deepStrictEqual(async.propertyDependencies.destinationConfig, [west.urn("dr-topic")]);
        assert.ok(west.all.every((r) => r.inputs.region === undefined), "nothing is declared in another region");
    });

    it("configures the function exactly: bundle, flag, targets, own encrypted log group", () => {
        const fn = west.one("aws:lambda/function:Function", "dr-elasticache");
        const bundle = bundleLambda("lambdas/failover/index.ts");
        assert.deepStrictEqual((fn.inputs.code as { assets: Record<string, { path: string }> }).assets["index.js"].path, bundle.file);
        assert.strictEqual(fn.inputs.name, "mall-us-west-2-failover-elasticache");
        assert.strictEqual(fn.inputs.handler, "index.elasticache");
        assert.strictEqual(fn.inputs.runtime, "nodejs22.x");
        assert.strictEqual(fn.inputs.reservedConcurrentExecutions, 1);
        assert.deepStrictEqual((fn.inputs.environment as { variables: Record<string, string> }).variables, {
            FAILOVER_STORE: "elasticache",
            ENABLE_AUTO_FAILOVER: "true",
            DRY_RUN: "false",
            TARGET_REGION: "us-west-2",
            TOPIC_ARN: (fn.inputs.environment as { variables: Record<string, string> }).variables.TOPIC_ARN,
            TARGETS: JSON.stringify([{ globalReplicationGroupId: "ldgnf-mall-cache", replicationGroupId: "mall-us-west-2-cache" }]),
            MAX_ATTEMPTS: "3",
            RETRY_DELAY_MS: "2000",
        });
        assert.deepStrictEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: "/aws/lambda/mall-us-west-2-failover-elasticache" });
        const lg = west.one("aws:cloudwatch/logGroup:LogGroup", "dr-elasticache-logs");
        assert.strictEqual(lg.inputs.retentionInDays, 90);
        assert.deepStrictEqual(lg.propertyDependencies.kmsKeyId, [west.urn("dr-dr-key")]);
    });

    it("grants the function failover or detach of exactly its datastore and member", () => {
        const cache = doc(west.one("aws:iam/rolePolicy:RolePolicy", "dr-elasticache-policy")).Statement;
        assert.deepStrictEqual(cache.find((s: { Sid: string }) => s.Sid === "Promote"), {
            Sid: "Promote",
            Effect: "Allow",
            Action: ["elasticache:FailoverGlobalReplicationGroup", "elasticache:DisassociateGlobalReplicationGroup"],
            Resource: ["arn:aws:elasticache::123456789012:globalreplicationgroup:ldgnf-mall-cache", "arn:aws:elasticache:us-west-2:123456789012:replicationgroup:mall-us-west-2-cache"],
        });
        assert.deepStrictEqual(cache.find((s: { Sid: string }) => s.Sid === "Detached").Resource, ["arn:aws:elasticache:us-west-2:123456789012:replicationgroup:mall-us-west-2-cache"]);
        // It re-reads the decision before acting on its event.
        assert.deepStrictEqual(cache.find((s: { Sid: string }) => s.Sid === "DecisionStillHolds"), {
            Sid: "DecisionStillHolds",
            Effect: "Allow",
            Action: "cloudwatch:DescribeAlarms",
            Resource: ["arn:aws:cloudwatch:us-west-2:123456789012:alarm:mall-us-west-2-primary-us-east-1-down"],
        });
        for (const rp of west.ofType("aws:iam/rolePolicy:RolePolicy")) {
            for (const s of doc(rp).Statement) {
                const actions = [s.Action].flat() as string[];
                assert.ok(!actions.some((a) => a === "*" || a.endsWith(":*")), `${rp.name} ${s.Sid} has a wildcard action`);
                if ([s.Resource].flat().includes("*")) {
                    assert.ok(["Tracing", "ListBuckets", "Metrics"].includes(s.Sid), `${rp.name} ${s.Sid} is on "*"`);
                }
            }
        }
    });

    it("owns the Region switch plan of its pair: both Regions, every store in one parallel step, triggered by the decision alarm", () => {
        const p = west.one("aws:arcregionswitch/plan:Plan", "dr-region-switch");
        assert.strictEqual(p.inputs.name, "mall-us-east-1-us-west-2");
        assert.deepStrictEqual([p.inputs.recoveryApproach, p.inputs.regions, p.inputs.primaryRegion, p.inputs.recoveryTimeObjectiveMinutes], ["activePassive", ["us-east-1", "us-west-2"], "us-east-1", 2]);
        assert.deepStrictEqual(p.propertyDependencies.executionRole, [west.urn("dr-region-switch-role")]);
        const alarms = p.inputs.associatedAlarms as { mapBlockKey: string; alarmType: string; resourceIdentifier: string }[];
        assert.deepStrictEqual(alarms.map((a) => [a.mapBlockKey, a.alarmType]), [["primary-down", "trigger"], ["successor-ready", "applicationHealth"]]);
        assert.match(alarms[0].resourceIdentifier, /:alarm:mall-us-west-2-primary-us-east-1-down$/);
        assert.deepStrictEqual(p.inputs.triggers, [
            {
                action: "activate",
                targetRegion: "us-west-2",
                description: "us-east-1 is unreachable over the internet path from us-west-2, which is ready",
                conditions: [{ associatedAlarmName: "primary-down", condition: "red" }],
                minDelayMinutesBetweenExecutions: 60,
            },
        ]);
        const [workflow] = p.inputs.workflows as { workflowTargetAction: string; workflowTargetRegion?: string; steps: { executionBlockType: string; parallelConfigs: { steps: Record<string, unknown>[] }[] }[] }[];
        assert.deepStrictEqual([workflow.workflowTargetAction, workflow.workflowTargetRegion, workflow.steps.map((x) => x.executionBlockType)], ["activate", undefined, ["Parallel"]]);
        const steps = workflow.steps[0].parallelConfigs[0].steps;
        assert.deepStrictEqual(steps.map((x) => x.executionBlockType), ["AuroraGlobalDatabase", "DocumentDb", "CustomActionLambda"]);
        assert.deepStrictEqual(steps[0].globalAuroraConfigs, [{ behavior: "switchoverOnly", globalClusterIdentifier: "mall-aurora", databaseClusterArns: [EAST_AURORA, WEST_AURORA], ungracefuls: [{ ungraceful: "failover" }], timeoutMinutes: 30 }]);
        assert.deepStrictEqual(steps[1].documentDbConfigs, [{ behavior: "switchoverOnly", globalClusterIdentifier: "mall-docdb", databaseClusterArns: [EAST_DOCDB, WEST_DOCDB], ungracefuls: [{ ungraceful: "failover" }], timeoutMinutes: 30 }]);
        const lambda = (steps[2].customActionLambdaConfigs as { lambdas: { arn: string }[]; regionToRun: string; ungracefuls: unknown }[])[0];
        assert.deepStrictEqual([lambda.regionToRun, lambda.ungracefuls, lambda.lambdas.length], ["activatingRegion", [{ behavior: "skip" }], 2]);
        assert.strictEqual(lambda.lambdas[1].arn, "arn:aws:lambda:us-east-1:123456789012:function:mall-us-east-1-failover-elasticache");
        assert.ok(!JSON.stringify(p.inputs.workflows).includes("ManualApproval"), "an automatic execution never waits for approval");
    });

    it("lets the plan's role touch only the plan's databases, functions and alarms", () => {
        const role = west.one("aws:iam/role:Role", "dr-region-switch-role");
        assert.strictEqual(role.inputs.name, "mall-us-west-2-region-switch-us-east-1");
        assert.deepStrictEqual(doc(role, "assumeRolePolicy").Statement.map((s: { Principal: { Service: string } }) => s.Principal.Service), ["arc-region-switch.amazonaws.com"]);
        const statements = doc(west.one("aws:iam/rolePolicy:RolePolicy", "dr-region-switch-policy")).Statement as { Sid: string; Action: string[]; Resource: string[] }[];
        const databases = ["arn:aws:rds::123456789012:global-cluster:mall-aurora", "arn:aws:rds::123456789012:global-cluster:mall-docdb", EAST_AURORA, WEST_AURORA, EAST_DOCDB, WEST_DOCDB];
        assert.deepStrictEqual(statements.find((x) => x.Sid === "PromoteDatabases"), { Sid: "PromoteDatabases", Effect: "Allow", Action: ["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"], Resource: databases });
        assert.deepStrictEqual(statements.find((x) => x.Sid === "CacheFunction")!.Resource[1], "arn:aws:lambda:us-east-1:123456789012:function:mall-us-east-1-failover-elasticache");
        assert.strictEqual(statements.find((x) => x.Sid === "ReadAlarms")!.Resource.length, 2);
    });

    it("tags everything with service and region", () => {
        for (const r of west.all.filter((x) => x.custom && x.inputs.tags !== undefined)) {
            const t = r.inputs.tags as Record<string, string>;
            assert.ok(t.service && t.region === "us-west-2", `${r.name} tags ${JSON.stringify(t)}`);
        }
    });

    it("ENABLE_AUTO_FAILOVER off: the plan has no trigger (manual executions only) and the function ignores alarms", async () => {
        const off = await plan(secondaryArgs({ settings: { ...SETTINGS, enableAutoFailover: false, failoverDryRun: true } }));
        const vars = (off.one("aws:lambda/function:Function", "dr-elasticache").inputs.environment as { variables: Record<string, string> }).variables;
        assert.deepStrictEqual([vars.ENABLE_AUTO_FAILOVER, vars.DRY_RUN], ["false", "true"]);
        assert.deepStrictEqual(off.one("aws:arcregionswitch/plan:Plan", "dr-region-switch").inputs.triggers, []);
    });

    it("without an ElastiCache member: no function, no rule; the plan keeps its database blocks", async () => {
        const bare = await plan(secondaryArgs({ failover: { aurora: secondaryArgs().failover!.aurora, docdb: secondaryArgs().failover!.docdb } }));
        assert.strictEqual(bare.count("aws:lambda/function:Function"), 0);
        assert.strictEqual(bare.count("aws:cloudwatch/eventRule:EventRule"), 0);
        const steps = (bare.one("aws:arcregionswitch/plan:Plan", "dr-region-switch").inputs.workflows as { steps: { parallelConfigs: { steps: { executionBlockType: string }[] }[] }[] }[])[0].steps[0].parallelConfigs[0].steps;
        assert.deepStrictEqual(steps.map((x) => x.executionBlockType), ["AuroraGlobalDatabase", "DocumentDb"]);
    });

    it("refuses a plan whose primary members do not line up with this region's", async () => {
        await assert.rejects(plan(secondaryArgs({ primaryClusterArns: { aurora: [EAST_AURORA] } })), /primaryClusterArns\.docdb must name the primary's member of each of the 1 docdb global clusters, in order/);
    });

    it("on the primary: topic, canaries and its own ElastiCache function (failback), no decision and no plan", async () => {
        const east = await plan({ ...secondaryArgs(), context: testContext("us-east-1", "primary"), peers: ["us-west-2"], primaryRegion: undefined, primaryClusterArns: undefined });
        assert.deepStrictEqual(east.ofType("aws:synthetics/canary:Canary").map((c) => c.inputs.name).sort(), ["mall-api-us-east-1", "mall-api-us-west-2"]);
        assert.deepStrictEqual(east.ofType("aws:lambda/function:Function").map((f) => f.inputs.name), ["mall-us-east-1-failover-elasticache"]);
        assert.strictEqual(east.count("aws:cloudwatch/compositeAlarm:CompositeAlarm"), 0);
        assert.strictEqual(east.count("aws:cloudwatch/eventRule:EventRule"), 0);
        assert.strictEqual(east.count("aws:arcregionswitch/plan:Plan"), 0);
    });

    it("bundles deterministically", () => {
        const a = bundleLambda("lambdas/failover/index.ts");
        assert.match(a.file, /^\.build\/lambdas\/[0-9a-f]{16}\/index\.js$/);
        assert.strictEqual(a.file.split("/")[2], a.sha256.slice(0, 16));
    });
});

describe("DrAutomation: paging", () => {
    it("subscribes each mall:drNotifications endpoint to the DR topic: email as email, an https URL that confirms itself", async () => {
        const res = await plan(secondaryArgs({ settings: { ...SETTINGS, notifications: ["oncall@example.com", "https://events.pagerduty.com/integration/abc123/enqueue"] } }));
        const subs = res.ofType("aws:sns/topicSubscription:TopicSubscription").sort((a, b) => String(a.inputs.protocol).localeCompare(String(b.inputs.protocol)));
        assert.deepStrictEqual(
            subs.map((s) => [s.name, s.inputs.protocol, s.inputs.endpoint, s.inputs.endpointAutoConfirms]),
            [
                [`dr-page-${pageId("oncall@example.com")}`, "email", "oncall@example.com", undefined],
                [`dr-page-${pageId("https://events.pagerduty.com/integration/abc123/enqueue")}`, "https", "https://events.pagerduty.com/integration/abc123/enqueue", true],
            ],
        );
        // Named by endpoint: dropping the first address leaves the second's resource (and subscription) alone.
        const fewer = await plan(secondaryArgs({ settings: { ...SETTINGS, notifications: ["https://events.pagerduty.com/integration/abc123/enqueue"] } }));
        assert.deepStrictEqual(fewer.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.urn), [subs[1].urn]);
        assert.match(pageId("oncall@example.com"), /^[0-9a-f]{12}$/);
        for (const s of subs) assert.deepStrictEqual(s.propertyDependencies.topic, [res.urn("dr-topic")]);
        assert.strictEqual((await plan(secondaryArgs())).count("aws:sns/topicSubscription:TopicSubscription"), 0);
    });
});

describe("DrAutomation: exactly one successor", () => {
    it("a later successor's composite also waits for every successor before it to fail, and it probes them", async () => {
        const res = await plan(secondaryArgs({ context: testContext("ap-northeast-2", "secondary"), peers: ["us-east-1", "us-west-2"], earlierSuccessors: ["us-west-2"] }));
        assert.strictEqual(
            res.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "dr-primary-down").inputs.alarmRule,
            'ALARM("mall-ap-northeast-2-canary-us-east-1") AND OK("mall-ap-northeast-2-canary-ap-northeast-2") AND ALARM("mall-ap-northeast-2-canary-us-west-2")',
        );
        assert.strictEqual(res.one("aws:arcregionswitch/plan:Plan", "dr-region-switch").inputs.name, "mall-us-east-1-ap-northeast-2");
    });

    it("refuses an earlier successor it does not probe", async () => {
        await assert.rejects(plan(secondaryArgs({ context: testContext("ap-northeast-2", "secondary"), earlierSuccessors: ["us-west-2"] })), /the earlier successor us-west-2 must be among the probed peers \(us-east-1\)/);
    });
});

describe("Region switch planning (pure)", () => {
    it("names a plan after its pair, with region codes when the long form exceeds CreatePlan's 32 characters, and refuses what cannot fit", () => {
        assert.strictEqual(regionSwitchPlanName("mall", "us-east-1", "ap-northeast-2"), "mall-us-east-1-ap-northeast-2");
        assert.deepStrictEqual(["us-east-1", "ap-northeast-2", "eu-central-1", "us-west-2"].map(regionCode), ["use1", "apne2", "euc1", "usw2"]);
        assert.strictEqual(regionSwitchPlanName("marketplace", "ap-southeast-1", "ap-northeast-2"), "marketplace-apse1-apne2");
        assert.throws(() => regionSwitchPlanName("a-very-long-project-name-indeed", "us-east-1", "us-west-2"), /the Region switch plan name "a-very-long-project-name-indeed-use1-usw2" \(for us-east-1 → us-west-2\) is not 1-32 letters, digits and hyphens: shorten the project name/);
    });

    it("without automation there is no trigger; without ElastiCache no Lambda step; the workflow is never approval-gated", () => {
        const i = { primary: "us-east-1", successor: "us-west-2", aurora: [{ globalClusterIdentifier: "a", clusterArns: ["e", "w"] }], docdb: [], cacheFunctionArns: [], decisionAlarmArn: "d", healthAlarmArn: "h" };
        const manual = planRegionSwitch({ ...i, automatic: false });
        assert.deepStrictEqual(manual.triggers, []);
        const steps = manual.workflows[0].steps[0].parallelConfigs[0].steps as { executionBlockType: string }[];
        assert.deepStrictEqual(steps.map((x) => x.executionBlockType), ["AuroraGlobalDatabase"]);
        assert.strictEqual(planRegionSwitch({ ...i, automatic: true }).triggers.length, 1);
    });
});
