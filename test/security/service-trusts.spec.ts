/**
 * S14: every role an AWS service assumes is pinned to this account (`aws:SourceAccount`), and to
 * the resource it acts for where the service documents sending `aws:SourceArn`, except the few
 * services AWS does not document as sending either key (docs/security.md, "Service trusts").
 * Over the whole shipped plan, so a new role is covered the day it is added.
 */
import * as assert from "assert";
import { PlannedResource } from "../../tools/plan/contract";
import { planned } from "../deploy-ready/planned";

/** Services AWS does not document as sending the confused-deputy keys when assuming a role: a condition could break them. */
const UNPINNED: Readonly<Record<string, string>> = {
    "ec2.amazonaws.com": "instance profiles of the node roles",
    "s3.amazonaws.com": "S3 replication",
    "arc-region-switch.amazonaws.com": "the ARC Region switch plan's execution role",
    "backup.amazonaws.com": "AWS Backup's service role",
};

/** Where AWS documents aws:SourceArn for the service, the ARN pattern the trust must carry. */
const SOURCE_ARN: Readonly<Record<string, RegExp>> = {
    "eks.amazonaws.com": /^arn:aws:eks:[a-z0-9-]+:123456789012:cluster\/[\w-]+$/,
    "monitoring.rds.amazonaws.com": /^arn:aws:rds:[a-z0-9-]+:123456789012:db:\*$/,
};

interface Statement {
    Principal?: { Service?: string | string[] };
    Condition?: { StringEquals?: Record<string, string>; ArnLike?: Record<string, string> };
}

function serviceStatements(r: PlannedResource): { service: string; statement: Statement }[] {
    const doc = JSON.parse(String(r.inputs.assumeRolePolicy)) as { Statement: Statement[] };
    return doc.Statement.flatMap((statement) => [statement.Principal?.Service ?? []].flat().map((service) => ({ service, statement })));
}

describe("service-principal trusts carry the confused-deputy guard (S14)", function () {
    this.timeout(600_000);
    let roles: { stack: string; r: PlannedResource }[];
    before(async () => {
        roles = (await planned()).stacks.flatMap((s) => s.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => ({ stack: s.stack, r })));
    });

    it("pins every service trust to the account, except the services that are not documented to send it", () => {
        const unguarded: string[] = [];
        let pinned = 0;
        for (const { stack, r } of roles) {
            for (const { service, statement } of serviceStatements(r)) {
                if (statement.Condition?.StringEquals?.["aws:SourceAccount"] === "123456789012") pinned++;
                else if (!UNPINNED[service]) unguarded.push(`${stack} ${r.name} (${service})`);
            }
        }
        assert.deepStrictEqual(unguarded, []);
        assert.ok(pinned >= 40, `${pinned} pinned trusts`);
    });

    it("adds aws:SourceArn where the service documents it (EKS clusters, RDS Enhanced Monitoring)", () => {
        const seen = new Set<string>();
        for (const { stack, r } of roles) {
            for (const { service, statement } of serviceStatements(r).filter((x) => SOURCE_ARN[x.service])) {
                seen.add(service);
                assert.match(String(statement.Condition?.ArnLike?.["aws:SourceArn"]), SOURCE_ARN[service], `${stack} ${r.name}`);
            }
        }
        assert.deepStrictEqual([...seen].sort(), Object.keys(SOURCE_ARN).sort());
    });

    it("lists as unpinned only services the plan still trusts that way (the exception list cannot rot)", () => {
        const unpinnedSeen = new Set(roles.flatMap(({ r }) => serviceStatements(r).filter((x) => !x.statement.Condition?.StringEquals?.["aws:SourceAccount"]).map((x) => x.service)));
        assert.deepStrictEqual([...unpinnedSeen].sort(), Object.keys(UNPINNED).sort());
    });

    it("lets only this cluster's interruption rules deliver to Karpenter's queue through EventBridge", async () => {
        for (const s of (await planned()).stacks) {
            const policy = JSON.parse(String(s.resources.find((r) => r.type === "aws:sqs/queuePolicy:QueuePolicy" && r.name === "eks-karpenter-interruptions-policy")!.inputs.policy));
            const events = policy.Statement.find((x: { Sid: string }) => x.Sid === "EventBridgeRulesDeliver");
            assert.deepStrictEqual(events.Principal, { Service: "events.amazonaws.com" }, s.stack);
            const arns = events.Condition.ArnEquals["aws:SourceArn"] as string[];
            assert.strictEqual(arns.length, 4, s.stack);
            for (const arn of arns) assert.match(arn, /^arn:aws:events:[a-z0-9-]+:123456789012:rule\/mall-[\w-]+-karpenter-[\w-]+$/, s.stack);
        }
    });
});

describe("the OpenSearch master role (S15)", function () {
    this.timeout(600_000);
    it("is assumable only by the region's identities bootstrap and the named operators, never by the whole account", async () => {
        for (const s of (await planned()).stacks) {
            const role = s.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "data-search-admin-role")!;
            const region = String(role.inputs.name).replace(/^mall-(staging-)?/, "").replace(/-search-admin$/, "");
            const prefix = String(role.inputs.name).replace(/-search-admin$/, "");
            const [statement, ...rest] = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement;
            assert.deepStrictEqual(rest, [], s.stack);
            assert.deepStrictEqual(statement.Principal, { AWS: "arn:aws:iam::123456789012:root" }, s.stack);
            const arns = statement.Condition.ArnEquals["aws:PrincipalArn"] as string[];
            assert.strictEqual(arns[0], `arn:aws:iam::123456789012:role/${prefix}-identities`, `${s.stack} (${region})`);
            const identities = s.resources.find((r) => r.type === "aws:iam/role:Role" && String(r.inputs.name) === `${prefix}-identities`);
            assert.ok(identities, `${s.stack}: the bootstrap's role is named ${prefix}-identities`);
        }
    });
});
