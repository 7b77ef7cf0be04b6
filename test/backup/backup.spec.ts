/**
 * The platform's backup component (issues "Active-active II" and "Security II"): one vault and plan
 * per region at the spec's 35 days; DSQL and the S3 buckets in every region, the global stores'
 * writers in the primary; a same-day copy into a vault the stack owns in its copy region, and into
 * another account's vault when configured; Vault Lock by mall:retentionLock; the Region's AWS Backup
 * settings owned through mall:accountBaseline.
 */
import * as assert from "assert";
import { BACKUP_ROLE_POLICIES, OPT_IN_RESOURCE_TYPES, RETENTION_DAYS, backupNames, copyActions, copyVaultName, regionSettings, vaultLock } from "../../components/backup/plan";
import { PlanResult, StackResult } from "../../tools/plan/plan";
import { OTHER_ACCOUNT_VAULT, REGISTRY, handedOverPrimaryPlan, productionPlan } from "../registry";
import { firstDeployReport } from "../../tools/reachability/first-deploy";

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
            const vault = of(s, "aws:backup/vault:Vault").find((v) => v.name === "backup-vault")!;
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
            const selections = of(s, "aws:backup/selection:Selection").filter((x) => x.inputs.name === "dsql");
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

    it("writes each region's AWS Backup opt-ins once: every resource type (the whole map, or every preview diffs), full management for DynamoDB (advanced backups copy across regions) and EFS", () => {
        for (const s of result.stacks) {
            const settings = one(s, "aws:backup/regionSettings:RegionSettings");
            assert.deepStrictEqual(settings.inputs, { ...regionSettings(), ...(settings.inputs.region ? { region: settings.inputs.region } : {}) });
            assert.deepStrictEqual(Object.keys(settings.inputs.resourceTypeOptInPreference as object).sort(), [...OPT_IN_RESOURCE_TYPES].sort());
            assert.ok((settings.inputs.resourceTypeOptInPreference as Record<string, boolean>).DSQL);
            assert.deepStrictEqual(settings.inputs.resourceTypeManagementPreference, { DynamoDB: true, EFS: true });
        }
    });

    it("backs up the S3 data buckets in every region, and the global stores' writers (Aurora, DocumentDB, the DynamoDB table) in the primary", () => {
        for (const s of result.stacks) {
            const byName = Object.fromEntries(of(s, "aws:backup/selection:Selection").map((x) => [x.inputs.name, x.inputs.resources]));
            const account = "123456789012";
            assert.deepStrictEqual(byName.buckets, [`arn:aws:s3:::mall-${s.stack}-static-assets-${account}`, `arn:aws:s3:::mall-${s.stack}-traces-${account}`], s.stack);
            if (s.stack === REGISTRY.primary) {
                assert.deepStrictEqual(byName.stores, [s.outputs.auroraClusterArn, s.outputs.docdbClusterArn, s.outputs.idempotencyTableArn].map(String));
                assert.match(String(s.outputs.auroraClusterArn), /^arn:aws:rds:us-east-1:\d{12}:cluster:mall-us-east-1-aurora$/);
                assert.match(String(s.outputs.docdbClusterArn), /^arn:aws:rds:us-east-1:\d{12}:cluster:mall-us-east-1-docdb$/);
                assert.match(String(s.outputs.idempotencyTableArn), /^arn:aws:dynamodb:us-east-1:\d{12}:table\/.+$/);
            } else {
                assert.strictEqual(byName.stores, undefined, s.stack);
            }
            // S3 backups need their own managed policies (outside service-role/).
            const attached = of(s, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
            for (const p of ["AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore"]) assert.ok(attached.includes(`arn:aws:iam::aws:policy/${p}`), `${s.stack}: ${p}`);
        }
    });

    it("copies every recovery point the same day into a locked vault it owns in its copy region: the primary's into the first secondary, a secondary's into the primary", () => {
        for (const s of result.stacks) {
            const copyRegion = s.stack === REGISTRY.primary ? REGISTRY.first : REGISTRY.primary;
            const copy = of(s, "aws:backup/vault:Vault").find((v) => v.name === "backup-copy-vault")!;
            assert.deepStrictEqual([copy.inputs.name, copy.inputs.region, copy.protect, copy.inputs.forceDestroy], [copyVaultName("mall", s.stack), copyRegion, true, false], s.stack);
            const key = s.resources.find((r) => r.urn === copy.propertyDependencies.kmsKeyArn?.[0])!;
            assert.deepStrictEqual([key.inputs.region, key.protect], [copyRegion, true]);
            const alias = s.resources.find((r) => r.type === "aws:kms/alias:Alias" && r.name === "backup-copy-vault-alias")!;
            assert.strictEqual(alias.inputs.name, `alias/mall/${copyRegion}/backup-copy-from-${s.stack}`);
            const rule = (one(s, "aws:backup/plan:Plan").inputs.rules as { copyActions: unknown[] }[])[0];
            assert.deepStrictEqual(rule.copyActions, [{ destinationVaultArn: `arn:aws:backup:${copyRegion}:123456789012:backup-vault:${copyVaultName("mall", s.stack)}`, lifecycle: { deleteAfter: RETENTION_DAYS } }]);
            // Production locks both vaults in compliance mode after AWS's 72-hour cooling-off; the lock is protected.
            const locks = of(s, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").map((l) => [l.inputs.backupVaultName, l.inputs.region ?? s.stack, l.inputs.changeableForDays, l.inputs.minRetentionDays, l.protect]);
            assert.deepStrictEqual(locks, [
                [backupNames("mall", s.stack).vault, s.stack, 3, RETENTION_DAYS, true],
                [copyVaultName("mall", s.stack), copyRegion, 3, RETENTION_DAYS, true],
            ]);
        }
    });

    it("locks in governance or not at all where mall:retentionLock says (outside production), and adds another account's vault when mall:backupCopyVaultArn names one", () => {
        assert.deepStrictEqual(vaultLock("compliance"), { changeableForDays: 3, minRetentionDays: 35 });
        assert.deepStrictEqual(vaultLock("governance"), { minRetentionDays: 35 });
        assert.strictEqual(vaultLock("none"), undefined);
        assert.deepStrictEqual(copyActions("arn:copy", "arn:aws:backup:us-east-1:210987654321:backup-vault:vault"), [
            { destinationVaultArn: "arn:copy", lifecycle: { deleteAfter: 35 } },
            { destinationVaultArn: "arn:aws:backup:us-east-1:210987654321:backup-vault:vault", lifecycle: { deleteAfter: 35 } },
        ]);
    });

    it("with mall:backupCopyVaultArn, copies into the other account too and shares the vault's and the snapshots' keys with it (grants for AWS resources only)", async () => {
        const other = OTHER_ACCOUNT_VAULT;
        const copied = await handedOverPrimaryPlan();
        assert.strictEqual(copied.failure, undefined, copied.failure?.error.message);
        const s = copied.stacks[0];
        const rule = (one(s, "aws:backup/plan:Plan").inputs.rules as { copyActions: { destinationVaultArn: string }[] }[])[0];
        assert.deepStrictEqual(rule.copyActions.map((c) => c.destinationVaultArn), [`arn:aws:backup:${REGISTRY.first}:123456789012:backup-vault:${copyVaultName("mall", s.stack)}`, other]);
        const shared = (name: string) => JSON.parse(String(s.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === name)!.inputs.policy)).Statement.filter((x: { Sid: string }) => x.Sid.startsWith("BackupCopyAccount"));
        for (const key of ["backup-vault-key", "data-aurora-key", "data-docdb-key"]) {
            assert.deepStrictEqual(
                shared(key).map((x: { Sid: string; Principal: unknown; Condition?: unknown }) => [x.Sid, x.Principal, x.Condition ?? null]),
                [
                    ["BackupCopyAccountUses", { AWS: ["arn:aws:iam::210987654321:root"] }, null],
                    ["BackupCopyAccountGrants", { AWS: ["arn:aws:iam::210987654321:root"] }, { Bool: { "kms:GrantIsForAWSResource": "true" } }],
                ],
                key,
            );
        }
        // Fully managed types are re-encrypted with the destination vault's key: their own keys are not shared.
        for (const key of ["data-dynamodb-key", "data-s3-key", "data-dsql-key", "backup-copy-vault-key"]) assert.deepStrictEqual(shared(key), [], key);
    });

    it("leaves the Region settings to another stack when mall:accountBaseline.backupRegionSettings is false (a second environment in the account)", async () => {
        const handedOver = await handedOverPrimaryPlan();
        assert.strictEqual(handedOver.failure, undefined, handedOver.failure?.error.message);
        const s = handedOver.stacks[0];
        assert.deepStrictEqual(of(s, "aws:backup/regionSettings:RegionSettings"), []);
        // The selections stay: the opt-in of the account and region is the other stack's to write.
        assert.deepStrictEqual(of(s, "aws:backup/selection:Selection").map((x) => x.inputs.name).sort(), ["buckets", "dsql", "stores"]);
        assert.ok(!of(s, "aws:backup/selection:Selection").some((x) => x.dependencies.some((u) => u.includes("RegionSettings"))));
    });
});

describe("first-deploy prerequisites of the backup copies", function () {
    this.timeout(300_000);
    it("names the organisation-side setup of a cross-account copy, and advanced DynamoDB backups when another owner writes the Region settings", async () => {
        const planned = await handedOverPrimaryPlan();
        assert.strictEqual(planned.failure, undefined, planned.failure?.error.message);
        const rows = firstDeployReport(planned.stacks).filter((r) => /backup/i.test(r.prerequisite));
        assert.deepStrictEqual(
            rows.map((r) => [r.prerequisite, r.check]),
            [
                [
                    "us-east-1: cross-account backup is on in the organisation, and mall-us-east-1-backup-copy (account 210987654321) admits copies from 123456789012",
                    "aws backup describe-global-settings --query GlobalSettings.isCrossAccountBackupEnabled (in the management account); aws backup get-backup-vault-access-policy --backup-vault-name mall-us-east-1-backup-copy --region us-east-1 (in 210987654321)",
                ],
                ["us-east-1: advanced DynamoDB backups are on (AWS Backup's Region settings, which us-east-1 does not own)", "aws backup describe-region-settings --region us-east-1 --query ResourceTypeManagementPreference.DynamoDB"],
            ],
        );
    });
});
