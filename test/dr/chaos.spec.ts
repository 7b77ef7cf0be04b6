import * as assert from "assert";
import { ChaosDrills } from "../../components/dr/chaos";
import { fisPolicy, planExperiments } from "../../components/dr/experiments";
import { planComponent, testContext } from "../harness";

const TGW = "arn:aws:ec2:us-east-1:123456789012:transit-gateway/tgw-1";
const base = { project: "mall", environment: "production", prefix: "mall", region: "us-east-1", peers: ["us-west-2"], clusterName: "mall-us-east-1", availabilityZone: "us-east-1a", transitGatewayArn: TGW };

/** The primary's drills, optionally with database clusters and schedules. */
const drills = (schedules?: Record<string, string>, databaseClusterArns: string[] = []) =>
    planComponent(
        () =>
            new ChaosDrills("chaos", {
                context: testContext("us-east-1", "primary"),
                peers: ["us-west-2"],
                clusterName: "mall-us-east-1",
                availabilityZone: "us-east-1a",
                transitGatewayId: "tgw-1",
                steadyStateAlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:self",
                peerAlarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:peer"],
                databaseClusterArns,
                schedules,
            }),
    );

describe("FIS drills", () => {
    it("plans the five drills with their stop kinds when databases and caches are given", () => {
        const ex = planExperiments({ ...base, databaseClusterArns: ["arn:aws:rds:us-east-1:123456789012:cluster:a"], cacheReplicationGroupArns: ["arn:aws:elasticache:us-east-1:123456789012:replicationgroup:c"] });
        assert.deepStrictEqual(
            ex.map((e) => [e.key, e.stop, e.actions.map((a) => a.actionId)]),
            [
                ["region-evacuation", "peer", ["aws:network:disrupt-connectivity"]],
                ["inter-region-cut", "self", ["aws:network:transit-gateway-disrupt-cross-region-connectivity"]],
                ["az-power-interruption", "self", ["aws:network:disrupt-connectivity", "aws:ec2:stop-instances", "aws:elasticache:replicationgroup-interrupt-az-power"]],
                ["database-failover", "self", ["aws:rds:failover-db-cluster", "aws:elasticache:replicationgroup-interrupt-az-power"]],
                ["injected-latency", "self", ["aws:ssm:send-command"]],
            ],
        );
        const cut = ex.find((e) => e.key === "inter-region-cut")!;
        assert.deepStrictEqual(cut.actions[0].parameters, { duration: "PT15M", region: "us-west-2" });
        assert.deepStrictEqual(cut.targets[0].resourceArns, [TGW]);
        const az = ex.find((e) => e.key === "az-power-interruption")!;
        assert.deepStrictEqual(az.targets.find((t) => t.name === "az-subnets")!.filters, [{ path: "AvailabilityZone", values: ["us-east-1a"] }]);
        assert.deepStrictEqual(az.targets.find((t) => t.name === "az-caches")!.parameters, { availabilityZoneIdentifier: "us-east-1a" });
    });

    it("the database drill covers every global store FIS has an action for: writers, the cache, global tables, DSQL, every replicated bucket to every peer", () => {
        const ex = planExperiments({
            ...base,
            peers: ["us-west-2", "ap-northeast-2"],
            databaseClusterArns: ["arn:aws:rds:us-east-1:123456789012:cluster:aurora", "arn:aws:rds:us-east-1:123456789012:cluster:docdb"],
            cacheReplicationGroupArns: ["arn:aws:elasticache:us-east-1:123456789012:replicationgroup:c"],
            globalTableArns: ["arn:aws:dynamodb:us-east-1:123456789012:table/mall-idempotency"],
            dsqlClusterArns: ["arn:aws:dsql:us-east-1:123456789012:cluster/abc"],
            replicatedBuckets: ["static-assets", "traces"],
        });
        const db = ex.find((e) => e.key === "database-failover")!;
        assert.deepStrictEqual(
            db.actions.map((a) => [a.name, a.actionId, a.parameters, a.target.key, a.target.value]),
            [
                ["failover-writers", "aws:rds:failover-db-cluster", {}, "Clusters", "database-clusters"],
                ["cache-primary-down", "aws:elasticache:replicationgroup-interrupt-az-power", { duration: "PT10M" }, "ReplicationGroups", "caches"],
                ["pause-table-replication", "aws:dynamodb:global-table-pause-replication", { duration: "PT10M" }, "Tables", "global-tables"],
                ["dsql-connections-fail", "aws:dsql:cluster-connection-failure", { duration: "PT10M", percentage: "50" }, "Clusters", "dsql-clusters"],
                ["pause-static-assets-to-us-west-2", "aws:s3:bucket-pause-replication", { duration: "PT10M", region: "us-west-2" }, "Buckets", "bucket-static-assets"],
                ["pause-static-assets-to-ap-northeast-2", "aws:s3:bucket-pause-replication", { duration: "PT10M", region: "ap-northeast-2" }, "Buckets", "bucket-static-assets"],
                ["pause-traces-to-us-west-2", "aws:s3:bucket-pause-replication", { duration: "PT10M", region: "us-west-2" }, "Buckets", "bucket-traces"],
                ["pause-traces-to-ap-northeast-2", "aws:s3:bucket-pause-replication", { duration: "PT10M", region: "ap-northeast-2" }, "Buckets", "bucket-traces"],
            ],
        );
        // FIS selects buckets by tags only (actions reference); the role is scoped to this region's buckets of that purpose.
        const bucket = db.targets.find((t) => t.name === "bucket-traces")!;
        assert.deepStrictEqual([bucket.resourceType, bucket.resourceArns, bucket.resourceTags], ["aws:s3:bucket", undefined, [{ key: "project", value: "mall" }, { key: "environment", value: "production" }, { key: "region", value: "us-east-1" }, { key: "bucket", value: "traces" }]]);
        assert.deepStrictEqual(db.targets.find((t) => t.name === "caches")!.parameters, { availabilityZoneIdentifier: "us-east-1a" });
        const policy = fisPolicy("us-east-1", "123456789012", ex);
        const sid = (x: string) => policy.Statement.find((st) => st.Sid === x)!;
        // An eventually consistent global table is paused through its stream policy too (FIS actions reference).
        assert.deepStrictEqual(sid("PauseTableReplication").Resource, ["arn:aws:dynamodb:us-east-1:123456789012:table/mall-idempotency", "arn:aws:dynamodb:us-east-1:123456789012:table/mall-idempotency/stream/*"]);
        assert.deepStrictEqual(sid("FailDsqlConnections"), { Sid: "FailDsqlConnections", Effect: "Allow", Action: ["dsql:InjectError", "dsql:GetCluster"], Resource: ["arn:aws:dsql:us-east-1:123456789012:cluster/abc"] });
        assert.deepStrictEqual(sid("PauseBucketReplication").Resource, ["arn:aws:s3:::mall-us-east-1-static-assets-*", "arn:aws:s3:::mall-us-east-1-traces-*"]);
        assert.deepStrictEqual(sid("PauseBucketReplication").Condition, { BoolIfExists: { "s3:IsReplicationPauseRequest": "true" } });
        // One destination at a time per bucket: each pause rewrites the bucket's replication configuration.
        assert.deepStrictEqual(
            db.actions.filter((a) => a.actionId === "aws:s3:bucket-pause-replication").map((a) => [a.name, a.startAfter ?? []]),
            [
                ["pause-static-assets-to-us-west-2", []],
                ["pause-static-assets-to-ap-northeast-2", ["pause-static-assets-to-us-west-2"]],
                ["pause-traces-to-us-west-2", []],
                ["pause-traces-to-ap-northeast-2", ["pause-traces-to-us-west-2"]],
            ],
        );
    });

    it("leaves out the database drill and the cache action when nothing is given", () => {
        const ex = planExperiments(base);
        assert.deepStrictEqual(ex.map((e) => e.key), ["region-evacuation", "inter-region-cut", "az-power-interruption", "injected-latency"]);
        assert.ok(!JSON.stringify(ex).includes("elasticache"));
    });

    it("grants the FIS role no wildcard action, and nothing for drills not planned", () => {
        const withDb = fisPolicy("us-east-1", "123456789012", planExperiments({ ...base, databaseClusterArns: ["arn:aws:rds:us-east-1:123456789012:cluster:a"] }));
        const without = fisPolicy("us-east-1", "123456789012", planExperiments(base));
        for (const s of withDb.Statement) {
            const actions = [s.Action].flat() as string[];
            assert.ok(!actions.some((a) => a === "*" || a.endsWith(":*")), JSON.stringify(s));
        }
        assert.deepStrictEqual(withDb.Statement.find((s) => s.Sid === "FailoverDatabases")!.Resource, ["arn:aws:rds:us-east-1:123456789012:cluster:a"]);
        assert.strictEqual(without.Statement.find((s) => s.Sid === "FailoverDatabases"), undefined);
        assert.deepStrictEqual(withDb.Statement.find((s) => s.Sid === "StopNodes")!.Condition, { StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/mall-us-east-1": "owned" } });
    });

    it("declares templates whose stop conditions are the right alarms", async () => {
        const res = await drills();
        assert.strictEqual(res.count("aws:fis/experimentTemplate:ExperimentTemplate"), 4);
        const evac = res.one("aws:fis/experimentTemplate:ExperimentTemplate", "chaos-region-evacuation");
        assert.deepStrictEqual(evac.inputs.stopConditions, [{ source: "aws:cloudwatch:alarm", value: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:peer" }]);
        const latency = res.one("aws:fis/experimentTemplate:ExperimentTemplate", "chaos-injected-latency");
        assert.deepStrictEqual(latency.inputs.stopConditions, [{ source: "aws:cloudwatch:alarm", value: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:self" }]);
        const cut = res.one("aws:fis/experimentTemplate:ExperimentTemplate", "chaos-inter-region-cut");
        assert.deepStrictEqual((cut.inputs.targets as { resourceArns: string[] }[])[0].resourceArns, [TGW]);
        assert.deepStrictEqual(evac.propertyDependencies.roleArn, [res.urn("chaos-role")]);
        const trust = JSON.parse(String(res.one("aws:iam/role:Role", "chaos-role").inputs.assumeRolePolicy));
        assert.strictEqual(trust.Statement[0].Principal.Service, "fis.amazonaws.com");
    });

    it("refuses a region evacuation with nothing to stop it", () => {
        assert.throws(
            () =>
                new ChaosDrills("x", {
                    context: testContext(),
                    peers: [],
                    clusterName: "c",
                    availabilityZone: "us-east-1a",
                    transitGatewayId: "t",
                    steadyStateAlarmArn: "a",
                    peerAlarmArns: [],
                }),
            /peerAlarmArns is empty/,
        );
    });
});

describe("scheduled drills (EventBridge Scheduler → FIS)", () => {
    it("starts each scheduled template with StartExperiment (the execution id as idempotency token), no retries, UTC, and a role that may start only those", async () => {
        const res = await drills({ "injected-latency": "rate(7 days)", "database-failover": "cron(0 10 ? * TUE *)" }, ["arn:aws:rds:us-east-1:123456789012:cluster:a"]);
        const schedules = res.ofType("aws:scheduler/schedule:Schedule").sort((a, b) => a.name.localeCompare(b.name));
        assert.deepStrictEqual(schedules.map((s) => [s.name, s.inputs.name, s.inputs.scheduleExpression, s.inputs.scheduleExpressionTimezone, (s.inputs.flexibleTimeWindow as { mode: string }).mode]), [
            ["chaos-database-failover-schedule", "mall-us-east-1-drill-database-failover", "cron(0 10 ? * TUE *)", "UTC", "OFF"],
            ["chaos-injected-latency-schedule", "mall-us-east-1-drill-injected-latency", "rate(7 days)", "UTC", "OFF"],
        ]);
        const target = schedules[1].inputs.target as { arn: string; input: string; retryPolicy: { maximumRetryAttempts: number } };
        assert.strictEqual(target.arn, "arn:aws:scheduler:::aws-sdk:fis:startExperiment");
        const request = JSON.parse(target.input);
        assert.deepStrictEqual(Object.keys(request), ["ExperimentTemplateId", "ClientToken"]);
        assert.match(request.ExperimentTemplateId, /^chaos-injected-latency-[0-9a-f]{8}$/, "the injected-latency template's id");
        assert.strictEqual(request.ClientToken, "<aws.scheduler.execution-id>");
        assert.strictEqual(target.retryPolicy.maximumRetryAttempts, 0);
        const policy = JSON.parse(String(res.one("aws:iam/rolePolicy:RolePolicy", "chaos-scheduler-policy").inputs.policy));
        assert.deepStrictEqual(policy.Statement.map((s: { Action: string }) => s.Action), ["fis:StartExperiment", "iam:CreateServiceLinkedRole"]);
        assert.deepStrictEqual(policy.Statement[1].Condition, { StringEquals: { "iam:AWSServiceName": "fis.amazonaws.com" } });
        assert.strictEqual(policy.Statement[0].Resource.length, 3, "the two templates and the experiments they create");
        assert.ok(policy.Statement[0].Resource.every((r: string) => r.startsWith("arn:aws:fis:us-east-1:123456789012:experiment")));
        const trust = JSON.parse(String(res.one("aws:iam/role:Role", "chaos-scheduler-role").inputs.assumeRolePolicy));
        assert.strictEqual(trust.Statement[0].Principal.Service, "scheduler.amazonaws.com");
        assert.deepStrictEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
    });

    it("schedules nothing by default, and refuses a drill not planned in the region, naming the ones that are", async () => {
        assert.strictEqual((await drills()).count("aws:scheduler/schedule:Schedule"), 0);
        await assert.rejects(drills({ "database-failover": "rate(30 days)" }), /no experiment template database-failover in us-east-1 to schedule \(planned here: region-evacuation, inter-region-cut, az-power-interruption, injected-latency\)/);
    });
});
