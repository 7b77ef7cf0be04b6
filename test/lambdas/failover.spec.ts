import * as assert from "assert";
import {
    DescribeGlobalClustersCommand as DocDbDescribe,
    DocDBClient,
    FailoverGlobalClusterCommand as DocDbFailover,
    SwitchoverGlobalClusterCommand as DocDbSwitchover,
} from "@aws-sdk/client-docdb";
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, RDSClient, SwitchoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { PartialFailureError, decide, readConfig, summarise } from "../../lambdas/failover/core";
import { makeHandler } from "../../lambdas/failover/index";

const TOPIC = "arn:aws:sns:us-west-2:123456789012:mall-us-west-2-dr";
const EAST = "arn:aws:rds:us-east-1:123456789012:cluster:mall-us-east-1-aurora";
const WEST = "arn:aws:rds:us-west-2:123456789012:cluster:mall-us-west-2-aurora";
const WEST2 = "arn:aws:rds:us-west-2:123456789012:cluster:mall-us-west-2-ledger";

function env(store: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const targets =
        store === "elasticache"
            ? [{ globalReplicationGroupId: "ldgnf-mall-cache", replicationGroupId: "mall-us-west-2-cache" }]
            : [{ globalClusterIdentifier: `mall-${store}`, clusterArn: WEST }];
    return {
        FAILOVER_STORE: store,
        ENABLE_AUTO_FAILOVER: "true",
        DRY_RUN: "false",
        TARGET_REGION: "us-west-2",
        TOPIC_ARN: TOPIC,
        TARGETS: JSON.stringify(targets),
        MAX_ATTEMPTS: "3",
        RETRY_DELAY_MS: "1000",
        ...extra,
    };
}

const alarm = (value = "ALARM") => ({
    version: "0",
    source: "aws.cloudwatch",
    "detail-type": "CloudWatch Alarm State Change",
    region: "us-west-2",
    detail: { alarmName: "mall-us-west-2-primary-down", state: { value } },
});

const members = (writer: string, ...others: string[]) => [
    { DBClusterArn: writer, IsWriter: true, Readers: others },
    ...others.map((a) => ({ DBClusterArn: a, IsWriter: false, Readers: [] })),
];

