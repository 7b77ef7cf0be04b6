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
});
