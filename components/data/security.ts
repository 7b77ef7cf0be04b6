/**
 * Data-tier security groups: one per store with a VPC endpoint, admitting only the EKS nodes'
 * security group on that store's port (ARCHITECTURE §2). Egress is open (allowed by policy): the
 * stores reach AWS APIs and, for MSK Replicator, the peer region over the Transit Gateway.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataScope, child, dataTags } from "./shared";
import { STORES, StoreId, WRITER_REGION_STORES } from "./plan";

export type SecuredStore = "aurora" | "docdb" | "cache" | "msk" | "search";

export interface DataSecurityGroups {
    readonly groups: Record<SecuredStore, aws.ec2.SecurityGroup>;
    /** The MSK ingress rules for the in-VPC runners: topics as code waits for them. */
    readonly kafkaAdminRules: aws.vpc.SecurityGroupIngressRule[];
}

export function buildSecurityGroups(
    scope: DataScope,
    clientSecurityGroupId: pulumi.Input<string>,
    kafkaAdminSecurityGroupIds: readonly pulumi.Input<string>[] = [],
): DataSecurityGroups {
    const groups = {} as Record<SecuredStore, aws.ec2.SecurityGroup>;
    const kafkaAdminRules: aws.vpc.SecurityGroupIngressRule[] = [];
    for (const spec of STORES.filter((s): s is typeof s & { id: SecuredStore; port: number } => s.port !== undefined)) {
        const base = `${scope.name}-${spec.id}`;
        const sg = new aws.ec2.SecurityGroup(
            `${base}-sg`,
            {
                vpcId: scope.network.vpcId,
                description: `${spec.label}: port ${spec.port} from the EKS nodes only`,
                revokeRulesOnDelete: true,
                tags: dataTags(scope, spec.key, [spec.id, "sg"], { store: spec.id }),
            },
            child(scope),
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${base}-from-clients`,
            {
                securityGroupId: sg.id,
                description: `${spec.label} clients (EKS nodes)`,
                ipProtocol: "tcp",
                fromPort: spec.port,
                toPort: spec.port,
                referencedSecurityGroupId: clientSecurityGroupId,
                tags: dataTags(scope, spec.key, [spec.id, "from-clients"]),
            },
            child(scope),
        );
        if (spec.id === "msk") {
            // MSK Replicator places its ENIs in this group (source and target side): brokers must
            // accept it on the IAM/TLS port.
            new aws.vpc.SecurityGroupIngressRule(
                `${base}-from-self`,
                {
                    securityGroupId: sg.id,
                    description: "MSK Replicator ENIs",
                    ipProtocol: "tcp",
                    fromPort: spec.port,
                    toPort: spec.port,
                    referencedSecurityGroupId: sg.id,
                    tags: dataTags(scope, spec.key, [spec.id, "from-self"]),
                },
                child(scope),
            );
            // Topics as code (topics.ts): the deploy runner creates and alters the spec's topics,
            // the preview runner describes them; IAM decides which (docs/data.md).
            kafkaAdminSecurityGroupIds.forEach((admin, i) =>
                kafkaAdminRules.push(new aws.vpc.SecurityGroupIngressRule(
                    `${base}-from-admin-${i}`,
                    {
                        securityGroupId: sg.id,
                        description: "topics as code: the in-VPC runners (IAM auth)",
                        ipProtocol: "tcp",
                        fromPort: spec.port,
                        toPort: spec.port,
                        referencedSecurityGroupId: admin,
                        tags: dataTags(scope, spec.key, [spec.id, "from-admin", String(i)]),
                    },
                    child(scope),
                )),
            );
        }
        new aws.vpc.SecurityGroupEgressRule(
            `${base}-egress`,
            { securityGroupId: sg.id, description: "all egress", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", tags: dataTags(scope, spec.key, [spec.id, "egress"]) },
            child(scope),
        );
        groups[spec.id] = sg;
    }
    return { groups, kafkaAdminRules };
}

/**
 * Both halves of the remote-writer admission for every earlier region (this stack owns the pair,
 * DESIGN §2): the earlier region's groups admit this region's private subnets, this region's groups
 * admit the earlier region's. By subnet CIDR: security-group references do not cross a Transit
 * Gateway peering.
 */
export function admitRemoteWriters(
    scope: DataScope,
    groups: Record<SecuredStore, aws.ec2.SecurityGroup>,
    earlier: readonly { readonly region: string; readonly privateSubnetCidrs: readonly string[]; readonly dataSecurityGroupIds: Readonly<Record<string, string>> }[],
    ownPrivateSubnetCidrs: readonly pulumi.Input<string>[],
): void {
    const { ctx } = scope;
    for (const e of earlier) {
        // The writer-region stores (plan.ts WRITER_REGION_STORES): their groups admit every registered
        // region's private tier, so whichever region holds the writer, every region reaches it.
        for (const id of WRITER_REGION_STORES) {
            const spec = STORES.find((s) => s.id === id)!;
            const port = spec.port!;
            const remoteGroup = e.dataSecurityGroupIds[id];
            if (!remoteGroup) {
                throw new pulumi.ResourceError(`the ${e.region} stack exports no ${id} security group (output dataSecurityGroupIds.${id}); redeploy it with this program version first`, scope.parent);
            }
            e.privateSubnetCidrs.forEach((cidr, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${scope.name}-${id}-from-${e.region}-${i}`,
                    {
                        securityGroupId: groups[id].id,
                        description: `${spec.label} writers in ${e.region} (private subnet ${i + 1})`,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        cidrIpv4: cidr,
                        tags: dataTags(scope, spec.key, [id, "from", e.region, String(i)]),
                    },
                    child(scope),
                ),
            );
            ownPrivateSubnetCidrs.forEach((cidr, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${scope.name}-${id}-at-${e.region}-from-${ctx.region}-${i}`,
                    {
                        region: e.region,
                        securityGroupId: remoteGroup,
                        description: `${spec.label} writers in ${ctx.region} (private subnet ${i + 1})`,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        cidrIpv4: cidr,
                        tags: dataTags(scope, spec.key, [id, "at", e.region, "from", String(i)]),
                    },
                    child(scope),
                ),
            );
        }
    }
}

export function isSecured(id: StoreId): id is SecuredStore {
    return STORES.some((s) => s.id === id && s.port !== undefined);
}
