/**
 * Data-tier security groups: one per store with a VPC endpoint, admitting only the EKS nodes'
 * security group on that store's port (ARCHITECTURE §2). Egress is open (allowed by policy): the
 * stores reach AWS APIs and, for MSK Replicator, the peer region over the Transit Gateway.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataScope, child, dataTags } from "./shared";
import { STORES, StoreId } from "./plan";

export type SecuredStore = "aurora" | "docdb" | "cache" | "msk" | "search";

export function buildSecurityGroups(scope: DataScope, clientSecurityGroupId: pulumi.Input<string>): Record<SecuredStore, aws.ec2.SecurityGroup> {
    const groups = {} as Record<SecuredStore, aws.ec2.SecurityGroup>;
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
        }
        new aws.vpc.SecurityGroupEgressRule(
            `${base}-egress`,
            { securityGroupId: sg.id, description: "all egress", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", tags: dataTags(scope, spec.key, [spec.id, "egress"]) },
            child(scope),
        );
        groups[spec.id] = sg;
    }
    return groups;
}

export function isSecured(id: StoreId): id is SecuredStore {
    return STORES.some((s) => s.id === id && s.port !== undefined);
}
