import * as assert from "assert";
import { RawConfig, parseStackConfig } from "../../stacks/settings";
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
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config()).security, { auditLogRetentionDays: 365, auditArchiveRetentionDays: 365, retentionLock: "compliance" });
        assert.deepStrictEqual(parseStackConfig("mall", "staging-us-east-1", config({}, "staging")).security, {
            auditLogRetentionDays: 365,
            auditArchiveRetentionDays: 365,
            retentionLock: "governance",
        });
    });

    it("other environments may keep less and lock less; production may keep more", () => {
        const staging = config({ "mall:auditLogRetentionDays": "30", "mall:auditArchiveRetentionDays": "7", "mall:retentionLock": "none" }, "staging");
        assert.deepStrictEqual(parseStackConfig("mall", "staging-us-east-1", staging).security, { auditLogRetentionDays: 30, auditArchiveRetentionDays: 7, retentionLock: "none" });
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", config({ "mall:auditLogRetentionDays": "731", "mall:auditArchiveRetentionDays": "2555" })).security, {
            auditLogRetentionDays: 731,
            auditArchiveRetentionDays: 2555,
            retentionLock: "compliance",
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
});
