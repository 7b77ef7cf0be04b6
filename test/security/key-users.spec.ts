/**
 * Data keys that name their users (security review S6), over the shipped plan: no data key lets
 * the account (or "*") use it, and every principal a key names is a role some stack of the same
 * environment declares under exactly that name (or a deployer, or DynamoDB's replication role):
 * a renamed role would otherwise lose its key silently, since KMS does not resolve the ARNs in
 * conditions.
 */
import * as assert from "assert";
import { KEY_ADMIN_ACTIONS, userStatements } from "../../components/common/kms";
import { SERVICES } from "../../components/catalogue";
import { dataKeyUsers, dynamoReplicationRoleArn } from "../../components/data/key-users";
import { accountWideUse } from "../../policy/encryption";
import { PlannedResource } from "../../tools/plan/contract";
import { evaluatePolicy } from "../../tools/plan/policy";
import { PACK_DIR } from "../policy/fixtures";
import { shippedPlan } from "../registry";

type Stack = { stack: string; environment: string; role: string; resources: PlannedResource[] };
type Statement = { Sid: string; Effect: string; Principal: unknown; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };

const ACCOUNT = "123456789012";
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const DEPLOYERS: Record<string, string> = { production: role("mall-deploy"), staging: role("mall-staging-deploy") };

const tagsOf = (r: PlannedResource) => (r.inputs.tags ?? {}) as Record<string, string>;
const dataKeys = (s: Stack) => s.resources.filter((r) => r.type === "aws:kms/key:Key" && tagsOf(r).component === "global-data");
const policyOf = (k: PlannedResource) => (JSON.parse(k.inputs.policy as string) as { Statement: Statement[] }).Statement;
const statement = (k: PlannedResource, sid: string) => policyOf(k).find((s) => s.Sid === sid);
const named = (st: Statement | undefined): string[] => {
    const v = st?.Condition?.ArnLike?.["aws:PrincipalArn"];
    return v === undefined ? [] : ([] as string[]).concat(v as string | string[]).sort();
};
const key = (s: Stack, name: string) => s.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === name)!;

