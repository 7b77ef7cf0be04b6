/**
 * The bootstrap (system) managed node group: AL2023 on an IMDSv2-only, encrypted launch template,
 * tainted for system pods (Karpenter, CoreDNS, add-ons) and labelled so Karpenter pins itself to it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsName } from "../common/context";
import { BOOTSTRAP_NODE_GROUP, SYSTEM_TAINT } from "./defaults";
import { POOL_LABEL } from "./karpenter-plan";
import { DeclaredRole } from "./roles";
import { EksScope } from "./scope";

/** AWS managed policies of every node role; none grants more than a node needs. */
export const NODE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

/** Label of the bootstrap (system) nodes; Karpenter is pinned to them. */
export const SYSTEM_POOL = "system";

export function declareSystemNodeGroup(
    c: EksScope,
    d: { clusterName: pulumi.Output<string>; key: { arn: pulumi.Output<string> }; nodeSecurityGroup: aws.ec2.SecurityGroup; role: DeclaredRole; after: pulumi.Resource[] },
): aws.eks.NodeGroup {
    const size = c.args.bootstrapNodeGroup ?? BOOTSTRAP_NODE_GROUP;
    const nodeTags = c.tags({ [`kubernetes.io/cluster/${c.clusterName}`]: "owned" }, awsName(c.ctx, "eks-system"));
    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${c.name}-system-lt`,
        {
            name: awsName(c.ctx, "eks-system"),
            description: "EKS bootstrap (system) nodes: IMDSv2 only, encrypted gp3",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: size.diskSizeGiB, volumeType: "gp3", encrypted: "true", kmsKeyId: d.key.arn, deleteOnTermination: "true" },
                },
            ],
            vpcSecurityGroupIds: [d.nodeSecurityGroup.id],
            tagSpecifications: [
                { resourceType: "instance", tags: nodeTags },
                { resourceType: "volume", tags: nodeTags },
            ],
            tags: c.tags({}, awsName(c.ctx, "eks-system")),
        },
        { parent: c.parent },
    );
    return new aws.eks.NodeGroup(
        `${c.name}-system-nodes`,
        {
            clusterName: d.clusterName,
            nodeGroupName: awsName(c.ctx, "system"),
            nodeRoleArn: d.role.role.arn,
            subnetIds: c.args.network.privateSubnetIds,
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            instanceTypes: [size.instanceType],
            scalingConfig: { desiredSize: size.size, minSize: size.size, maxSize: size.maxSize },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            labels: { [POOL_LABEL]: SYSTEM_POOL },
            taints: [{ key: SYSTEM_TAINT.key, value: SYSTEM_TAINT.value, effect: "NO_SCHEDULE" }],
            tags: c.tags({}, awsName(c.ctx, "eks-system")),
        },
        { parent: c.parent, dependsOn: [...d.after, ...d.role.attachments] },
    );
}
