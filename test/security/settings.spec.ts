import * as assert from "assert";
import { ConfigError, RawConfig, parseStackConfig } from "../../stacks/settings";
import { problems } from "../stacks/config-problems";

const REGISTRY = { "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } };
const ENVIRONMENTS = { staging: { regions: { "us-east-1": { cidr: "10.20.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.21.0.0/16", role: "secondary" } } } };

function config(extra: Record<string, string> = {}, environment = "production"): RawConfig {
    return {
        "aws:region": "us-east-1",
        "mall:domain": environment === "production" ? "mall.example.com" : `${environment}.example.com`,
        "mall:regions": JSON.stringify(REGISTRY),
        "mall:environments": JSON.stringify(ENVIRONMENTS),
        ...(environment === "production" ? {} : { "mall:environment": environment }),
        ...extra,
    };
}

describe("security settings: audit retention and the retention locks", () => {
    it("production keeps audit evidence 365 days under compliance locks by default; other environments default to governance", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config()).security, { auditLogRetentionDays: 365, auditArchiveRetentionDays: 365, retentionLock: "compliance", deployerArns: [], credentialRotationDays: 30 });
        assert.deepStrictEqual(parseStackConfig("mall", "staging-us-east-1", config({}, "staging")).security, {
            auditLogRetentionDays: 365,
            auditArchiveRetentionDays: 365,
            retentionLock: "governance",
            deployerArns: [],
            credentialRotationDays: 30,
        });
    });

    it("other environments may keep less and lock less; production may keep more", () => {
        const staging = config({ "mall:auditLogRetentionDays": "30", "mall:auditArchiveRetentionDays": "7", "mall:retentionLock": "none" }, "staging");
        assert.deepStrictEqual(parseStackConfig("mall", "staging-us-east-1", staging).security, { auditLogRetentionDays: 30, auditArchiveRetentionDays: 7, retentionLock: "none", deployerArns: [], credentialRotationDays: 30 });
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config({ "mall:auditLogRetentionDays": "731", "mall:auditArchiveRetentionDays": "2555" })).security, {
            auditLogRetentionDays: 731,
            auditArchiveRetentionDays: 2555,
            retentionLock: "compliance",
            deployerArns: [],
            credentialRotationDays: 30,
        });
    });

    it("refuses production audit retention below a year and a production lock other than compliance, naming the key and the fix", () => {
        assert.deepStrictEqual(problems("us-east-1", config({ "mall:auditLogRetentionDays": "90", "mall:auditArchiveRetentionDays": "30", "mall:retentionLock": "governance" })), [
            "mall:auditLogRetentionDays 90 is below the 365 days production keeps audit evidence (PCI DSS 10.5.1); use 365, 400, 545, 731 or more",
            "mall:auditArchiveRetentionDays 30 is below the 365 days production keeps audit evidence (PCI DSS 10.5.1); set 365 or more",
            'mall:retentionLock "governance" would let an administrator (or a stolen administrator credential) delete production\'s backups and audit records; production is always "compliance": remove the key from the production stack files',
        ]);
    });

    it("refuses a retention CloudWatch Logs does not offer and an unknown lock", () => {
        assert.deepStrictEqual(problems("staging-us-east-1", config({ "mall:auditLogRetentionDays": "366", "mall:retentionLock": "legal-hold" }, "staging")), [
            "mall:auditLogRetentionDays 366 is not a CloudWatch Logs retention; use one of 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            'mall:retentionLock "legal-hold" must be one of compliance, governance, none',
        ]);
    });

    it("names the replacement of each retired per-area retention key", () => {
        assert.deepStrictEqual(problems("us-east-1", config({ "mall:flowLogRetentionDays": "90", "mall:eksLogRetentionDays": "90", "mall:wafLogRetentionDays": "90" })), [
            "mall:flowLogRetentionDays was replaced by mall:auditLogRetentionDays: VPC flow logs are audit evidence and share the audit retention (at least 365 days in production); remove mall:flowLogRetentionDays and set mall:auditLogRetentionDays if the default 365 does not suit",
            "mall:eksLogRetentionDays was replaced by mall:auditLogRetentionDays: the EKS control-plane logs (audit, authenticator) are audit evidence and share the audit retention (at least 365 days in production); remove mall:eksLogRetentionDays and set mall:auditLogRetentionDays if the default 365 does not suit",
            "mall:wafLogRetentionDays was replaced by mall:auditLogRetentionDays: the WAF logs are audit evidence and share the audit retention (at least 365 days in production); remove mall:wafLogRetentionDays and set mall:auditLogRetentionDays if the default 365 does not suit",
        ]);
    });

    it("takes another account's backup vault in the stack's region for the copy that survives a compromised account", () => {
        const arn = "arn:aws:backup:us-east-1:210987654321:backup-vault:mall-us-east-1-backup-copy";
        assert.strictEqual(parseStackConfig("mall", "us-east-1", config({ "mall:backupCopyVaultArn": arn })).security.backupCopyVaultArn, arn);
        assert.strictEqual(parseStackConfig("mall", "us-east-1", config()).security.backupCopyVaultArn, undefined);
    });

    it("refuses a copy vault that is not a vault ARN, in another region, or in the stack's own account", () => {
        const own = { "aws:allowedAccountIds": JSON.stringify(["123456789012"]) };
        assert.deepStrictEqual(problems("us-east-1", config({ "mall:backupCopyVaultArn": "arn:aws:backup:us-east-1:210987654321:vault/x" })), [
            'mall:backupCopyVaultArn "arn:aws:backup:us-east-1:210987654321:vault/x" is not a backup vault ARN; use arn:aws:backup:<region>:<account>:backup-vault:<name>',
        ]);
        assert.deepStrictEqual(problems("us-east-1", config({ "mall:backupCopyVaultArn": "arn:aws:backup:us-west-2:210987654321:backup-vault:v1" })), [
            "mall:backupCopyVaultArn names a vault in us-west-2, but this stack is in us-east-1: AWS Backup copies Aurora and DocumentDB snapshots across accounts or across regions in one step, not both, and this stack already copies into another region; name the other account's vault in us-east-1",
        ]);
        assert.deepStrictEqual(problems("us-east-1", config({ ...own, "mall:backupCopyVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:v1" })), [
            "mall:backupCopyVaultArn names a vault in 123456789012, this stack's own account: the copy that survives a compromised account must live in another account of the organisation; name that account's vault",
        ]);
    });

    describe("the deployers the data keys name (mall:deployerArns)", () => {
        const RUNNER = {
            repositoryUrl: "https://github.com/organization/mall-platform",
            connectionArn: "arn:aws:codeconnections:us-east-1:123456789012:connection/5f8e3a3c-0000-4000-8000-000000000001",
            deployRoleArn: "arn:aws:iam::123456789012:role/mall-deploy",
            previewRoleArn: "arn:aws:iam::123456789012:role/mall-preview",
            actorIds: ["1234567"],
        };
        it("are the deploy workflow's role and the listed identities, each once", () => {
            const extra = ["arn:aws:iam::123456789012:role/platform/bootstrap", "arn:aws:iam::123456789012:user/break-glass", RUNNER.deployRoleArn];
            const s = parseStackConfig("mall", "us-east-1", config({ "mall:deployRunner": JSON.stringify(RUNNER), "mall:deployerArns": JSON.stringify(extra) })).security;
            assert.deepStrictEqual(s.deployerArns, [RUNNER.deployRoleArn, "arn:aws:iam::123456789012:role/platform/bootstrap", "arn:aws:iam::123456789012:user/break-glass"]);
        });
        it("refuses a deployer of another account (the keys name users of their own account only)", () => {
            assert.deepStrictEqual(problems("us-east-1", config({ "aws:allowedAccountIds": JSON.stringify(["123456789012"]), "mall:deployerArns": JSON.stringify(["arn:aws:iam::210987654321:role/x"]) })), [
                'mall:deployerArns entry "arn:aws:iam::210987654321:role/x" is in account 210987654321, not this stack\'s (123456789012): the data keys name their users in their own account only; name a role of this account',
            ]);
        });
        it("refuses a session ARN, and a bootstrap without the identity it runs as", () => {
            assert.deepStrictEqual(problems("us-east-1", config({ "mall:deployerArns": JSON.stringify(["arn:aws:sts::123456789012:assumed-role/admin/me"]) })), [
                'mall:deployerArns entry "arn:aws:sts::123456789012:assumed-role/admin/me" is not an IAM role or user ARN like arn:aws:iam::123456789012:role/platform-bootstrap (a role\'s ARN, not an assumed-role session\'s)',
            ]);
            const bootstrap = config({ "mall:deployRunner": JSON.stringify(RUNNER), "mall:deployPhase": "bootstrap", "mall:eksPublicAccessCidrs": JSON.stringify(["203.0.113.7/32"]) });
            assert.deepStrictEqual(problems("us-east-1", bootstrap), [
                "mall:deployPhase is bootstrap but mall:deployerArns is empty: the first up runs as your workstation's identity, which the data keys must name to create the stores; add its role (aws sts get-caller-identity prints arn:aws:sts::<account>:assumed-role/<name>/<session>: use arn:aws:iam::<account>:role/<path><name>): pulumi config set --path 'mall:deployerArns[0]' <role ARN>",
            ]);
            assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", { ...bootstrap, "mall:deployerArns": JSON.stringify(["arn:aws:iam::123456789012:role/bootstrap"]) }).security.deployerArns, [
                RUNNER.deployRoleArn,
                "arn:aws:iam::123456789012:role/bootstrap",
            ]);
        });
        it("a real run with no deployer at all is refused before anything is created", () => {
            let refused: readonly string[] = [];
            try {
                parseStackConfig("mall", "staging-us-east-1", config({}, "staging"), { offlinePlan: false });
            } catch (e) {
                assert.ok(e instanceof ConfigError);
                refused = e.problems;
            }
            assert.ok(
                refused.includes(
                    "no deployer: neither mall:deployRunner.deployRoleArn nor mall:deployerArns is set, and the data keys let only the identities named there create the stores; set mall:deployerArns to the role you run pulumi up as: pulumi config set --path 'mall:deployerArns[0]' <role ARN>",
                ),
                refused.join("\n"),
            );
        });
    });

    it("rotates the database credentials every mall:credentialRotationDays: 30 by default, at most 90 in production", () => {
        assert.strictEqual(parseStackConfig("mall", "staging-us-east-1", config({ "mall:credentialRotationDays": "365" }, "staging")).security.credentialRotationDays, 365);
        assert.deepStrictEqual(problems("us-east-1", config({ "mall:credentialRotationDays": "120" })), [
            "mall:credentialRotationDays 120 leaves production's database passwords unchanged longer than 90 days; set 90 or fewer",
        ]);
        assert.deepStrictEqual(problems("staging-us-east-1", config({ "mall:credentialRotationDays": "0" }, "staging")).length, 1);
    });
});
