import * as assert from "assert";
import {
    DescribeGlobalReplicationGroupsCommand,
    DescribeReplicationGroupsCommand,
    DisassociateGlobalReplicationGroupCommand,
    ElastiCacheClient,
    FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { NotYetPrimaryError, PartialFailureError, decide, readConfig, summarise } from "../../lambdas/failover/core";
import { makeHandler } from "../../lambdas/failover/index";

const TOPIC = "arn:aws:sns:us-west-2:123456789012:mall-us-west-2-dr";
const PLAN = "arn:aws:arc-region-switch::123456789012:plan/mall-us-east-1-us-west-2:a1b2c3";
const CACHE = { globalReplicationGroupId: "ldgnf-mall-cache", replicationGroupId: "mall-us-west-2-cache" };
const SESSIONS = { globalReplicationGroupId: "ldgnf-mall-sessions", replicationGroupId: "mall-us-west-2-sessions" };

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
        FAILOVER_STORE: "elasticache",
        ENABLE_AUTO_FAILOVER: "true",
        DRY_RUN: "false",
        TARGET_REGION: "us-west-2",
        TOPIC_ARN: TOPIC,
        TARGETS: JSON.stringify([CACHE]),
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
    detail: { alarmName: "mall-us-west-2-primary-us-east-1-down", state: { value } },
});
/** What Region switch sends a CustomActionLambda step (API_Lambdas: the execution metadata at the top level). */
const execution = { InvokedBy: "arc-region-switch", PlanArn: PLAN, ExecutionId: "ex-0123456789", StepName: "elasticache" };

/** A global datastore whose primary is `primary` (id, region), the other member secondary. */
const datastore = (primary: [string, string], status = "available", id = CACHE.globalReplicationGroupId, suffix = "cache") => ({
    GlobalReplicationGroups: [
        {
            GlobalReplicationGroupId: id,
            Status: status,
            Members: [
                [`mall-us-east-1-${suffix}`, "us-east-1"],
                [`mall-us-west-2-${suffix}`, "us-west-2"],
            ].map(([rg, region]) => ({ ReplicationGroupId: rg, ReplicationGroupRegion: region, Role: rg === primary[0] ? "PRIMARY" : "SECONDARY", Status: "associated" })),
        },
    ],
});
const EAST_PRIMARY: [string, string] = ["mall-us-east-1-cache", "us-east-1"];