describe("failover handlers", () => {
    const rds = mockClient(RDSClient);
    const docdb = mockClient(DocDBClient);
    const ec = mockClient(ElastiCacheClient);
    const sns = mockClient(SNSClient);
    let sleeps: number[];
    const deps = (e: NodeJS.ProcessEnv) => ({
        env: e,
        rds: new RDSClient({ region: "us-west-2" }),
        docdb: new DocDBClient({ region: "us-west-2" }),
        elasticache: new ElastiCacheClient({ region: "us-west-2" }),
        sns: new SNSClient({ region: "us-west-2" }),
        sleep: async (ms: number) => void sleeps.push(ms),
        log: () => undefined,
    });

    beforeEach(() => {
        rds.reset();
        docdb.reset();
        ec.reset();
        sns.reset();
        sleeps = [];
        sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    });

    describe("aurora", () => {
        it("fails over with AllowDataLoss to this region's cluster, then notifies", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", Status: "available", GlobalClusterMembers: members(EAST, WEST) }] });
            rds.on(FailoverGlobalClusterCommand).resolves({});
            const report = await makeHandler("aurora", deps(env("aurora")))(alarm());

            assert.deepStrictEqual(rds.commandCalls(DescribeGlobalClustersCommand).map((c) => c.args[0].input), [{ GlobalClusterIdentifier: "mall-aurora" }]);
            assert.deepStrictEqual(rds.commandCalls(FailoverGlobalClusterCommand).map((c) => c.args[0].input), [
                { GlobalClusterIdentifier: "mall-aurora", TargetDbClusterIdentifier: WEST, AllowDataLoss: true },
            ]);
            assert.strictEqual(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
            assert.deepStrictEqual(report.results, [{ target: "aurora mall-aurora", outcome: "promoted", detail: "FailoverGlobalCluster accepted", attempts: 1 }]);
            const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
            assert.strictEqual(published.length, 1);
            assert.strictEqual(published[0].TopicArn, TOPIC);
            assert.strictEqual(published[0].Subject, "[DR ok] aurora failover to us-west-2: 1 promoted");
            assert.ok(published[0].Message?.includes("trigger: alarm mall-us-west-2-primary-down (us-west-2) is ALARM"));
        });

        it("is a no-op when this region's cluster is already the writer", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(WEST, EAST) }] });
            const report = await makeHandler("aurora", deps(env("aurora")))(alarm());
            assert.strictEqual(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
            assert.strictEqual(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
            assert.deepStrictEqual(report.results.map((r) => r.outcome), ["already-primary"]);
            assert.strictEqual(sns.commandCalls(PublishCommand)[0].args[0].input.Subject, "[DR ok] aurora failover to us-west-2: 1 already-primary");
        });

        it("does not start a second failover while one is running", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves({
                GlobalClusters: [
                    {
                        GlobalClusterIdentifier: "mall-aurora",
                        GlobalClusterMembers: members(EAST, WEST),
                        FailoverState: { Status: "failing-over", FromDbClusterArn: EAST, ToDbClusterArn: WEST, IsDataLossAllowed: true },
                    },
                ],
            });
            const report = await makeHandler("aurora", deps(env("aurora")))(alarm());
            assert.strictEqual(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
            assert.deepStrictEqual(report.results.map((r) => [r.outcome, r.detail]), [["in-progress", `a failover is failing-over: ${EAST} -> ${WEST}`]]);
        });

        it("does nothing at all when ENABLE_AUTO_FAILOVER is false", async () => {
            const report = await makeHandler("aurora", deps(env("aurora", { ENABLE_AUTO_FAILOVER: "false" })))(alarm());
            assert.strictEqual(rds.calls().length, 0);
            assert.strictEqual(sns.calls().length, 0);
            assert.strictEqual(report.acted, false);
            assert.match(report.reason, /ENABLE_AUTO_FAILOVER is false/);
        });

        it("ignores the alarm returning to OK", async () => {
            const report = await makeHandler("aurora", deps(env("aurora")))(alarm("OK"));
            assert.strictEqual(rds.calls().length, 0);
            assert.strictEqual(report.acted, false);
        });

        it("lets an operator switch over by hand even with the flag off, and only for the confirmed region", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(EAST, WEST) }] });
            rds.on(SwitchoverGlobalClusterCommand).resolves({});
            const handler = makeHandler("aurora", deps(env("aurora", { ENABLE_AUTO_FAILOVER: "false" })));
            const wrong = await handler({ operator: { confirmRegion: "us-east-1", mode: "switchover" } });
            assert.strictEqual(wrong.acted, false);
            assert.strictEqual(rds.calls().length, 0);

            await handler({ operator: { confirmRegion: "us-west-2", mode: "switchover", reason: "monthly drill" } });
            assert.deepStrictEqual(rds.commandCalls(SwitchoverGlobalClusterCommand).map((c) => c.args[0].input), [
                { GlobalClusterIdentifier: "mall-aurora", TargetDbClusterIdentifier: WEST },
            ]);
            assert.strictEqual(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
        });

        it("dry run describes and notifies what it would do, and changes nothing", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(EAST, WEST) }] });
            const report = await makeHandler("aurora", deps(env("aurora", { DRY_RUN: "true" })))(alarm());
            assert.strictEqual(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
            assert.deepStrictEqual(report.results.map((r) => r.outcome), ["would-promote"]);
            assert.strictEqual(
                report.results[0].detail,
                `would call FailoverGlobalCluster {"GlobalClusterIdentifier":"mall-aurora","TargetDbClusterIdentifier":"${WEST}","AllowDataLoss":true}`,
            );
            assert.strictEqual(sns.commandCalls(PublishCommand)[0].args[0].input.Subject, "[DR dry run] aurora failover to us-west-2: 1 would-promote");
        });

        it("an operator's dryRun cannot turn a configured dry run off", () => {
            const cfg = readConfig(env("aurora", { DRY_RUN: "true" }));
            assert.strictEqual(decide({ operator: { confirmRegion: "us-west-2", dryRun: false } }, cfg).dryRun, true);
        });

        it("retries a failing member, reports the partial failure, and throws so Lambda retries", async () => {
            const e = env("aurora", {
                TARGETS: JSON.stringify([
                    { globalClusterIdentifier: "mall-aurora", clusterArn: WEST },
                    { globalClusterIdentifier: "mall-ledger", clusterArn: WEST2 },
                ]),
            });
            rds.on(DescribeGlobalClustersCommand, { GlobalClusterIdentifier: "mall-aurora" }).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(EAST, WEST) }] });
            rds.on(DescribeGlobalClustersCommand, { GlobalClusterIdentifier: "mall-ledger" }).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-ledger", GlobalClusterMembers: members(EAST, WEST2) }] });
            rds.on(FailoverGlobalClusterCommand, { GlobalClusterIdentifier: "mall-aurora" }).resolves({});
            rds.on(FailoverGlobalClusterCommand, { GlobalClusterIdentifier: "mall-ledger" }).rejects(new Error("InvalidGlobalClusterStateFault"));

            const handler = makeHandler("aurora", deps(e));
            await assert.rejects(handler(alarm()), (err: unknown) => {
                assert.ok(err instanceof PartialFailureError);
                assert.deepStrictEqual(
                    err.report.results.map((r) => [r.target, r.outcome, r.attempts]),
                    [
                        ["aurora mall-aurora", "promoted", 1],
                        ["aurora mall-ledger", "failed", 3],
                    ],
                );
                return true;
            });
            const ledgerCalls = rds.commandCalls(FailoverGlobalClusterCommand).filter((c) => c.args[0].input.GlobalClusterIdentifier === "mall-ledger");
            assert.strictEqual(ledgerCalls.length, 3);
            assert.deepStrictEqual(sleeps, [1000, 2000]);
            const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
            assert.strictEqual(published.length, 1);
            assert.strictEqual(published[0].Subject, "[DR FAILED] aurora failover to us-west-2: 1 promoted, 1 failed");
            assert.ok(published[0].Message?.includes("aurora mall-ledger: failed after 3 attempt(s): Error: InvalidGlobalClusterStateFault"));

            // Lambda's retry: the promoted member is now the writer and is left alone.
            rds.reset();
            sns.reset();
            sns.on(PublishCommand).resolves({});
            rds.on(DescribeGlobalClustersCommand, { GlobalClusterIdentifier: "mall-aurora" }).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(WEST, EAST) }] });
            rds.on(DescribeGlobalClustersCommand, { GlobalClusterIdentifier: "mall-ledger" }).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-ledger", GlobalClusterMembers: members(EAST, WEST2) }] });
            rds.on(FailoverGlobalClusterCommand).resolves({});
            const report = await handler(alarm());
            assert.deepStrictEqual(rds.commandCalls(FailoverGlobalClusterCommand).map((c) => c.args[0].input.GlobalClusterIdentifier), ["mall-ledger"]);
            assert.deepStrictEqual(report.results.map((r) => r.outcome), ["already-primary", "promoted"]);
        });

        it("recovers within one invocation when a later attempt finds the failover started", async () => {
            rds.on(DescribeGlobalClustersCommand)
                .resolvesOnce({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(EAST, WEST) }] })
                .resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(EAST, WEST), FailoverState: { Status: "pending", FromDbClusterArn: EAST, ToDbClusterArn: WEST } }] });
            rds.on(FailoverGlobalClusterCommand).rejects(new Error("socket hang up"));
            const report = await makeHandler("aurora", deps(env("aurora")))(alarm());
            assert.strictEqual(rds.commandCalls(FailoverGlobalClusterCommand).length, 1);
            assert.deepStrictEqual(report.results.map((r) => [r.outcome, r.attempts]), [["in-progress", 2]]);
        });

        it("fails clearly when the configured cluster is not a member", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-aurora", GlobalClusterMembers: members(EAST) }] });
            await assert.rejects(makeHandler("aurora", deps(env("aurora", { MAX_ATTEMPTS: "1" })))(alarm()), /is not a member of global cluster mall-aurora/);
        });
    });

    describe("docdb", () => {
        it("fails over through the DocumentDB API with the exact arguments", async () => {
            docdb.on(DocDbDescribe).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-docdb", GlobalClusterMembers: members(EAST, WEST) }] });
            docdb.on(DocDbFailover).resolves({});
            await makeHandler("docdb", deps(env("docdb")))(alarm());
            assert.deepStrictEqual(docdb.commandCalls(DocDbDescribe).map((c) => c.args[0].input), [{ GlobalClusterIdentifier: "mall-docdb" }]);
            assert.deepStrictEqual(docdb.commandCalls(DocDbFailover).map((c) => c.args[0].input), [
                { GlobalClusterIdentifier: "mall-docdb", TargetDbClusterIdentifier: WEST, AllowDataLoss: true },
            ]);
            assert.strictEqual(rds.calls().length, 0, "DocumentDB must not go through the RDS client");
        });

        it("switches over on a drill and is a no-op once primary", async () => {
            docdb.on(DocDbDescribe).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-docdb", GlobalClusterMembers: members(EAST, WEST) }] });
            docdb.on(DocDbSwitchover).resolves({});
            const h = makeHandler("docdb", deps(env("docdb")));
            await h({ operator: { confirmRegion: "us-west-2", mode: "switchover" } });
            assert.deepStrictEqual(docdb.commandCalls(DocDbSwitchover).map((c) => c.args[0].input), [{ GlobalClusterIdentifier: "mall-docdb", TargetDbClusterIdentifier: WEST }]);

            docdb.reset();
            docdb.on(DocDbDescribe).resolves({ GlobalClusters: [{ GlobalClusterIdentifier: "mall-docdb", GlobalClusterMembers: members(WEST, EAST) }] });
            const again = await h(alarm());
            assert.strictEqual(docdb.commandCalls(DocDbFailover).length + docdb.commandCalls(DocDbSwitchover).length, 0);
            assert.deepStrictEqual(again.results.map((r) => r.outcome), ["already-primary"]);
        });

        it("does nothing when the flag is off", async () => {
            await makeHandler("docdb", deps(env("docdb", { ENABLE_AUTO_FAILOVER: "false" })))(alarm());
            assert.strictEqual(docdb.calls().length + sns.calls().length, 0);
        });
    });

    describe("elasticache", () => {
        const datastore = (primary: [string, string], status = "available") => ({
            GlobalReplicationGroups: [
                {
                    GlobalReplicationGroupId: "ldgnf-mall-cache",
                    Status: status,
                    Members: [
                        { ReplicationGroupId: primary[0], ReplicationGroupRegion: primary[1], Role: "PRIMARY", Status: "associated" },
                        ...[
                            ["mall-us-east-1-cache", "us-east-1"],
                            ["mall-us-west-2-cache", "us-west-2"],
                        ]
                            .filter(([id]) => id !== primary[0])
                            .map(([id, region]) => ({ ReplicationGroupId: id, ReplicationGroupRegion: region, Role: "SECONDARY", Status: "associated" })),
                    ],
                },
            ],
        });

        it("fails the global datastore over to this region with the exact arguments", async () => {
            ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(["mall-us-east-1-cache", "us-east-1"]));
            ec.on(FailoverGlobalReplicationGroupCommand).resolves({});
            await makeHandler("elasticache", deps(env("elasticache")))(alarm());
            assert.deepStrictEqual(ec.commandCalls(DescribeGlobalReplicationGroupsCommand).map((c) => c.args[0].input), [
                { GlobalReplicationGroupId: "ldgnf-mall-cache", ShowMemberInfo: true },
            ]);
            assert.deepStrictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).map((c) => c.args[0].input), [
                { GlobalReplicationGroupId: "ldgnf-mall-cache", PrimaryRegion: "us-west-2", PrimaryReplicationGroupId: "mall-us-west-2-cache" },
            ]);
        });

        it("is a no-op when this region is already primary", async () => {
            ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(["mall-us-west-2-cache", "us-west-2"]));
            const report = await makeHandler("elasticache", deps(env("elasticache")))(alarm());
            assert.strictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
            assert.deepStrictEqual(report.results.map((r) => r.outcome), ["already-primary"]);
        });

        it("waits out a datastore that is already modifying", async () => {
            ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(["mall-us-east-1-cache", "us-east-1"], "modifying"));
            const report = await makeHandler("elasticache", deps(env("elasticache")))(alarm());
            assert.strictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
            assert.deepStrictEqual(report.results.map((r) => r.outcome), ["in-progress"]);
        });

        it("does nothing when the flag is off", async () => {
            await makeHandler("elasticache", deps(env("elasticache", { ENABLE_AUTO_FAILOVER: "false" })))(alarm());
            assert.strictEqual(ec.calls().length + sns.calls().length, 0);
        });

        it("reports failure after the configured attempts and throws for Lambda's retry", async () => {
            ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(["mall-us-east-1-cache", "us-east-1"]));
            ec.on(FailoverGlobalReplicationGroupCommand).rejects(new Error("InvalidGlobalReplicationGroupState"));
            await assert.rejects(makeHandler("elasticache", deps(env("elasticache", { MAX_ATTEMPTS: "2" })))(alarm()), PartialFailureError);
            assert.strictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 2);
            assert.strictEqual(sns.commandCalls(PublishCommand)[0].args[0].input.Subject, "[DR FAILED] elasticache failover to us-west-2: 1 failed");
        });
    });

    describe("configuration", () => {
        it("rejects a missing or malformed flag rather than guessing", () => {
            assert.throws(() => readConfig(env("aurora", { ENABLE_AUTO_FAILOVER: "yes" })), /ENABLE_AUTO_FAILOVER must be "true" or "false"; it is "yes"/);
            const e = env("aurora");
            delete e.DRY_RUN;
            assert.throws(() => readConfig(e), /DRY_RUN must be "true" or "false"; it is undefined/);
        });

        it("rejects a handler wired to the wrong store", async () => {
            await assert.rejects(makeHandler("docdb", deps(env("aurora")))(alarm()), /this is the docdb handler but FAILOVER_STORE is aurora/);
        });

        it("rejects malformed targets", async () => {
            await assert.rejects(makeHandler("aurora", deps(env("aurora", { TARGETS: '[{"globalClusterIdentifier":"x"}]' })))(alarm()), /TARGETS\[0\]\.clusterArn must be a non-empty string/);
        });

        it("keeps the SNS subject within 100 characters", () => {
            const results = Array.from({ length: 30 }, (_, i) => ({ target: `t${i}`, outcome: (["promoted", "failed", "in-progress"] as const)[i % 3], detail: "", attempts: 1 }));
            const { subject } = summarise({ store: "aurora", region: "ap-northeast-2", acted: true, reason: "", mode: "failover", dryRun: false, trigger: "", results });
            assert.ok(subject.length <= 100);
        });
    });
});
