import * as assert from "assert";
import { DrAutomation, DrAutomationArgs, pageId } from "../../components/dr/automation";
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

function secondaryArgs(over: Partial<DrAutomationArgs> = {}): DrAutomationArgs {
    return {
        context: testContext("us-west-2", "secondary"),
        domain: "mall.example.com",
        peers: ["us-east-1"],
        primaryRegion: "us-east-1",
        settings: SETTINGS,
        primaryHealthCheckIds: ["hc-primary-api"],
        failover: {
            aurora: [{ globalClusterIdentifier: "mall-aurora", clusterArn: WEST_AURORA }],
            docdb: [{ globalClusterIdentifier: "mall-docdb", clusterArn: WEST_DOCDB }],
            elasticache: [{ globalReplicationGroupId: "ldgnf-mall-cache", replicationGroupId: "mall-us-west-2-cache" }],
        },
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
            "aws:iam/role:Role": 5,
            "aws:iam/rolePolicy:RolePolicy": 5,
            "aws:synthetics/canary:Canary": 2,
            "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
            "aws:cloudwatch/compositeAlarm:CompositeAlarm": 1,
            "aws:cloudwatch/eventRule:EventRule": 2,
            "aws:cloudwatch/eventTarget:EventTarget": 4,
            "aws:cloudwatch/logGroup:LogGroup": 3,
            "aws:lambda/function:Function": 3,
            "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 3,
            "aws:lambda/permission:Permission": 3,
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

    it("probes its own API and the primary's, each with an alarm on SuccessPercent", () => {
        const self = west.one("aws:synthetics/canary:Canary", "dr-canary-us-west-2");
        const primary = west.one("aws:synthetics/canary:Canary", "dr-canary-us-east-1");
        assert.strictEqual(self.inputs.name, "mall-api-us-west-2");
        assert.deepStrictEqual(primary.inputs.runConfig, { timeoutInSeconds: 30, environmentVariables: { PROBE_URL: "https://api-us-east-1.mall.example.com/health/ready" } });
        assert.deepStrictEqual(primary.inputs.schedule, { expression: "rate(1 minute)" });
        assert.strictEqual(primary.inputs.runtimeVersion, "syn-nodejs-puppeteer-9.1");
        assert.strictEqual(primary.inputs.handler, "probe.handler");
        assert.deepStrictEqual(primary.propertyDependencies.artifactConfig, [west.urn("dr-canary-key")]);
        const alarm = west.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-canary-us-east-1-alarm");
        assert.strictEqual(alarm.inputs.name, "mall-us-west-2-canary-us-east-1");
        assert.deepStrictEqual(
            [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.period, alarm.inputs.evaluationPeriods, alarm.inputs.threshold, alarm.inputs.comparisonOperator, alarm.inputs.treatMissingData],
            ["CloudWatchSynthetics", "SuccessPercent", 60, 2, 100, "LessThanThreshold", "breaching"],
        );
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

    it("declares the Route 53 alarm and its forwarder in us-east-1, sending to this region's default bus", () => {
        const alarm = west.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-health-check-0-alarm");
        assert.strictEqual(alarm.inputs.region, "us-east-1");
        assert.deepStrictEqual(
            [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.dimensions, alarm.inputs.statistic, alarm.inputs.threshold, alarm.inputs.comparisonOperator],
            ["AWS/Route53", "HealthCheckStatus", { HealthCheckId: "hc-primary-api" }, "Minimum", 1, "LessThanThreshold"],
        );
        const rule = west.one("aws:cloudwatch/eventRule:EventRule", "dr-forward-rule");
        assert.strictEqual(rule.inputs.region, "us-east-1");
        assert.deepStrictEqual(JSON.parse(String(rule.inputs.eventPattern)), {
            source: ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            detail: { alarmName: ["mall-us-west-2-primary-health-check-0"], state: { value: ["ALARM"] } },
        });
        const target = west.one("aws:cloudwatch/eventTarget:EventTarget", "dr-forward-target");
        assert.strictEqual(target.inputs.region, "us-east-1");
        assert.strictEqual(target.inputs.arn, "arn:aws:events:us-west-2:123456789012:event-bus/default");
        assert.deepStrictEqual(doc(west.one("aws:iam/rolePolicy:RolePolicy", "dr-forwarder-policy")).Statement, [
            { Sid: "Forward", Effect: "Allow", Action: "events:PutEvents", Resource: "arn:aws:events:us-west-2:123456789012:event-bus/default" },
        ]);
    });

    it("triggers the failover functions in this region on either detection path", () => {
        const rule = west.one("aws:cloudwatch/eventRule:EventRule", "dr-failover-rule");
        assert.strictEqual(rule.inputs.region, undefined);
        assert.deepStrictEqual(JSON.parse(String(rule.inputs.eventPattern)).detail.alarmName, ["mall-us-west-2-primary-us-east-1-down", "mall-us-west-2-primary-health-check-0"]);
        for (const store of ["aurora", "docdb", "elasticache"]) {
            const t = west.one("aws:cloudwatch/eventTarget:EventTarget", `dr-${store}-target`);
            assert.deepStrictEqual(t.propertyDependencies.arn, [west.urn(`dr-${store}`)]);
            const perm = west.one("aws:lambda/permission:Permission", `dr-${store}-invoke`);
            assert.strictEqual(perm.inputs.principal, "events.amazonaws.com");
            assert.deepStrictEqual(perm.propertyDependencies.sourceArn, [west.urn("dr-failover-rule")]);
            const async = west.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `dr-${store}-async`);
            assert.strictEqual(async.inputs.maximumRetryAttempts, 2);
            assert.deepStrictEqual(async.propertyDependencies.destinationConfig, [west.urn("dr-topic")]);
        }
    });

    it("configures each function exactly: bundle, flag, targets, own encrypted log group", () => {
        const fn = west.one("aws:lambda/function:Function", "dr-aurora");
        const bundle = bundleLambda("lambdas/failover/index.ts");
        assert.deepStrictEqual((fn.inputs.code as { assets: Record<string, { path: string }> }).assets["index.js"].path, bundle.file);
        assert.strictEqual(fn.inputs.handler, "index.aurora");
        assert.strictEqual(fn.inputs.runtime, "nodejs22.x");
        assert.strictEqual(fn.inputs.reservedConcurrentExecutions, 1);
        assert.deepStrictEqual((fn.inputs.environment as { variables: Record<string, string> }).variables, {
            FAILOVER_STORE: "aurora",
            ENABLE_AUTO_FAILOVER: "true",
            DRY_RUN: "false",
            TARGET_REGION: "us-west-2",
            TOPIC_ARN: (fn.inputs.environment as { variables: Record<string, string> }).variables.TOPIC_ARN,
            TARGETS: JSON.stringify([{ globalClusterIdentifier: "mall-aurora", clusterArn: WEST_AURORA }]),
            MAX_ATTEMPTS: "3",
            RETRY_DELAY_MS: "2000",
        });
        assert.deepStrictEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: "/aws/lambda/mall-us-west-2-failover-aurora" });
        const lg = west.one("aws:cloudwatch/logGroup:LogGroup", "dr-aurora-logs");
        assert.strictEqual(lg.inputs.retentionInDays, 90);
        assert.deepStrictEqual(lg.propertyDependencies.kmsKeyId, [west.urn("dr-dr-key")]);
    });

    it("grants each function only its store's actions on the configured ARNs", () => {
        const aurora = doc(west.one("aws:iam/rolePolicy:RolePolicy", "dr-aurora-policy")).Statement;
        assert.deepStrictEqual(aurora.find((s: { Sid: string }) => s.Sid === "Promote"), {
            Sid: "Promote",
            Effect: "Allow",
            Action: ["rds:FailoverGlobalCluster", "rds:SwitchoverGlobalCluster"],
            Resource: ["arn:aws:rds::123456789012:global-cluster:mall-aurora", WEST_AURORA],
        });
        const cache = doc(west.one("aws:iam/rolePolicy:RolePolicy", "dr-elasticache-policy")).Statement;
        assert.deepStrictEqual(cache.find((s: { Sid: string }) => s.Sid === "Promote").Resource, [
            "arn:aws:elasticache::123456789012:globalreplicationgroup:ldgnf-mall-cache",
            "arn:aws:elasticache:us-west-2:123456789012:replicationgroup:mall-us-west-2-cache",
        ]);
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

    it("tags everything with service and region", () => {
        for (const r of west.all.filter((x) => x.custom && x.inputs.tags !== undefined)) {
            const t = r.inputs.tags as Record<string, string>;
            assert.ok(t.service && t.region === "us-west-2", `${r.name} tags ${JSON.stringify(t)}`);
        }
    });

    it("passes the flag and dry run through from settings", async () => {
        const off = await plan(secondaryArgs({ settings: { ...SETTINGS, enableAutoFailover: false, failoverDryRun: true } }));
        const vars = (off.one("aws:lambda/function:Function", "dr-docdb").inputs.environment as { variables: Record<string, string> }).variables;
        assert.deepStrictEqual([vars.ENABLE_AUTO_FAILOVER, vars.DRY_RUN], ["false", "true"]);
    });

    it("without health checks or targets keeps canary detection and declares no functions", async () => {
        const bare = await plan(secondaryArgs({ primaryHealthCheckIds: [], failover: {} }));
        assert.strictEqual(bare.count("aws:lambda/function:Function"), 0);
        assert.strictEqual(bare.count("aws:cloudwatch/eventRule:EventRule"), 0);
        assert.strictEqual(bare.count("aws:cloudwatch/compositeAlarm:CompositeAlarm"), 1);
        assert.ok(bare.all.every((r) => r.inputs.region === undefined || r.inputs.region === "us-west-2"));
    });

    it("on the primary: topic and canaries only, probing itself and every secondary", async () => {
        const east = await plan({ ...secondaryArgs(), context: testContext("us-east-1", "primary"), peers: ["us-west-2"], primaryRegion: undefined });
        assert.deepStrictEqual(east.ofType("aws:synthetics/canary:Canary").map((c) => c.inputs.name).sort(), ["mall-api-us-east-1", "mall-api-us-west-2"]);
        assert.strictEqual(east.count("aws:lambda/function:Function"), 0);
        assert.strictEqual(east.count("aws:cloudwatch/compositeAlarm:CompositeAlarm"), 0);
        assert.strictEqual(east.count("aws:cloudwatch/eventRule:EventRule"), 0);
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
        const res = await plan(secondaryArgs({ context: testContext("ap-northeast-2", "secondary"), peers: ["us-east-1", "us-west-2"], earlierSuccessors: ["us-west-2"], primaryHealthCheckIds: [] }));
        assert.strictEqual(
            res.one("aws:cloudwatch/compositeAlarm:CompositeAlarm", "dr-primary-down").inputs.alarmRule,
            'ALARM("mall-ap-northeast-2-canary-us-east-1") AND OK("mall-ap-northeast-2-canary-ap-northeast-2") AND ALARM("mall-ap-northeast-2-canary-us-west-2")',
        );
        assert.strictEqual(res.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.namespace === "AWS/Route53").length, 0);
    });

    it("refuses the primary's health-check path on a later successor, and an earlier successor it does not probe", async () => {
        await assert.rejects(plan(secondaryArgs({ context: testContext("ap-northeast-2", "secondary"), peers: ["us-east-1", "us-west-2"], earlierSuccessors: ["us-west-2"] })), /only the first successor acts on the primary's health checks \(this region follows us-west-2 in the failover order\)/);
        await assert.rejects(plan(secondaryArgs({ context: testContext("ap-northeast-2", "secondary"), earlierSuccessors: ["us-west-2"], primaryHealthCheckIds: [] })), /the earlier successor us-west-2 must be among the probed peers \(us-east-1\)/);
    });
});
