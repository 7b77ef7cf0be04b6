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

/**
 * Service-linked roles the planned resources need. OpenSearch's VPC domains need theirs to exist
 * beforehand (the API does not create it); the others AWS creates on first use, provided the
 * deploying role may call iam:CreateServiceLinkedRole.
 */
const SERVICE_LINKED_ROLES: readonly { readonly type: string; readonly role: string; readonly service: string; readonly createdOnUse: boolean; readonly baselineKey?: string }[] = [
    { type: "aws:opensearch/domain:Domain", role: "AWSServiceRoleForAmazonOpenSearchService", service: "opensearchservice.amazonaws.com", createdOnUse: false, baselineKey: "openSearchServiceLinkedRole" },
    { type: "aws:elasticache/replicationGroup:ReplicationGroup", role: "AWSServiceRoleForElastiCache", service: "elasticache.amazonaws.com", createdOnUse: true },
    { type: "aws:eks/nodeGroup:NodeGroup", role: "AWSServiceRoleForAmazonEKSNodegroup", service: "eks-nodegroup.amazonaws.com", createdOnUse: true },
    { type: "aws:ec2transitgateway/transitGateway:TransitGateway", role: "AWSServiceRoleForVPCTransitGateway", service: "transitgateway.amazonaws.com", createdOnUse: true },
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
        const owner = all.find((x) => x.r.type === "aws:iam/serviceLinkedRole:ServiceLinkedRole" && x.r.inputs.awsServiceName === slr.service);
        const needers = users.map((u) => `${u.r.name} (${u.stack})`).join(", ");
        if (owner) {
            // Declared by a stack: the create fails ("has been taken") if the console or another stack made it first.
            out.push({
                prerequisite: `service-linked role ${slr.role} does not exist yet (stack ${owner.stack} creates it)`,
                why: `${needers} need it and ${owner.r.name} creates it; if it already exists, set mall:accountBaseline.${slr.baselineKey ?? "<singleton>"}: false in Pulumi.${owner.stack}.yaml`,
                check: `aws iam get-role --role-name ${slr.role}`,
            });
        } else {
            out.push({
                prerequisite: `service-linked role ${slr.role} (account singleton${slr.createdOnUse ? ", created on first use" : ", no stack owns it"})`,
                why: slr.createdOnUse
                    ? `${needers} need it; AWS creates it on first use if the deploying role may call iam:CreateServiceLinkedRole, else create it once with aws iam create-service-linked-role --aws-service-name ${slr.service}`
                    : `${needers} need it; create once with aws iam create-service-linked-role --aws-service-name ${slr.service}`,
                check: `aws iam get-role --role-name ${slr.role}`,
            });
        }
    }
    // The private EKS API: the in-cluster half of `up` runs on the in-VPC runner, which needs its
    // GitHub connection authorised by a person; with no runner yet, the first deploy is the bootstrap phase.
    for (const p of plans) {
        const region = String(p.outputs.region ?? p.stack);
        const cluster = p.resources.find((r) => r.type === "eks:index:Cluster");
        if (!cluster || cluster.inputs.endpointPublicAccess === true) continue;
        const projects = p.resources.filter((r) => r.type === "aws:codebuild/project:Project");
        const connection = String(((projects[0]?.inputs.source as Record<string, any> | undefined)?.auth?.resource) ?? "");
        out.push(
            projects.length > 0
                ? {
                      prerequisite: `${region}: the runners' GitHub connection is authorised, and the first deploy ran the bootstrap phase`,
                      why: `${cluster.name}'s API is private: Helm releases and custom resources deploy only from the in-VPC runners (${projects.map((r) => String(r.inputs.name)).join(", ")}); they exist only after a first up with mall:deployPhase=bootstrap from a workstation admitted by mall:eksPublicAccessCidrs, and start jobs only once the connection is AVAILABLE`,
                      check: `aws codeconnections get-connection --connection-arn ${connection} --region ${region} --query Connection.ConnectionStatus`,
                  }
                : {
                      prerequisite: `${region}: a path to the private EKS API`,
                      why: `${cluster.name}'s API is private and no in-VPC runner is planned (mall:deployRunner): in-cluster resources cannot deploy from outside the VPC`,
                      check: `aws eks describe-cluster --name ${String(cluster.inputs.name)} --region ${region} --query cluster.resourcesVpcConfig.[endpointPublicAccess,publicAccessCidrs]`,
                  },
        );
    }
    // A cross-region MSK Replicator needs multi-VPC connectivity on the source, which AWS refuses at creation.
    for (const p of plans) {
        const msk = p.resources.find((r) => r.type === "aws:msk/cluster:Cluster" && (r.inputs.brokerNodeGroupInfo as Record<string, unknown> | undefined)?.connectivityInfo !== undefined);
        if (!msk || !plans.some((q) => q.resources.some((r) => r.type === "aws:msk/replicator:Replicator"))) continue;
        const region = String(p.outputs.region ?? p.stack);
        out.push({
            prerequisite: `${region}: the MSK cluster exists before multi-VPC connectivity is turned on (each stack deploys twice, bootstrap then steady, before the next in the registry)`,
            why: `AWS refuses vpcConnectivity auth at cluster creation; the bootstrap deploy creates ${msk.name} without it, the next turns it on (a rolling restart of 30 min or more), and only then can a replicator reading it (events flow both ways) connect`,
            check: `aws kafka describe-cluster-v2 --cluster-arn <arn> --region ${region} --query ClusterInfo.Provisioned.BrokerNodeGroupInfo.ConnectivityInfo.VpcConnectivity`,
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
    out.push(...singletonPrerequisites(plans), ...backupPrerequisites(plans));
    return out;
}

/**
 * The detection baseline's singletons (one per account and region, the aggregator one per
 * account): a create fails when the organisation or another environment made one first.
 */
const DETECTION_SINGLETONS: readonly { readonly type: string; readonly what: string; readonly key: string; readonly scope: string; readonly check: (region: string) => string }[] = [
    { type: "aws:guardduty/detector:Detector", what: "GuardDuty detector", key: "guardDuty", scope: "one per account and region", check: (r) => `aws guardduty list-detectors --region ${r}` },
    { type: "aws:securityhub/account:Account", what: "Security Hub (CSPM) subscription", key: "securityHub", scope: "one per account and region", check: (r) => `aws securityhub describe-hub --region ${r}` },
    { type: "aws:cfg/recorder:Recorder", what: "AWS Config configuration recorder", key: "configRecorder", scope: "one per account and region", check: (r) => `aws configservice describe-configuration-recorders --region ${r}` },
    { type: "aws:securityhub/findingAggregator:FindingAggregator", what: "Security Hub finding aggregator", key: "securityHubAggregator", scope: "one per account", check: (r) => `aws securityhub list-finding-aggregators --region ${r}` },
];

function singletonPrerequisites(plans: readonly StackPlanInput[]): Prerequisite[] {
    return DETECTION_SINGLETONS.flatMap((s) =>
        plans.flatMap((p) =>
            p.resources
                .filter((r) => r.type === s.type)
                .map((r) => {
                    const region = String(r.inputs.region ?? p.outputs.region ?? p.stack);
                    return {
                        prerequisite: `${region}: no ${s.what} exists yet (stack ${p.stack} creates it)`,
                        why: `${s.scope}: if the organisation or another environment in the account already has one, ${r.name}'s create fails; set mall:accountBaseline.${s.key}: false in Pulumi.${p.stack}.yaml`,
                        check: s.check(region),
                    };
                }),
        ),
    );
}

/** `arn:aws:<service>:<region>:<account>:…` → the account. */
const accountOf = (arn: unknown): string => String(arn ?? "").split(":")[4] ?? "";

/**
 * AWS Backup's copies depend on settings no stack owns: a copy into another account needs
 * cross-account backup on in the organisation's management account and a vault access policy in
 * the destination; a DynamoDB copy needs advanced DynamoDB backups in the source region, which a
 * stack that hands its Region settings over (mall:accountBaseline.backupRegionSettings false) leaves to others.
 */
function backupPrerequisites(plans: readonly StackPlanInput[]): Prerequisite[] {
    const out: Prerequisite[] = [];
    for (const p of plans) {
        const region = String(p.outputs.region ?? p.stack);
        const own = accountOf(p.resources.find((r) => r.type === "aws:backup/selection:Selection")?.inputs.iamRoleArn);
        const rules = p.resources.filter((r) => r.type === "aws:backup/plan:Plan").flatMap((r) => (r.inputs.rules as { copyActions?: { destinationVaultArn?: string }[] }[] | undefined) ?? []);
        const foreign = [...new Set(rules.flatMap((r) => r.copyActions ?? []).map((c) => String(c.destinationVaultArn ?? "")).filter((arn) => own !== "" && accountOf(arn) !== own))];
        for (const arn of foreign) {
            const [, , , vaultRegion, account, , vault] = arn.split(":");
            out.push({
                prerequisite: `${region}: cross-account backup is on in the organisation, and ${vault} (account ${account}) admits copies from ${own}`,
                why: `${p.stack}'s backup plan copies every recovery point into ${arn}; AWS Backup refuses the copy job unless both accounts are in one organisation with cross-account backup enabled in its management account, and the destination vault's access policy allows backup:CopyIntoBackupVault from ${own}`,
                check: `aws backup describe-global-settings --query GlobalSettings.isCrossAccountBackupEnabled (in the management account); aws backup get-backup-vault-access-policy --backup-vault-name ${vault} --region ${vaultRegion} (in ${account})`,
            });
        }
        const backsUpDynamo = p.resources.some((r) => r.type === "aws:backup/selection:Selection" && ((r.inputs.resources as string[] | undefined) ?? []).some((a) => String(a).startsWith("arn:aws:dynamodb:")));
        const ownsSettings = p.resources.some((r) => r.type === "aws:backup/regionSettings:RegionSettings");
        if (backsUpDynamo && !ownsSettings && rules.some((r) => (r.copyActions ?? []).length > 0)) {
            out.push({
                prerequisite: `${region}: advanced DynamoDB backups are on (AWS Backup's Region settings, which ${p.stack} does not own)`,
                why: `${p.stack} copies its DynamoDB table's recovery points to other regions or accounts, which only advanced DynamoDB backups can (AWS Backup developer guide, "Advanced DynamoDB backup"); mall:accountBaseline.backupRegionSettings is false there, so whoever owns the Region settings must turn it on`,
                check: `aws backup describe-region-settings --region ${region} --query ResourceTypeManagementPreference.DynamoDB`,
            });
        }
    }
    return out;
}
