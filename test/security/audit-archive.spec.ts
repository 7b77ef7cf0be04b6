import * as assert from "assert";
import { DAY_MS, exhausted, exportOf, groupSlug, nextExport, settledDays } from "../../lambdas/audit-export/core";
import { auditArchiveNames, defaultRetention, exporterPolicy, logsExportGrants } from "../../components/security/plan";
import { PlannedResource } from "../../tools/plan/contract";
import { planned } from "../deploy-ready/planned";

const T = (iso: string) => Date.parse(iso);
const FLOW = { logGroupName: "/mall/us-east-1/vpc-flow-logs" };
const EKS = { logGroupName: "/aws/eks/mall-us-east-1/cluster" };

describe("audit exporter: which export runs next (lambdas/audit-export/core.ts)", () => {
    it("names a (group, day) export: task name, the UTC day's window, a dated key prefix", () => {
        assert.strictEqual(groupSlug("/aws/eks/mall-us-east-1/cluster"), "aws-eks-mall-us-east-1-cluster");
        assert.deepStrictEqual(exportOf(EKS, T("2026-11-26T00:00:00Z")), {
            taskName: "audit-2026-11-26-aws-eks-mall-us-east-1-cluster",
            logGroupName: "/aws/eks/mall-us-east-1/cluster",
            from: T("2026-11-26T00:00:00Z"),
            to: T("2026-11-27T00:00:00Z") - 1,
            destinationPrefix: "aws-eks-mall-us-east-1-cluster/2026/11/26",
        });
    });

    it("exports a day only 12 hours after it ends, looking back seven days", () => {
        const days = (now: string) => settledDays(T(now)).map((d) => new Date(d).toISOString().slice(0, 10));
        assert.deepStrictEqual(days("2026-11-28T11:59:00Z"), ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]);
        assert.deepStrictEqual(days("2026-11-28T12:00:00Z").slice(-1), ["2026-11-27"]);
    });

    it("starts the oldest missing (day, group) first and skips what completed", () => {
        const now = T("2026-11-28T13:00:00Z");
        const done = settledDays(now).flatMap((d) => [FLOW, EKS].map((g) => ({ taskName: exportOf(g, d).taskName, status: "COMPLETED" })));
        const missing = exportOf(FLOW, T("2026-11-24T00:00:00Z"));
        const tasks = done.filter((t) => t.taskName !== missing.taskName && t.taskName !== exportOf(EKS, T("2026-11-25T00:00:00Z")).taskName);
        assert.deepStrictEqual(nextExport(now, [FLOW, EKS], tasks), { kind: "start", request: missing });
        assert.deepStrictEqual(nextExport(now, [FLOW, EKS], done), { kind: "done" });
    });

    it("retries a failed or cancelled export, and waits while any export of the account runs (one at a time)", () => {
        const now = T("2026-11-28T13:00:00Z");
        const day = settledDays(now, 1)[0];
        const failed = [{ taskName: exportOf(EKS, day).taskName, status: "FAILED" }];
        assert.deepStrictEqual(nextExport(now, [EKS], failed, 1), { kind: "start", request: exportOf(EKS, day) });
        assert.deepStrictEqual(nextExport(now, [EKS], [...failed, { taskName: "someone-elses", status: "RUNNING" }]), { kind: "busy", running: "someone-elses" });
        assert.deepStrictEqual(nextExport(now, [EKS], [{ taskName: "x", status: "PENDING" }]).kind, "busy");
        assert.strictEqual(settledDays(now, 1)[0] + DAY_MS + 12 * 3600 * 1000 <= now, true);
        // After three failures a (group, day) is skipped: the error alarm has fired, and later days still land.
        const [older, newer] = settledDays(now, 2);
        const thrice = [0, 1, 2].map(() => ({ taskName: exportOf(EKS, older).taskName, status: "FAILED" }));
        assert.deepStrictEqual(nextExport(now, [EKS], thrice.slice(0, 2), 2), { kind: "start", request: exportOf(EKS, older) });
        assert.deepStrictEqual(nextExport(now, [EKS], thrice, 2), { kind: "start", request: exportOf(EKS, newer) });
        // ... and named, so the run fails and the exporter's error alarm pages.
        assert.deepStrictEqual(exhausted(now, [EKS, FLOW], thrice, 2), [exportOf(EKS, older).taskName]);
        assert.deepStrictEqual(exhausted(now, [EKS], thrice.slice(0, 2), 2), []);
    });
});

