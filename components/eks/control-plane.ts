/**
 * The control plane: the cluster's KMS key (secrets, logs, node volumes) and the `@pulumi/eks`
 * Cluster with a private endpoint, API authentication mode and access entries.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { serviceKey } from "../common/kms";
import { logsPrincipal } from "../common/logs";
import { KUBERNETES_VERSION } from "./defaults";
import { DeclaredRole } from "./roles";
import { COMPONENT, EksScope, SERVICE } from "./scope";

/** The log group EKS writes control-plane logs to (a fixed name; created first so it is encrypted and bounded). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/** The control-plane log types ARCHITECTURE §3 and the policy pack require. */
export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export function eksKey(c: EksScope) {
    return serviceKey(
        `${c.name}-eks`,
        c.ctx,
        {
            service: SERVICE,
            component: COMPONENT,
            description: "EKS secrets envelope encryption, control-plane logs and node volumes",
            // eks: secrets envelope encryption; ec2: node root volumes launched by the node group and Karpenter.
            viaServices: ["eks", "ec2"],
            servicePrincipals: [logsPrincipal(c.ctx.region, c.ctx.accountId, controlPlaneLogGroupName(c.clusterName))],
        },
        c.parent,
    );
}

export function declareCluster(
    c: EksScope,
    d: {
        key: { arn: pulumi.Output<string> };
        logGroup: aws.cloudwatch.LogGroup;
        clusterRole: DeclaredRole;
        clusterSecurityGroup: aws.ec2.SecurityGroup;
        karpenterNodeRole: aws.iam.Role;
    },
): eks.Cluster {
    const cidrs = c.args.publicAccessCidrs ?? [];
    const admins = c.args.adminRoleArns ?? [];
    const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {
        // Karpenter's nodes join through an EC2_LINUX entry (the managed node group gets its own from EKS).
        "karpenter-nodes": { principalArn: d.karpenterNodeRole.arn, type: eks.AccessEntryType.EC2Linux },
    };
    // The runners' workflow roles: each with its own policy (admin to deploy, read-only to preview).
    for (const client of c.args.apiClients ?? []) {
        accessEntries[client.name] = {
            principalArn: client.roleArn,
            type: eks.AccessEntryType.Standard,
            accessPolicies: { [client.name]: { policyArn: client.accessPolicyArn, accessScope: { type: "cluster" } } },
        };
    }
    admins.forEach((arn, i) => {
        accessEntries[`admin-${i}`] = {
            principalArn: arn,
            type: eks.AccessEntryType.Standard,
            accessPolicies: {
                "cluster-admin": { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } },
            },
        };
    });
    return new eks.Cluster(
        `${c.name}-cluster`,
        {
            name: c.clusterName,
            version: c.args.kubernetesVersion ?? KUBERNETES_VERSION,
            vpcId: c.args.network.vpcId,
            privateSubnetIds: c.args.network.privateSubnetIds,
            endpointPrivateAccess: true,
            // Off unless operators list their ranges; @pulumi/eks rejects publicAccessCidrs without it.
            endpointPublicAccess: cidrs.length > 0,
            ...(cidrs.length > 0 ? { publicAccessCidrs: [...cidrs] } : {}),
            authenticationMode: eks.AuthenticationMode.Api,
            accessEntries,
            encryptionConfigKeyArn: d.key.arn,
            enabledClusterLogTypes: [...CONTROL_PLANE_LOGS],
            createOidcProvider: true,
            serviceRole: d.clusterRole.role,
            clusterSecurityGroup: d.clusterSecurityGroup,
            skipDefaultSecurityGroups: true,
            skipDefaultNodeGroup: true,
            // Add-ons are pinned EKS managed add-ons declared below, not the self-managed defaults.
            bootstrapSelfManagedAddons: false,
            useDefaultVpcCni: true,
            corednsAddonOptions: { enabled: false },
            kubeProxyAddonOptions: { enabled: false },
            nodeAssociatePublicIpAddress: false,
            deletionProtection: true,
            tags: c.tags({}, c.clusterName),
        },
        { parent: c.parent, protect: true, dependsOn: [d.logGroup, ...d.clusterRole.attachments] },
    );
}
