/**
 * The node/pod and control-plane security groups with the rules between them. The data tier and
 * the ingress admit the node group by reference; nothing here admits a CIDR.
 */
import * as aws from "@pulumi/aws";
import { awsName } from "../common/context";
import { DISCOVERY_TAG } from "./karpenter-plan";
import { EksScope } from "./scope";

export function declareSecurityGroups(c: EksScope) {
    const opts = { parent: c.parent };
    const vpcId = c.args.network.vpcId;
    const nodeSecurityGroup = new aws.ec2.SecurityGroup(
        `${c.name}-node-sg`,
        {
            vpcId,
            name: awsName(c.ctx, "eks-nodes"),
            description: "EKS nodes and pods; data-tier security groups admit this group",
            tags: c.tags({ [DISCOVERY_TAG]: c.clusterName, [`kubernetes.io/cluster/${c.clusterName}`]: "owned" }, awsName(c.ctx, "eks-nodes")),
        },
        opts,
    );
    const clusterSecurityGroup = new aws.ec2.SecurityGroup(
        `${c.name}-cluster-sg`,
        { vpcId, name: awsName(c.ctx, "eks-control-plane"), description: "EKS control-plane ENIs", tags: c.tags({}, awsName(c.ctx, "eks-control-plane")) },
        opts,
    );
    const ingress = (n: string, sg: aws.ec2.SecurityGroup, from: aws.ec2.SecurityGroup, description: string, proto: string, ports?: [number, number]) =>
        new aws.vpc.SecurityGroupIngressRule(
            `${c.name}-${n}`,
            {
                securityGroupId: sg.id,
                referencedSecurityGroupId: from.id,
                ipProtocol: proto,
                ...(ports ? { fromPort: ports[0], toPort: ports[1] } : {}),
                description,
                tags: c.tags({}, awsName(c.ctx, n)),
            },
            opts,
        );
    ingress("node-from-node", nodeSecurityGroup, nodeSecurityGroup, "node and pod traffic inside the cluster", "-1");
    ingress("node-from-control-plane-https", nodeSecurityGroup, clusterSecurityGroup, "control plane to webhooks on 443", "tcp", [443, 443]);
    ingress("node-from-control-plane", nodeSecurityGroup, clusterSecurityGroup, "control plane to kubelets and webhooks", "tcp", [1025, 65535]);
    ingress("control-plane-from-node", clusterSecurityGroup, nodeSecurityGroup, "nodes and pods to the API server", "tcp", [443, 443]);
    // In-VPC clients of the private endpoint (the deploy and preview runners): 443 only, by group.
    for (const client of c.args.apiClients ?? []) {
        new aws.vpc.SecurityGroupIngressRule(
            `${c.name}-control-plane-from-${client.name}`,
            {
                securityGroupId: clusterSecurityGroup.id,
                referencedSecurityGroupId: client.securityGroupId,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                description: `${client.name} to the API server`,
                tags: c.tags({}, awsName(c.ctx, "control-plane-from", client.name)),
            },
            opts,
        );
    }
    for (const [n, sg] of [["node-egress", nodeSecurityGroup], ["control-plane-egress", clusterSecurityGroup]] as const) {
        new aws.vpc.SecurityGroupEgressRule(
            `${c.name}-${n}`,
            { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "all egress (NAT, endpoints, peers)", tags: c.tags({}, awsName(c.ctx, n)) },
            opts,
        );
    }
    return { nodeSecurityGroup, clusterSecurityGroup };
}