describe("failover handler (ElastiCache)", () => {
    const ec = mockClient(ElastiCacheClient);
    const sns = mockClient(SNSClient);
    const cw = mockClient(CloudWatchClient);
    let sleeps: number[];
    const deps = (e: NodeJS.ProcessEnv) => ({
        env: e,
        elasticache: new ElastiCacheClient({ region: "us-west-2" }),
        sns: new SNSClient({ region: "us-west-2" }),
        cloudwatch: new CloudWatchClient({ region: "us-west-2" }),
        sleep: async (ms: number) => void sleeps.push(ms),
        log: () => undefined,
    });

    beforeEach(() => {
        ec.reset();
        sns.reset();
        sleeps = [];
        sns.on(PublishCommand).resolves({ MessageId: "m-1" });
        cw.reset();
        // The decision still holds unless a test says otherwise.
        cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: "mall-us-west-2-primary-us-east-1-down", StateValue: "ALARM" }] });
    });

    it("re-reads the decision before acting on its event: a stale or forged ALARM event whose alarm is OK now changes nothing", async () => {
        cw.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: "mall-us-west-2-primary-us-east-1-down", StateValue: "OK" }] });
        const report = await makeHandler("elasticache", deps(env()))(alarm());
        assert.deepStrictEqual(cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input), [{ AlarmNames: ["mall-us-west-2-primary-us-east-1-down"], AlarmTypes: ["CompositeAlarm", "MetricAlarm"] }]);
        assert.deepStrictEqual([report.acted, report.reason], [false, "the alarm mall-us-west-2-primary-us-east-1-down is OK now: the decision no longer holds"]);
        assert.strictEqual(ec.calls().length + sns.calls().length, 0);
        cw.on(DescribeAlarmsCommand).resolves({});
        assert.match((await makeHandler("elasticache", deps(env()))(alarm())).reason, /is not found now/);
    });

    it("on the decision alarm (the primary Region is lost) detaches this member, then notifies", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST_PRIMARY));
        ec.on(DisassociateGlobalReplicationGroupCommand).resolves({});
        const report = await makeHandler("elasticache", deps(env()))(alarm());
        assert.deepStrictEqual(ec.commandCalls(DescribeGlobalReplicationGroupsCommand).map((c) => c.args[0].input), [{ GlobalReplicationGroupId: "ldgnf-mall-cache", ShowMemberInfo: true }]);
        assert.deepStrictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).map((c) => c.args[0].input), [
            { GlobalReplicationGroupId: "ldgnf-mall-cache", ReplicationGroupId: "mall-us-west-2-cache", ReplicationGroupRegion: "us-west-2" },
        ]);
        assert.strictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
        assert.deepStrictEqual(report.results, [{ target: "elasticache ldgnf-mall-cache", outcome: "promoted", detail: "DisassociateGlobalReplicationGroup accepted", attempts: 1 }]);
        const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
        assert.strictEqual(published.length, 1);
        assert.strictEqual(published[0].TopicArn, TOPIC);
        assert.strictEqual(published[0].Subject, "[DR ok] elasticache failover to us-west-2: 1 promoted");
        assert.ok(published[0].Message?.includes("trigger: alarm mall-us-west-2-primary-us-east-1-down (us-west-2) is ALARM"));
    });

    it("in a Region switch execution (graceful, both Regions answer) fails the datastore over losslessly, whatever the flag says, and succeeds only once this member is primary", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST_PRIMARY));
        ec.on(FailoverGlobalReplicationGroupCommand).resolves({});
        const handler = makeHandler("elasticache", deps(env({ ENABLE_AUTO_FAILOVER: "false" })));
        // The failover is asynchronous: an accepted call fails the step, so Region switch runs it again.
        await assert.rejects(handler(execution), (err: unknown) => {
            assert.ok(err instanceof NotYetPrimaryError);
            assert.deepStrictEqual([err.report.mode, err.report.trigger], ["switchover", `Region switch plan ${PLAN} execution ex-0123456789 step elasticache (arc-region-switch)`]);
            assert.match(err.message, /elasticache ldgnf-mall-cache promoted; not primary yet, Region switch runs this step again/);
            return true;
        });
        assert.deepStrictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).map((c) => c.args[0].input), [
            { GlobalReplicationGroupId: "ldgnf-mall-cache", PrimaryRegion: "us-west-2", PrimaryReplicationGroupId: "mall-us-west-2-cache" },
        ]);
        assert.strictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).length, 0);
        // The retry a minute later: still failing over, then primary.
        ec.reset();
        ec.on(DescribeGlobalReplicationGroupsCommand).resolvesOnce(datastore(EAST_PRIMARY, "modifying")).resolves(datastore(["mall-us-west-2-cache", "us-west-2"]));
        await assert.rejects(handler(execution), NotYetPrimaryError);
        const done = await handler(execution);
        assert.deepStrictEqual(done.results.map((r) => r.outcome), ["already-primary"]);
        assert.strictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
    });

    it("is a no-op when this member is already primary, or stands alone after an earlier detach", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(["mall-us-west-2-cache", "us-west-2"]));
        const report = await makeHandler("elasticache", deps(env()))(alarm());
        assert.deepStrictEqual(report.results.map((r) => r.outcome), ["already-primary"]);
        assert.strictEqual(sns.commandCalls(PublishCommand)[0].args[0].input.Subject, "[DR ok] elasticache failover to us-west-2: 1 already-primary");

        ec.reset();
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [{ GlobalReplicationGroupId: "ldgnf-mall-cache", Status: "primary-only", Members: [{ ReplicationGroupId: "mall-us-east-1-cache", ReplicationGroupRegion: "us-east-1", Role: "PRIMARY" }] }] });
        ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: "mall-us-west-2-cache" }] });
        const again = await makeHandler("elasticache", deps(env()))(alarm());
        assert.deepStrictEqual(again.results.map((r) => [r.outcome, r.detail]), [["already-primary", "mall-us-west-2-cache stands alone (detached from ldgnf-mall-cache)"]]);
        assert.strictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).length, 0);
    });

    it("does not start a second promotion while the datastore is modifying", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST_PRIMARY, "modifying"));
        const report = await makeHandler("elasticache", deps(env()))(alarm());
        assert.strictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).length + ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
        assert.deepStrictEqual(report.results.map((r) => r.outcome), ["in-progress"]);
    });

    it("does nothing at all on an alarm when ENABLE_AUTO_FAILOVER is false, or when the alarm returns to OK", async () => {
        const off = await makeHandler("elasticache", deps(env({ ENABLE_AUTO_FAILOVER: "false" })))(alarm());
        assert.strictEqual(ec.calls().length + sns.calls().length, 0);
        assert.deepStrictEqual([off.acted, /ENABLE_AUTO_FAILOVER is false/.test(off.reason)], [false, true]);
        const ok = await makeHandler("elasticache", deps(env()))(alarm("OK"));
        assert.deepStrictEqual([ok.acted, ec.calls().length], [false, 0]);
    });

    it("lets an operator switch over by hand even with the flag off, and only for the confirmed region", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST_PRIMARY));
        ec.on(FailoverGlobalReplicationGroupCommand).resolves({});
        const handler = makeHandler("elasticache", deps(env({ ENABLE_AUTO_FAILOVER: "false" })));
        const wrong = await handler({ operator: { confirmRegion: "us-east-1", mode: "switchover" } });
        assert.deepStrictEqual([wrong.acted, ec.calls().length], [false, 0]);
        await handler({ operator: { confirmRegion: "us-west-2", mode: "switchover", reason: "monthly drill" } });
        assert.strictEqual(ec.commandCalls(FailoverGlobalReplicationGroupCommand).length, 1);
        assert.strictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).length, 0);
    });

    it("dry run describes and notifies what it would do, and changes nothing", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST_PRIMARY));
        const report = await makeHandler("elasticache", deps(env({ DRY_RUN: "true" })))(alarm());
        assert.strictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).length, 0);
        assert.deepStrictEqual(report.results.map((r) => r.detail), [
            'would call DisassociateGlobalReplicationGroup {"GlobalReplicationGroupId":"ldgnf-mall-cache","ReplicationGroupId":"mall-us-west-2-cache","ReplicationGroupRegion":"us-west-2"}',
        ]);
        assert.strictEqual(sns.commandCalls(PublishCommand)[0].args[0].input.Subject, "[DR dry run] elasticache failover to us-west-2: 1 would-promote");
    });

    it("an operator's dryRun cannot turn a configured dry run off", () => {
        const cfg = readConfig(env({ DRY_RUN: "true" }));
        assert.strictEqual(decide({ operator: { confirmRegion: "us-west-2", dryRun: false } }, cfg).dryRun, true);
    });

    it("retries a failing member, reports the partial failure, and throws so Lambda retries; the retry leaves the promoted one alone", async () => {
        const e = env({ TARGETS: JSON.stringify([CACHE, SESSIONS]) });
        ec.on(DescribeGlobalReplicationGroupsCommand, { GlobalReplicationGroupId: CACHE.globalReplicationGroupId }).resolves(datastore(EAST_PRIMARY));
        ec.on(DescribeGlobalReplicationGroupsCommand, { GlobalReplicationGroupId: SESSIONS.globalReplicationGroupId }).resolves(datastore(["mall-us-east-1-sessions", "us-east-1"], "available", SESSIONS.globalReplicationGroupId, "sessions"));
        ec.on(DisassociateGlobalReplicationGroupCommand, { GlobalReplicationGroupId: CACHE.globalReplicationGroupId }).resolves({});
        ec.on(DisassociateGlobalReplicationGroupCommand, { GlobalReplicationGroupId: SESSIONS.globalReplicationGroupId }).rejects(new Error("InvalidGlobalReplicationGroupState"));
        const handler = makeHandler("elasticache", deps(e));
        await assert.rejects(handler(alarm()), (err: unknown) => {
            assert.ok(err instanceof PartialFailureError);
            assert.deepStrictEqual(err.report.results.map((r) => [r.target, r.outcome, r.attempts]), [
                ["elasticache ldgnf-mall-cache", "promoted", 1],
                ["elasticache ldgnf-mall-sessions", "failed", 3],
            ]);
            return true;
        });
        assert.deepStrictEqual(sleeps, [1000, 2000]);
        const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
        assert.strictEqual(published[0].Subject, "[DR FAILED] elasticache failover to us-west-2: 1 promoted, 1 failed");
        assert.ok(published[0].Message?.includes("elasticache ldgnf-mall-sessions: failed after 3 attempt(s): Error: InvalidGlobalReplicationGroupState"));

        ec.reset();
        ec.on(DescribeGlobalReplicationGroupsCommand, { GlobalReplicationGroupId: CACHE.globalReplicationGroupId }).resolves(datastore(["mall-us-west-2-cache", "us-west-2"]));
        ec.on(DescribeGlobalReplicationGroupsCommand, { GlobalReplicationGroupId: SESSIONS.globalReplicationGroupId }).resolves(datastore(["mall-us-east-1-sessions", "us-east-1"], "available", SESSIONS.globalReplicationGroupId, "sessions"));
        ec.on(DisassociateGlobalReplicationGroupCommand).resolves({});
        const report = await handler(alarm());
        assert.deepStrictEqual(ec.commandCalls(DisassociateGlobalReplicationGroupCommand).map((c) => c.args[0].input.GlobalReplicationGroupId), [SESSIONS.globalReplicationGroupId]);
        assert.deepStrictEqual(report.results.map((r) => r.outcome), ["already-primary", "promoted"]);
    });

    it("fails clearly when the configured member belongs to another datastore", async () => {
        ec.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [{ GlobalReplicationGroupId: "ldgnf-mall-cache", Status: "available", Members: [{ ReplicationGroupId: "mall-us-east-1-cache", ReplicationGroupRegion: "us-east-1", Role: "PRIMARY" }] }] });
        ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [{ ReplicationGroupId: "mall-us-west-2-cache", GlobalReplicationGroupInfo: { GlobalReplicationGroupId: "ldgnf-other", GlobalReplicationGroupMemberRole: "SECONDARY" } }] });
        await assert.rejects(makeHandler("elasticache", deps(env({ MAX_ATTEMPTS: "1" })))(alarm()), /mall-us-west-2-cache \(us-west-2\) is not a member of global datastore ldgnf-mall-cache/);
    });

    describe("configuration", () => {
        it("rejects a missing or malformed flag rather than guessing", () => {
            assert.throws(() => readConfig(env({ ENABLE_AUTO_FAILOVER: "yes" })), /ENABLE_AUTO_FAILOVER must be "true" or "false"; it is "yes"/);
            const e = env();
            delete e.DRY_RUN;
            assert.throws(() => readConfig(e), /DRY_RUN must be "true" or "false"; it is undefined/);
        });

        it("rejects a store Region switch promotes itself", () => {
            assert.throws(() => readConfig(env({ FAILOVER_STORE: "aurora" })), /FAILOVER_STORE must be elasticache \(Region switch promotes Aurora and DocumentDB itself\); it is "aurora"/);
        });

        it("rejects malformed targets", async () => {
            await assert.rejects(makeHandler("elasticache", deps(env({ TARGETS: '[{"globalReplicationGroupId":"x"}]' })))(alarm()), /TARGETS\[0\]\.replicationGroupId must be a non-empty string/);
        });

        it("ignores an event it does not know, and a Region switch lookalike without an execution", () => {
            const cfg = readConfig(env());
            assert.strictEqual(decide({ PlanArn: PLAN }, cfg).act, false);
            assert.strictEqual(decide({ hello: "world" }, cfg).act, false);
        });

        it("keeps the SNS subject within 100 characters", () => {
            const results = Array.from({ length: 30 }, (_, i) => ({ target: `t${i}`, outcome: (["promoted", "failed", "in-progress"] as const)[i % 3], detail: "", attempts: 1 }));
            const { subject } = summarise({ store: "elasticache", region: "ap-northeast-2", acted: true, reason: "", mode: "failover", dryRun: false, trigger: "", results });
            assert.ok(subject.length <= 100);
        });
    });
});
