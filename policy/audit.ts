/**
 * Audit evidence: every VPC has a flow log and every WAF web ACL logs its requests. (EKS's audit and
 * authenticator logs are eks-cluster-hardened's, CloudFront's access logs cloudfront-secure-viewers':
 * one finding per fact.) The logs those produce outlive a compromise: every audit-class log group
 * (tag `log-class: audit`; a group whose name marks it audit-class must carry the tag) keeps its
 * records at least `auditRetentionDays` in the configured environments, is Pulumi-protected, and is
 * archived by an audit exporter (a Lambda whose AUDIT_LOG_GROUPS lists it).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { StackIndex, stackPolicy } from "./lib/define";
import { UNKNOWN, advise, at, show, tags } from "./lib/props";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const FUNCTION = "aws:lambda/function:Function";

/** Names of log groups that hold audit evidence by what writes them (components/common/logs.ts AUDIT_LOG_TAGS). */
const AUDIT_NAMES: readonly { readonly pattern: RegExp; readonly what: string }[] = [
    { pattern: /vpc-flow-logs$/, what: "VPC flow logs" },
    { pattern: /^\/aws\/eks\/[^/]+\/cluster$/, what: "EKS control-plane logs (audit, authenticator)" },
    { pattern: /^aws-waf-logs-/, what: "WAF logs" },
    { pattern: /^\/aws\/rds\/cluster\/[^/]+\/postgresql$/, what: "Aurora PostgreSQL logs (connections, DDL)" },
    { pattern: /\/audit$/, what: "database audit logs" },
];

interface AuditConfig {
    auditRetentionDays: number;
    environments: string[];
}

/** The log groups each audit exporter archives, from its AUDIT_LOG_GROUPS ([{ logGroupName }]); UNKNOWN while a preview cannot know. */
function archivedGroups(fn: { props: Record<string, unknown> }): string[] | typeof UNKNOWN {
    const raw = at(fn.props, "environment.variables.AUDIT_LOG_GROUPS");
    if (raw === UNKNOWN) return UNKNOWN;
    if (typeof raw !== "string") return [];
    try {
        return (JSON.parse(raw) as { logGroupName?: unknown }[]).map((g) => String(g.logGroupName));
    } catch {
        return [];
    }
}

export const auditLogging: StackValidationPolicy = stackPolicy<AuditConfig>({
    name: "audit-logging",
    description:
        "Checks that every VPC has a flow log capturing all traffic and that every WAF web ACL has a logging configuration; that audit-class log groups are tagged as such, kept at least auditRetentionDays, protected and archived.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            auditRetentionDays: { type: "integer", minimum: 1, default: 365, description: "Days audit-class log groups keep their records at least (PCI DSS 10.5.1: 12 months)." },
            environments: { type: "array", items: { type: "string" }, default: ["production"], description: "Values of the environment tag whose audit-class log groups must keep auditRetentionDays." },
        },
    },
    check: (resources, config, report) => {
        const idx = new StackIndex(resources);
        for (const vpc of idx.ofType(VPC)) {
            const logs = idx.dependents(vpc, "vpcId", FLOW_LOG);
            const types = logs.map((l) => at(l.props, "trafficType"));
            if (logs.length === 0) report(`${describe(vpc)} must have a flow log: declare an ${FLOW_LOG} with this VPC's vpcId; it has none`, vpc.urn);
            else if (types.includes(UNKNOWN)) advise(report, "audit-logging", `${describe(vpc)} flow log trafficType cannot be verified during preview (unknown)`, vpc.urn);
            else if (!types.some((t) => t === undefined || t === "ALL")) {
                report(`${describe(vpc)} must log ALL traffic: set trafficType to "ALL" on a flow log; its flow logs capture only ${types.map(show).join(", ")}`, vpc.urn);
            }
        }
        for (const acl of idx.ofType(WEB_ACL)) {
            if (idx.dependents(acl, "resourceArn", WAF_LOGGING).length === 0) {
                report(`${describe(acl)} must log its requests: declare an ${WAF_LOGGING} with this web ACL's resourceArn; it has none`, acl.urn);
            }
        }
        const archives = idx.ofType(FUNCTION).map(archivedGroups);
        const archived = new Set(archives.flatMap((a) => (a === UNKNOWN ? [] : a)));
        for (const group of idx.ofType(LOG_GROUP)) {
            const name = at(group.props, "name");
            const t = tags(group.props);
            const audit = t["log-class"] === "audit";
            const looksAudit = typeof name === "string" ? AUDIT_NAMES.find((n) => n.pattern.test(name)) : undefined;
            if (!audit) {
                if (looksAudit) report(`${describe(group)} holds ${looksAudit.what}, audit evidence: tag it log-class: audit (components/common/logs.ts AUDIT_LOG_TAGS) so it is kept, protected and archived`, group.urn);
                continue;
            }
            const days = at(group.props, "retentionInDays");
            if (days === UNKNOWN) advise(report, "audit-logging", `${describe(group)} retentionInDays cannot be verified during preview (unknown)`, group.urn);
            else if (typeof days === "number" && days > 0 && days < config.auditRetentionDays && config.environments.includes(t.environment ?? "")) {
                report(`${describe(group)} keeps audit evidence ${days} days in ${t.environment}; keep it at least ${config.auditRetentionDays} (mall:auditLogRetentionDays)`, group.urn);
            }
            if (!group.protect) report(`${describe(group)} holds audit evidence and must carry the Pulumi protect option (a rename or a removed component would delete it); protect is false`, group.urn);
            if (typeof name === "string" && !archived.has(name)) {
                if (archives.includes(UNKNOWN)) advise(report, "audit-logging", `${describe(group)} archive cannot be verified during preview (an exporter's AUDIT_LOG_GROUPS is unknown)`, group.urn);
                else report(`${describe(group)} holds audit evidence but no audit exporter archives it: list it in an AuditArchive's logGroupNames (components/security/audit-archive.ts)`, group.urn);
            }
        }
    },
});
