/**
 * The first-deploy report: what one `pulumi up` from an empty account cannot complete, and each
 * prerequisite with the exact command that checks it. Derived from what the plans contain (the
 * mocks accept anything; AWS does not). Pure.
 */
import { healthCheckersList, managedPrefixListId } from "../plan/mock-ids";
import { StackPlanInput } from "./model";

export interface Prerequisite {
    readonly prerequisite: string;
    readonly why: string;
    /** The exact AWS CLI (or dig) command that shows whether it holds. */
    readonly check: string;
}

/** Service-linked roles AWS creates on first use, but not in time for a resource that needs one. */
const SERVICE_LINKED_ROLES: readonly { readonly type: string; readonly role: string; readonly service: string }[] = [
    { type: "aws:opensearch/domain:Domain", role: "AWSServiceRoleForAmazonOpenSearchService", service: "opensearchservice.amazonaws.com" },
    { type: "aws:elasticache/replicationGroup:ReplicationGroup", role: "AWSServiceRoleForElastiCache", service: "elasticache.amazonaws.com" },
    { type: "aws:eks/nodeGroup:NodeGroup", role: "AWSServiceRoleForAmazonEKSNodegroup", service: "eks-nodegroup.amazonaws.com" },
    { type: "aws:ec2transitgateway/transitGateway:TransitGateway", role: "AWSServiceRoleForVPCTransitGateway", service: "transitgateway.amazonaws.com" },
];

/** Rows in a fixed order: DNS, quotas, service-linked roles, managed prefix lists. */
export function firstDeployReport(plans: readonly StackPlanInput[]): Prerequisite[] {
    const out: Prerequisite[] = [];
    const all = plans.flatMap((p) => p.resources.map((r) => ({ stack: p.stack, region: String(p.outputs.region ?? p.stack), r })));
    for (const zone of all.filter((x) => x.r.type === "aws:route53/zone:Zone")) {
        const domain = String(zone.r.inputs.name);
        const validations = all.filter((x) => x.r.type === "aws:acm/certificateValidation:CertificateValidation");
        if (validations.length === 0) continue;
        out.push({
            prerequisite: `${domain} delegated to the new zone's name servers`,
            why: `${zone.r.name} is created in the same run as ${validations.map((v) => `${v.r.name} (${v.stack})`).join(", ")}; ACM validation waits until the parent zone delegates ${domain} to the new zone (nameServers output), so the first up stops there`,
            check: `dig NS ${domain} +short`,
        });
    }
    const reserved = all.filter((x) => x.r.type === "aws:lambda/function:Function" && typeof x.r.inputs.reservedConcurrentExecutions === "number");
    for (const region of [...new Set(reserved.map((x) => x.region))]) {
        const fns = reserved.filter((x) => x.region === region);
        const total = fns.reduce((n, x) => n + Number(x.r.inputs.reservedConcurrentExecutions), 0);
        out.push({
            prerequisite: `Lambda concurrency quota in ${region} ≥ ${total + 100}`,
            why: `${fns.map((x) => x.r.name).join(", ")} reserve ${total}; Lambda keeps 100 unreserved (a new account's quota of 10 leaves nothing to reserve, and PutFunctionConcurrency fails the up)`,
            check: `aws lambda get-account-settings --region ${region} --query AccountLimit.ConcurrentExecutions`,
        });
    }
    for (const slr of SERVICE_LINKED_ROLES) {
        const users = all.filter((x) => x.r.type === slr.type);
        if (users.length === 0) continue;
        out.push({
            prerequisite: `service-linked role ${slr.role} (account singleton, no stack owns it)`,
            why: `${users.map((u) => `${u.r.name} (${u.stack})`).join(", ")} need it; create once with aws iam create-service-linked-role --aws-service-name ${slr.service}`,
            check: `aws iam get-role --role-name ${slr.role}`,
        });
    }
    for (const p of plans) {
        const region = String(p.outputs.region ?? p.stack);
        const rule = p.resources.find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.prefixListId === managedPrefixListId(region, healthCheckersList(region)));
        if (!rule) continue;
        const checkers = p.resources.find((r) => r.type === "aws:route53/healthCheck:HealthCheck")?.inputs.regions as string[] | undefined;
        out.push({
            prerequisite: `${healthCheckersList(region)} holds the checkers of ${checkers?.join(", ") ?? "every checker region"}`,
            why: `${rule.name} admits only this list to the ${region} origin ALB; a checker region missing from it reports the origin unhealthy`,
            check: `aws ec2 get-managed-prefix-list-entries --prefix-list-id $(aws ec2 describe-managed-prefix-lists --region ${region} --filters Name=prefix-list-name,Values=${healthCheckersList(region)} --query 'PrefixLists[0].PrefixListId' --output text) --region ${region}`,
        });
    }
    return out;
}