describe("audit archive planning (components/security/plan.ts)", () => {
    it("locks objects in the lock's mode, or not at all", () => {
        assert.deepStrictEqual(defaultRetention("compliance", 365), { mode: "COMPLIANCE", days: 365 });
        assert.deepStrictEqual(defaultRetention("governance", 30), { mode: "GOVERNANCE", days: 30 });
        assert.strictEqual(defaultRetention("none", 365), undefined);
    });

    it("lets CloudWatch Logs of this account and region write exports, and nothing else", () => {
        assert.deepStrictEqual(logsExportGrants("arn:aws:s3:::b", "us-east-1", "123456789012", "arn:aws:logs:us-east-1:123456789012:log-group:*"), [
            {
                Sid: "CloudWatchLogsChecksBucketAcl",
                Effect: "Allow",
                Principal: { Service: "logs.us-east-1.amazonaws.com" },
                Action: "s3:GetBucketAcl",
                Resource: "arn:aws:s3:::b",
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } },
            },
            {
                Sid: "CloudWatchLogsExports",
                Effect: "Allow",
                Principal: { Service: "logs.us-east-1.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::b/*",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012", "s3:x-amz-acl": "bucket-owner-full-control" },
                    ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
                },
            },
        ]);
    });

    it("lets the exporter export exactly the audit groups", () => {
        const policy = exporterPolicy("us-east-1", "123456789012", ["/a"], "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x", "arn:aws:s3:::b", "arn:aws:kms:us-east-1:123456789012:key/k");
        assert.deepStrictEqual(policy.Statement[0].Resource, ["arn:aws:logs:us-east-1:123456789012:log-group:/a", "arn:aws:logs:us-east-1:123456789012:log-group:/a:*"]);
        assert.deepStrictEqual(
            policy.Statement.slice(2, 5).map((s) => [s.Sid, s.Resource]),
            [
                ["ArchiveBucket", "arn:aws:s3:::b"],
                ["ArchiveObjects", "arn:aws:s3:::b/*"],
                ["ArchiveKey", "arn:aws:kms:us-east-1:123456789012:key/k"],
            ],
        );
        assert.deepStrictEqual(auditArchiveNames("mall", "us-east-1", "123456789012").bucket, "mall-us-east-1-audit-123456789012");
        // A primary elsewhere archives the edge's WAF logs in us-east-1 beside that region's own archive: its own names.
        assert.deepStrictEqual(auditArchiveNames("mall", "us-east-1", "123456789012", "edge-audit"), {
            bucket: "mall-us-east-1-edge-audit-123456789012",
            exporter: "mall-us-east-1-edge-audit-export",
            schedule: "mall-us-east-1-edge-audit-export",
            exporterLogGroup: "/aws/lambda/mall-us-east-1-edge-audit-export",
        });
    });
});

