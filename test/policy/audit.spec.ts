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
