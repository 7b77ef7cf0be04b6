/**
 * Audit evidence: every VPC has a flow log and every WAF web ACL logs its requests. (EKS's audit and
 * authenticator logs are eks-cluster-hardened's, CloudFront's access logs cloudfront-secure-viewers':
 * one finding per fact.)
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { StackIndex, stackPolicy } from "./lib/define";
import { UNKNOWN, advise, at, show } from "./lib/props";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";

export const auditLogging: StackValidationPolicy = stackPolicy({
    name: "audit-logging",
    description: "Checks that every VPC has a flow log capturing all traffic and that every WAF web ACL has a logging configuration.",
    enforcementLevel: "mandatory",
    check: (resources, _config, report) => {
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
    },
});