describe("audit evidence in the shipped plan", () => {
    let stacks: { stack: string; environment: string; resources: PlannedResource[] }[];
    before(async function () {
        this.timeout(120_000);
        stacks = (await planned()).stacks;
    });
    const auditGroups = (rs: PlannedResource[]) => rs.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && (r.inputs.tags as Record<string, string>)?.["log-class"] === "audit");

    it("every stack's audit-class groups: flow logs, EKS control plane, the origin WAF, Aurora, DocumentDB and OpenSearch audit; the primary adds the edge WAF", () => {
        const names = (stack: string) => auditGroups(stacks.find((s) => s.stack === stack)!.resources).map((r) => String(r.inputs.name)).sort();
        assert.deepStrictEqual(names("us-east-1"), [
            "/aws/docdb/mall-us-east-1-docdb/audit",
            "/aws/eks/mall-us-east-1/cluster",
            "/aws/opensearch/mall-us-east-1-search/audit",
            "/aws/rds/cluster/mall-us-east-1-aurora/postgresql",
            "/mall/us-east-1/vpc-flow-logs",
            "aws-waf-logs-mall-edge",
            "aws-waf-logs-mall-us-east-1-origin",
        ]);
        assert.deepStrictEqual(names("us-west-2"), [
            "/aws/docdb/mall-us-west-2-docdb/audit",
            "/aws/eks/mall-us-west-2/cluster",
            "/aws/opensearch/mall-us-west-2-search/audit",
            "/aws/rds/cluster/mall-us-west-2-aurora/postgresql",
            "/mall/us-west-2/vpc-flow-logs",
            "aws-waf-logs-mall-us-west-2-origin",
        ]);
    });

    it("keeps every audit group 365 days, protected, and archives each in its own region's Object Lock bucket", () => {
        for (const s of stacks) {
            const groups = auditGroups(s.resources);
            assert.deepStrictEqual(
                groups.filter((g) => g.inputs.retentionInDays !== 365 || !g.protect).map((g) => g.name),
                [],
                s.stack,
            );
            const exporters = s.resources.filter((r) => r.type === "aws:lambda/function:Function" && (r.inputs.environment as any)?.variables?.AUDIT_LOG_GROUPS);
            assert.strictEqual(exporters.length, 1, s.stack);
            const archived = (JSON.parse((exporters[0].inputs.environment as any).variables.AUDIT_LOG_GROUPS) as { logGroupName: string }[]).map((g) => g.logGroupName);
            assert.deepStrictEqual(archived, groups.map((g) => String(g.inputs.name)).sort(), s.stack);
            const bucket = s.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && String(r.inputs.bucket).includes("-audit-"))!;
            assert.deepStrictEqual([bucket.inputs.bucket, bucket.inputs.objectLockEnabled, bucket.protect], [`${s.stack.startsWith("staging-") ? "mall-staging" : "mall"}-${s.stack.replace("staging-", "")}-audit-123456789012`, true, true]);
            const region = s.stack.replace("staging-", "");
            const policy = JSON.parse(String(s.resources.find((r) => r.name === "audit-bucket-policy")!.inputs.policy));
            assert.deepStrictEqual(
                policy.Statement.slice(1).map((x: { Condition: { ArnLike: unknown } }) => x.Condition.ArnLike),
                [0, 1].map(() => ({ "aws:SourceArn": `arn:aws:logs:${region}:123456789012:log-group:*` })),
            );
            const alarm = s.resources.find((r) => r.name === "audit-exporter-errors")!;
            assert.deepStrictEqual(
                [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.threshold, alarm.propertyDependencies.alarmActions],
                ["AWS/Lambda", "Errors", 1, [s.resources.find((r) => r.name === "dr-topic")!.urn]],
            );
            const lock = s.resources.find((r) => r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration" && r.name === "audit-object-lock")!;
            assert.deepStrictEqual(lock.inputs.rule, { defaultRetention: { mode: s.environment === "production" ? "COMPLIANCE" : "GOVERNANCE", days: 365 } }, s.stack);
        }
    });

    it("locks both backup vaults in compliance mode in production (protected) and in governance in staging (mall:retentionLock's defaults)", () => {
        for (const s of stacks) {
            const locks = s.resources.filter((r) => r.type === "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
            const production = s.environment === "production";
            assert.deepStrictEqual(
                locks.map((l) => [l.inputs.changeableForDays, l.inputs.minRetentionDays, l.protect]),
                [0, 1].map(() => [production ? 3 : undefined, 35, production]),
                s.stack,
            );
        }
    });
});
