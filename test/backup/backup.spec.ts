/**
 * The platform's backup component (issue "Active-active II"): one vault and plan per region, DSQL,
 * the system of record, as its first member at the spec's 35 days, and the Region's AWS Backup
 * settings owned through mall:accountBaseline.
 */
import * as assert from "assert";
import { BACKUP_ROLE_POLICIES, OPT_IN_RESOURCE_TYPES, RETENTION_DAYS, backupNames, regionSettings } from "../../components/backup/plan";
import { PlanResult, StackResult, plan } from "../../tools/plan/plan";
import { REGISTRY, ROOT, productionPlan } from "../registry";

describe("PlatformBackup (AWS Backup: vault, plan, DSQL, Region settings)", function () {
    this.timeout(300_000);
    let result: PlanResult;
    before(async () => {
        result = await productionPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
    });
    const of = (s: StackResult, type: string) => s.resources.filter((r) => r.type === type);
    const one = (s: StackResult, type: string) => {
        const found = of(s, type);
        assert.strictEqual(found.length, 1, `${s.stack}: ${type}`);
        return found[0];
    };

    it("gives every region a protected vault under its own backup key, and a daily plan keeping 35 days", () => {
        for (const s of result.stacks) {
            const names = backupNames("mall", s.stack);
            const vault = one(s, "aws:backup/vault:Vault");
            assert.deepStrictEqual([vault.inputs.name, vault.protect, vault.inputs.forceDestroy], [names.vault, true, false]);
            const key = s.resources.find((r) => r.urn === vault.propertyDependencies.kmsKeyArn?.[0])!;
            assert.deepStrictEqual([key.type, (key.inputs.tags as Record<string, string>).service, key.protect], ["aws:kms/key:Key", "backup", true]);
            const rules = one(s, "aws:backup/plan:Plan").inputs.rules as { ruleName: string; schedule: string; lifecycle: { deleteAfter: number }; targetVaultName: string }[];
            assert.deepStrictEqual(
                rules.map((r) => [r.ruleName, r.schedule, r.lifecycle.deleteAfter, r.targetVaultName]),
                [["daily-35d", "cron(0 5 ? * * *)", RETENTION_DAYS, names.vault]],
            );
            assert.strictEqual(RETENTION_DAYS, 35);
            assert.deepStrictEqual(s.outputs.backupVaultName, names.vault);
        }
    });

    it("backs up each region's DSQL cluster (the linked pair), with a role AWS Backup assumes", () => {
        const withDsql = result.stacks.filter((s) => s.resources.some((r) => r.type === "aws:dsql/cluster:Cluster"));
        assert.deepStrictEqual(withDsql.map((s) => s.stack), [REGISTRY.primary, REGISTRY.first]);
        for (const s of result.stacks) {
            const selections = of(s, "aws:backup/selection:Selection");
            const cluster = s.resources.find((r) => r.type === "aws:dsql/cluster:Cluster");
            if (!cluster) {
                assert.deepStrictEqual(selections, [], s.stack);
                continue;
            }
            assert.strictEqual(selections.length, 1, s.stack);
            const sel = selections[0];
            assert.deepStrictEqual([sel.inputs.name, sel.inputs.resources], ["dsql", [s.outputs.dsqlClusterArn]]);
            assert.match(String(s.outputs.dsqlClusterArn), new RegExp(`^arn:aws:dsql:${s.outputs.region}:\\d{12}:cluster/[a-z0-9]+$`));
            const role = s.resources.find((r) => r.urn === sel.propertyDependencies.iamRoleArn[0])!;
            assert.deepStrictEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            const attached = of(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.propertyDependencies.role?.includes(role.urn)).map((a) => a.inputs.policyArn);
            assert.deepStrictEqual(attached, BACKUP_ROLE_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`));
            // AWS Backup first assumes the role after the selection exists: its policies and the opt-in come first.
            const settings = one(s, "aws:backup/regionSettings:RegionSettings");
            for (const dep of [...of(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => attached.includes(a.inputs.policyArn as string) && a.propertyDependencies.role?.includes(role.urn)), settings]) {
                assert.ok(sel.dependencies.includes(dep.urn), `${s.stack}: selection after ${dep.name}`);
            }
        }
    });

    it("writes each region's AWS Backup opt-ins once: every resource type (the whole map, or every preview diffs), the management preference left to AWS", () => {
        for (const s of result.stacks) {
            const settings = one(s, "aws:backup/regionSettings:RegionSettings");
            assert.deepStrictEqual(settings.inputs, { ...regionSettings(), ...(settings.inputs.region ? { region: settings.inputs.region } : {}) });
            assert.deepStrictEqual(Object.keys(settings.inputs.resourceTypeOptInPreference as object).sort(), [...OPT_IN_RESOURCE_TYPES].sort());
            assert.ok((settings.inputs.resourceTypeOptInPreference as Record<string, boolean>).DSQL);
            assert.ok(!("resourceTypeManagementPreference" in settings.inputs));
        }
    });

    it("leaves the Region settings to another stack when mall:accountBaseline.backupRegionSettings is false (a second environment in the account)", async () => {
        const handedOver = await plan({ dir: ROOT, skipPolicy: true, only: REGISTRY.primary, overrides: { [REGISTRY.primary]: { "mall:accountBaseline": JSON.stringify({ backupRegionSettings: false }) } } });
        assert.strictEqual(handedOver.failure, undefined, handedOver.failure?.error.message);
        const s = handedOver.stacks[0];
        assert.deepStrictEqual(of(s, "aws:backup/regionSettings:RegionSettings"), []);
        // The DSQL selection stays: the opt-in of the account and region is the other stack's to write.
        assert.strictEqual(of(s, "aws:backup/selection:Selection").length, 1);
        assert.ok(!of(s, "aws:backup/selection:Selection")[0].dependencies.some((u) => u.includes("RegionSettings")));
    });
});
