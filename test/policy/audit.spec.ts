import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, urn } from "./fixtures";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW = "aws:ec2/flowLog:FlowLog";
const ACL = "aws:wafv2/webAcl:WebAcl";
const WAF_LOG = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";
const M = "mandatory";
const P = "audit-logging";

describe("audit-logging (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        report = await run([
            res(VPC, "logged", { cidrBlock: "10.0.0.0/16" }),
            res(FLOW, "logged-flows", { vpcId: U, trafficType: "ALL", logDestination: U }, { deps: { vpcId: [urn(VPC, "logged")] } }),
            res(VPC, "dark", { cidrBlock: "10.0.0.0/16" }),
            res(VPC, "rejects-only", { cidrBlock: "10.0.0.0/16" }),
            res(FLOW, "reject-flows", { vpcId: U, trafficType: "REJECT", logDestination: U }, { deps: { vpcId: [urn(VPC, "rejects-only")] } }),
            res(ACL, "logged-acl", { scope: "REGIONAL", defaultAction: { allow: {} } }),
            res(WAF_LOG, "logged-acl-logging", { resourceArn: U, logDestinationConfigs: [U] }, { deps: { resourceArn: [urn(ACL, "logged-acl")] } }),
            res(ACL, "silent-acl", { scope: "REGIONAL", defaultAction: { allow: {} } }),
            res(VPC, "preview", { cidrBlock: "10.0.0.0/16" }),
            res(FLOW, "preview-flows", { vpcId: U, trafficType: U, logDestination: U }, { deps: { vpcId: [urn(VPC, "preview")] } }),
        ]);
    });

    it("accepts a VPC with an ALL-traffic flow log and a web ACL with a logging configuration, matched through their dependencies", () => {
        expectClean(report, P, urn(VPC, "logged"));
        expectClean(report, P, urn(ACL, "logged-acl"));
    });
    it("flags a VPC with no flow log, or only a REJECT one", () => {
        expectFindings(report, P, urn(VPC, "dark"), [[M, "ec2 vpc dark must have a flow log: declare an aws:ec2/flowLog:FlowLog with this VPC's vpcId; it has none"]]);
        expectFindings(report, P, urn(VPC, "rejects-only"), [[M, "ec2 vpc rejects-only must log ALL traffic: set trafficType to \"ALL\" on a flow log; its flow logs capture only \"REJECT\""]]);
    });
    it("only advises while a flow log's traffic type is unknown in preview", () =>
        expectFindings(report, P, urn(VPC, "preview"), [["advisory", "ec2 vpc preview flow log trafficType cannot be verified during preview (unknown)"]]));
    it("flags a web ACL that logs nothing", () =>
        expectFindings(report, P, urn(ACL, "silent-acl"), [[M, "wafv2 web acl silent-acl must log its requests: declare an aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration with this web ACL's resourceArn; it has none"]]));
});

describe("audit-logging: audit-class log groups are kept, protected and archived (through the analyzer protocol)", () => {
    const GROUP = "aws:cloudwatch/logGroup:LogGroup";
    const FN = "aws:lambda/function:Function";
    const audit = (environment: string) => ({ service: "network", region: "us-east-1", environment, "log-class": "audit" });
    const exporter = (groups: string[]) => ({ environment: { variables: { ARCHIVE_BUCKET: "mall-us-east-1-audit-123456789012", AUDIT_LOG_GROUPS: JSON.stringify(groups.map((logGroupName) => ({ logGroupName }))) } } });
    let report: PolicyReport;
    let preview: PolicyReport;
    before(async () => {
        report = await run([
            res(GROUP, "kept", { name: "/mall/us-east-1/vpc-flow-logs", retentionInDays: 365, tags: audit("production") }, { protect: true }),
            res(GROUP, "short", { name: "aws-waf-logs-mall-edge", retentionInDays: 90, tags: audit("production") }, { protect: true }),
            res(GROUP, "short-staging", { name: "aws-waf-logs-mall-staging-edge", retentionInDays: 90, tags: audit("staging") }, { protect: true }),
            res(GROUP, "unprotected", { name: "/aws/eks/mall-us-east-1/cluster", retentionInDays: 365, tags: audit("production") }),
            res(GROUP, "unarchived", { name: "/aws/docdb/mall-us-east-1-docdb/audit", retentionInDays: 731, tags: audit("production") }, { protect: true }),
            res(GROUP, "untagged", { name: "/aws/rds/cluster/mall-us-east-1-aurora/postgresql", retentionInDays: 90, tags: { service: "logs", region: "us-east-1", environment: "production" } }),
            res(GROUP, "app", { name: "/mall/us-east-1/app", retentionInDays: 90, tags: { service: "observability", region: "us-east-1", environment: "production" } }),
            res(FN, "exporter", exporter(["/mall/us-east-1/vpc-flow-logs", "aws-waf-logs-mall-edge", "aws-waf-logs-mall-staging-edge", "/aws/eks/mall-us-east-1/cluster"])),
        ]);
        preview = await run([
            res(GROUP, "pending", { name: "/mall/us-east-1/vpc-flow-logs", retentionInDays: U, tags: audit("production") }, { protect: true }),
            res(FN, "exporter", { environment: { variables: { AUDIT_LOG_GROUPS: U } } }),
        ]);
    });

    it("accepts an audit-class group kept a year, protected and archived, and ignores a group that is not audit evidence", () => {
        expectClean(report, P, urn(GROUP, "kept"));
        expectClean(report, P, urn(GROUP, "app"));
    });
    it("flags a production audit group kept less than auditRetentionDays; other environments may keep less", () => {
        expectFindings(report, P, urn(GROUP, "short"), [[M, "cloudwatch log group short keeps audit evidence 90 days in production; keep it at least 365 (mall:auditLogRetentionDays)"]]);
        expectClean(report, P, urn(GROUP, "short-staging"));
    });
    it("flags an audit group without protect, and one no exporter archives", () => {
        expectFindings(report, P, urn(GROUP, "unprotected"), [
            [M, "cloudwatch log group unprotected holds audit evidence and must carry the Pulumi protect option (a rename or a removed component would delete it); protect is false"],
        ]);
        expectFindings(report, P, urn(GROUP, "unarchived"), [
            [M, "cloudwatch log group unarchived holds audit evidence but no audit exporter archives it: list it in an AuditArchive's logGroupNames (components/security/audit-archive.ts)"],
        ]);
    });
    it("flags a group whose name marks it audit evidence but that is not tagged audit-class", () =>
        expectFindings(report, P, urn(GROUP, "untagged"), [
            [M, "cloudwatch log group untagged holds Aurora PostgreSQL logs (connections, DDL), audit evidence: tag it log-class: audit (components/common/logs.ts AUDIT_LOG_TAGS) so it is kept, protected and archived"],
        ]));
    it("only advises while retention or the exporter's list is unknown in preview", () =>
        expectFindings(preview, P, urn(GROUP, "pending"), [
            ["advisory", "cloudwatch log group pending retentionInDays cannot be verified during preview (unknown)"],
            ["advisory", "cloudwatch log group pending archive cannot be verified during preview (an exporter's AUDIT_LOG_GROUPS is unknown)"],
        ]));
});