describe("data keys that name their users (S6) in the shipped plan", () => {
    let stacks: Stack[];
    before(async function () {
        this.timeout(300_000);
        stacks = (await shippedPlan()).stacks as Stack[];
    });

    it("no data key lets the account or everyone use it: the root administers only, every use names its principals", () => {
        for (const s of stacks) {
            const keys = dataKeys(s);
            // Ten per region, and in the primary one more per secondary for the secrets' replicas.
            assert.strictEqual(keys.length, s.role === "primary" ? 11 : 10, s.stack);
            for (const k of keys) {
                const sts = policyOf(k);
                assert.deepStrictEqual(statement(k, "AccountAdministers")?.Action, [...KEY_ADMIN_ACTIONS], `${s.stack} ${k.name}`);
                for (const st of sts) assert.strictEqual(accountWideUse(st, new Set([ACCOUNT])), undefined, `${s.stack} ${k.name} ${st.Sid}`);
                assert.ok(!sts.some((st) => st.Sid === "UseThroughService"), `${s.stack} ${k.name}`);
            }
        }
    });

    it("the backup vault keys name their users too: whoever creates the vault, the plan's role, AWS Backup's service-linked role (and the other account when set)", () => {
        for (const s of stacks) {
            const region = s.stack.replace("staging-", "");
            const prefix = s.environment === "production" ? "mall" : "mall-staging";
            for (const name of ["backup-vault-key", "backup-copy-vault-key"]) {
                const k = key(s, name);
                assert.deepStrictEqual(statement(k, "AccountAdministers")?.Action, [...KEY_ADMIN_ACTIONS], `${s.stack} ${name}`);
                for (const st of policyOf(k)) assert.strictEqual(accountWideUse(st, new Set([ACCOUNT])), undefined, `${s.stack} ${name} ${st.Sid}`);
                assert.deepStrictEqual(named(statement(k, "BackupsGrants")), [role(`${prefix}-${region}-backup`), role("aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup")].sort(), `${s.stack} ${name}`);
                assert.deepStrictEqual(named(statement(k, "Deployers")), [DEPLOYERS[s.environment]], `${s.stack} ${name}`);
            }
        }
    });

    it("every principal a data key names is a role its environment declares by that name, a deployer, or DynamoDB's replication role", () => {
        for (const env of [...new Set(stacks.map((s) => s.environment))]) {
            const inEnv = stacks.filter((s) => s.environment === env);
            const declared = new Set(
                inEnv.flatMap((s) => s.resources.filter((r) => r.type === "aws:iam/role:Role" && typeof r.inputs.name === "string").map((r) => role(`${((r.inputs.path as string) ?? "/").slice(1)}${r.inputs.name as string}`))),
            );
            const allowed = new Set([...declared, DEPLOYERS[env], dynamoReplicationRoleArn(ACCOUNT)]);
            const missing = inEnv.flatMap((s) => dataKeys(s).flatMap((k) => policyOf(k).flatMap((st) => named(st).filter((p) => !allowed.has(p)).map((p) => `${s.stack} ${k.name} ${st.Sid}: ${p}`))));
            assert.deepStrictEqual(missing, [], env);
        }
    });

    it("names who uses each store's key in us-east-1, through the store's service", () => {
        const east = stacks.find((s) => s.stack === "us-east-1")!;
        const secretReaders = SERVICES.filter((s) => s.stores.includes("docdb") || s.stores.includes("cache")).map((s) => role(`mall-us-east-1-svc-${s.name}`));
        assert.deepStrictEqual(named(statement(key(east, "data-secrets-key"), "Readers")), [...secretReaders, role("mall-us-east-1-identities")].sort());
        assert.deepStrictEqual(statement(key(east, "data-secrets-key"), "Readers")?.Action, ["kms:Decrypt"]);
        assert.deepStrictEqual(named(statement(key(east, "data-aurora-key"), "RegionSwitchGrants")), [role("mall-us-west-2-region-switch-us-east-1")]);
        assert.deepStrictEqual(statement(key(east, "data-aurora-key"), "DeployersGrants")?.Condition, {
            Bool: { "kms:GrantIsForAWSResource": "true" },
            StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["rds.us-east-1.amazonaws.com"] },
            ArnLike: { "aws:PrincipalArn": DEPLOYERS.production },
        });
        assert.deepStrictEqual(statement(key(east, "data-elasticache-key"), "CacheFailover")?.Condition?.StringEquals, {
            "kms:CallerAccount": ACCOUNT,
            "kms:ViaService": ["elasticache.us-east-1.amazonaws.com", "dax.us-east-1.amazonaws.com"],
        });
        assert.deepStrictEqual(named(statement(key(east, "data-elasticache-key"), "CacheFailover")), [role("mall-us-east-1-failover-elasticache"), role("mall-us-west-2-failover-elasticache")]);
        assert.deepStrictEqual(statement(key(east, "data-dynamodb-key"), "Replication")?.Condition?.StringLike, { "kms:ViaService": ["dynamodb.*.amazonaws.com"] });
        assert.deepStrictEqual(named(statement(key(east, "data-dynamodb-key"), "Services")), ["inventory", "order", "payment"].map((s) => role(`mall-us-east-1-svc-${s}`)));
        assert.deepStrictEqual(named(statement(key(east, "data-s3-key"), "Replication")), [role("mall-us-west-2-s3-replication")]);
        assert.deepStrictEqual(named(statement(key(east, "data-s3-key"), "Services")), [role("mall-us-east-1-svc-seller"), role("mall-us-east-1-tempo")]);
        // The secrets' replica key in us-west-2 names us-west-2's readers.
        assert.deepStrictEqual(named(statement(key(east, "data-secrets-us-west-2-key"), "Readers")), [...secretReaders.map((r) => r.replace("us-east-1", "us-west-2")), role("mall-us-west-2-identities")].sort());
        // Credential rotation (S7) writes new versions: named on the secrets keys, here and in every replica region.
        for (const k of ["data-secrets-key", "data-secrets-us-west-2-key"]) {
            assert.deepStrictEqual(named(statement(key(east, k), "Rotation")), [role("mall-us-east-1-credential-rotation")], k);
        }
        // The logs key: CloudWatch Logs alone, bound to this account's log groups.
        assert.deepStrictEqual(policyOf(key(east, "data-logs-key")).map((st) => st.Sid), ["AccountAdministers", "Servicelogs", "DenyShortDeletionWindow"]);
    });

    it("the pack enforces it on the program's stack: us-east-1 with one key as before S6 fails on that key alone", async function () {
        this.timeout(120_000);
        const east = stacks.find((s) => s.stack === "us-east-1")!;
        const findings = async (resources: PlannedResource[]) =>
            (await evaluatePolicy({ packDir: PACK_DIR, project: "mall", stack: "us-east-1", config: {}, resources })).diagnostics
                .filter((d) => d.policy === "per-service-kms-keys" && d.level === "mandatory")
                .map((d) => d.message);
        // The Aurora key with the policy every data key had: the root's kms:* and everyone through RDS.
        const legacy = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
                { Sid: "UseThroughService", Effect: "Allow", Principal: { AWS: "*" }, Action: ["kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["rds.us-east-1.amazonaws.com"] } } },
            ],
        });
        const mutated = east.resources.map((r) => (r.name === "data-aurora-key" ? { ...r, inputs: { ...r.inputs, policy: legacy } } : r));
        // One run: the two findings are the mutated key's, so every other data key of the stack passes.
        const messages = await findings(mutated);
        assert.strictEqual(messages.length, 2, messages.join("\n"));
        assert.ok(messages.every((m) => m.startsWith("KMS key data-aurora-key encrypts data (") && m.includes("must name the principals that use it")), messages.join("\n"));
    });

    it("accountWideUse: a condition names principals only with a positive operator and exact values; NotPrincipal and the caller account's root are account-wide", () => {
        const use = (condition: Record<string, unknown>, principal: unknown = { AWS: "*" }) =>
            accountWideUse({ Effect: "Allow", Principal: principal, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT }, ...condition } }, new Set([ACCOUNT]));
        assert.strictEqual(use({ ArnLike: { "aws:PrincipalArn": role("svc") } }), undefined);
        assert.strictEqual(use({ ArnEquals: { "aws:PrincipalArn": [role("a"), role("b")] } }), undefined);
        for (const bypass of [
            { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:*` } },
            { StringLike: { "aws:PrincipalArn": "*" } },
            { ArnNotEquals: { "aws:PrincipalArn": role("attacker") } },
            { StringEqualsIfExists: { "aws:PrincipalArn": role("svc") } },
            { Null: { "aws:PrincipalArn": "false" } },
            { "ForAnyValue:StringLike": { "aws:PrincipalArn": role("svc") } },
            { StringEquals: { "kms:CallerAccount": ACCOUNT, "aws:SourceAccount": ACCOUNT } },
        ]) {
            assert.strictEqual(use(bypass), 'allows kms:Decrypt to every principal ("*") its conditions do not name', JSON.stringify(bypass));
        }
        assert.strictEqual(
            accountWideUse({ Effect: "Allow", NotPrincipal: { AWS: role("x") }, Action: "kms:Decrypt", Resource: "*" }, new Set()),
            "allows kms:Decrypt to everyone but its NotPrincipal",
        );
    });

    it("names the operators as Performance Insights readers of the Aurora and DocumentDB keys, in its encryption context only", () => {
        const users = dataKeyUsers({ prefix: "mall", accountId: ACCOUNT, primaryRegion: "us-east-1", regions: ["us-east-1", "us-west-2"], deployerArns: [DEPLOYERS.production], operatorArns: [role("platform-admin")] }, "aurora", "us-east-1");
        const [pi] = userStatements(ACCOUNT, "us-east-1", ["rds"], users.filter((u) => u.sid === "PerformanceInsights"));
        assert.deepStrictEqual([pi.Action, pi.Condition], [
            ["kms:Decrypt", "kms:GenerateDataKey"],
            {
                StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["rds.us-east-1.amazonaws.com"], "kms:EncryptionContext:aws:pi:service": "rds", "kms:EncryptionContext:service": "pi" },
                ArnLike: { "aws:PrincipalArn": role("platform-admin") },
            },
        ]);
    });

    it("userStatements: grants only for AWS resources, any region for DynamoDB, nothing for an empty list, letters-and-digits sids", () => {
        const sts = userStatements(ACCOUNT, "us-east-1", ["rds"], [
            { sid: "Empty", principalArns: [], actions: ["kms:Decrypt"], grants: true },
            { sid: "Tables", principalArns: [role("b"), role("a"), role("a")], actions: ["kms:Decrypt"], grants: true, via: ["dynamodb"], anyRegion: true },
        ]);
        assert.deepStrictEqual(sts, [
            {
                Sid: "Tables",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Decrypt"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT }, StringLike: { "kms:ViaService": ["dynamodb.*.amazonaws.com"] }, ArnLike: { "aws:PrincipalArn": [role("a"), role("b")] } },
            },
            {
                Sid: "TablesGrants",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: {
                    Bool: { "kms:GrantIsForAWSResource": "true" },
                    StringEquals: { "kms:CallerAccount": ACCOUNT },
                    StringLike: { "kms:ViaService": ["dynamodb.*.amazonaws.com"] },
                    ArnLike: { "aws:PrincipalArn": [role("a"), role("b")] },
                },
            },
        ]);
        assert.throws(() => userStatements(ACCOUNT, "us-east-1", ["rds"], [{ sid: "Bad-Sid", principalArns: [role("a")], actions: ["kms:Decrypt"] }]), /letters and digits/);
        assert.throws(() => userStatements(ACCOUNT, "us-east-1", [], [{ sid: "NoVia", principalArns: [role("a")], actions: ["kms:Decrypt"] }]), /needs a kms:ViaService/);
        // Exact roles only: a pattern would admit any role created later to match it.
        assert.throws(() => userStatements(ACCOUNT, "us-east-1", ["rds"], [{ sid: "Wide", principalArns: [role("mall-*")], actions: ["kms:Decrypt"] }]), /"arn:aws:iam::123456789012:role\/mall-\*" is not an exact IAM role or user ARN/);
        assert.throws(() => userStatements(ACCOUNT, "us-east-1", ["rds"], [{ sid: "Any", principalArns: ["arn:aws:iam::123456789012:role/a?c"], actions: ["kms:Decrypt"] }]), /is not an exact IAM role or user ARN/);
    });
});
