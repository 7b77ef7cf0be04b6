/**
 * EksCluster (ARCHITECTURE §3): one EKS cluster per region with its own KMS key, a private API
 * endpoint, access entries, pinned managed add-ons, a tainted bootstrap node group for system
 * pods, Karpenter (IRSA controller, node role, interruption queue, one EC2NodeClass, six
 * NodePools), KEDA, ArgoCD with its root Application, the AWS Load Balancer Controller, and the 20
 * services' namespaces, IRSA ServiceAccounts and PodDisruptionBudgets from the catalogue.
 *
 * `@pulumi/eks` v4's Cluster is a multi-language component: only its outputs are used
 * (kubeconfigJson, oidcProviderArn/Url, eksCluster), never its methods (DESIGN §6). Everything the
 * policy pack must see (security groups, roles, node group, add-ons) is declared here with
 * `@pulumi/aws` rather than left to the component's defaults.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICES, service as catalogueService } from "../catalogue";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { Tags, tagsFor } from "../common/tags";
import { NetworkRef } from "../network/regional-vpc";
import {
    ADDON_VERSIONS,
    API_GATEWAY_SERVICE_PORT,
    AddonName,
    BOOTSTRAP_NODE_GROUP,
    BootstrapNodeGroup,
    CHART_VERSIONS,
    ChartName,
    DEFAULT_GITOPS,
    KUBERNETES_VERSION,
    NODE_POOLS,
    NodePoolSpec,
    SYSTEM_TAINT,
} from "./defaults";
import {
    ServiceStoreRefs,
    irsaTrustPolicy,
    karpenterControllerPolicy,
    loadBalancerControllerPolicy,
    planServicePolicy,
    serviceTrustPolicy,
} from "./iam-plan";
import { DISCOVERY_TAG, POOL_LABEL, planEc2NodeClass, planNodePool } from "./karpenter-plan";
import { ARGOCD_NAMESPACE, GitOpsSource, IRSA_ANNOTATION, planRootApplication, planServiceWorkloads, planTargetGroupBinding, serviceNamespaces } from "./workloads-plan";

const SERVICE = "eks";
const COMPONENT = "eks-cluster";

/** The control-plane log types ARCHITECTURE §3 and the policy pack require. */
export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** AWS managed policies of every node role; none grants more than a node needs. */
export const NODE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

/** Label of the bootstrap (system) nodes; Karpenter is pinned to them. */
export const SYSTEM_POOL = "system";

const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
const KARPENTER_NAMESPACE = "kube-system";
const KARPENTER_SA = "karpenter";
const LBC_SA = "aws-load-balancer-controller";
const EBS_CSI_SA = "ebs-csi-controller-sa";

export interface EksClusterArgs {
    readonly context: RegionContext;
    /** The region's network; nodes and the control plane's ENIs go in the private subnets. */
    readonly network: Pick<NetworkRef, "vpcId" | "vpcCidr" | "privateSubnetIds">;
    /** EKS cluster name; also the Karpenter discovery tag value RegionalVpc puts on the private subnets. */
    readonly clusterName: string;
    /** @default "1.35" */
    readonly kubernetesVersion?: string;
    /** CIDRs allowed on the public API endpoint; empty turns it off (private endpoint only). @default [] */
    readonly publicAccessCidrs?: readonly string[];
    /** IAM roles given AmazonEKSClusterAdminPolicy through access entries. @default [] */
    readonly adminRoleArns?: readonly pulumi.Input<string>[];
    /** @default BOOTSTRAP_NODE_GROUP - 2 × t3.medium, 50 GiB gp3 */
    readonly bootstrapNodeGroup?: BootstrapNodeGroup;
    /** @default ADDON_VERSIONS */
    readonly addonVersions?: Readonly<Record<AddonName, string>>;
    /** @default CHART_VERSIONS */
    readonly chartVersions?: Readonly<Record<ChartName, string>>;
    /** @default "al2023@latest" */
    readonly amiAlias?: string;
    /** @default NODE_POOLS - the six pools of ARCHITECTURE §3 */
    readonly nodePools?: readonly NodePoolSpec[];
    /** Where ArgoCD's root Application points. @default DEFAULT_GITOPS, path clusters/<region> */
    readonly gitops?: GitOpsSource;
    /** @default 90 */
    readonly logRetentionDays?: number;
    /** Data-store identifiers for the services' IRSA policies. @default - none: services get telemetry only */
    readonly storeRefs?: pulumi.Input<ServiceStoreRefs<pulumi.Input<string>>>;
    /** The edge's NLB IP target group; when set, a TargetGroupBinding attaches the api-gateway pods to it. @default - none */
    readonly apiGatewayTargetGroupArn?: pulumi.Input<string>;
    /** The NLB's security group, admitted on the pod port. @default - the VPC CIDR (the NLB's private IPs) */
    readonly apiGatewayLoadBalancerSecurityGroupId?: pulumi.Input<string>;
    /** @default 8080 - the same port as the ingress target group (`mall:apiTargetPort`) */
    readonly apiGatewayServicePort?: number;
}

export class EksCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    /** The node/pod security group: data-tier security groups admit it (GlobalData's clientSecurityGroupId). */
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcProviderUrl: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    /** Provider for everything declared in the cluster; other components may reuse it. */
    public readonly kubernetesProvider: k8s.Provider;
    public readonly karpenterNodeRoleArn: pulumi.Output<string>;
    public readonly interruptionQueueName: pulumi.Output<string>;
    /** Service name → its IRSA role ARN. */
    public readonly serviceRoleArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:eks:EksCluster", name, {}, opts);
        const built = buildEksCluster(this, name, args);
        this.clusterName = built.clusterName;
        this.nodeSecurityGroupId = built.nodeSecurityGroup.id;
        this.clusterSecurityGroupId = built.clusterSecurityGroup.id;
        this.oidcProviderArn = built.cluster.oidcProviderArn;
        this.oidcProviderUrl = built.cluster.oidcProviderUrl;
        this.kubeconfig = pulumi.secret(built.cluster.kubeconfigJson);
        this.kubernetesProvider = built.provider;
        this.karpenterNodeRoleArn = built.karpenter.nodeRole.arn;
        this.interruptionQueueName = built.karpenter.queue.name;
        this.serviceRoleArns = built.serviceRoleArns;
        this.registerOutputs({
            clusterName: this.clusterName,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            oidcProviderArn: this.oidcProviderArn,
            oidcProviderUrl: this.oidcProviderUrl,
            kubeconfig: this.kubeconfig,
            kubernetesProvider: this.kubernetesProvider,
            karpenterNodeRoleArn: this.karpenterNodeRoleArn,
            interruptionQueueName: this.interruptionQueueName,
            serviceRoleArns: this.serviceRoleArns,
        });
    }
}

interface Ctx {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly args: EksClusterArgs;
    readonly ctx: RegionContext;
    readonly clusterName: string;
    readonly tags: (extra?: Tags, nameTag?: string) => Tags;
}

function buildEksCluster(parent: pulumi.Resource, name: string, args: EksClusterArgs) {
    const ctx = args.context;
    const c: Ctx = {
        parent,
        name,
        args,
        ctx,
        clusterName: args.clusterName,
        tags: (extra = {}, nameTag) => tagsFor(ctx, SERVICE, COMPONENT, extra, nameTag),
    };
    const { nodeSecurityGroup, clusterSecurityGroup } = declareSecurityGroups(c);
    const key = eksKey(c);
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        {
            // EKS writes to this fixed name; creating it first keeps it KMS-encrypted and bounded.
            name: `/aws/eks/${c.clusterName}/cluster`,
            retentionInDays: args.logRetentionDays ?? 90,
            kmsKeyId: key.arn,
            tags: c.tags({}, awsName(ctx, "eks-control-plane-logs")),
        },
        { parent },
    );
    const clusterRole = declareRole(c, "cluster-role", awsName(ctx, "eks-cluster"), serviceTrustPolicy("eks.amazonaws.com"), ["AmazonEKSClusterPolicy"]);
    const karpenterNodeRole = declareRole(c, "karpenter-node-role", awsName(ctx, "karpenter-node"), serviceTrustPolicy("ec2.amazonaws.com"), NODE_MANAGED_POLICIES);
    const systemNodeRole = declareRole(c, "system-node-role", awsName(ctx, "eks-system-node"), serviceTrustPolicy("ec2.amazonaws.com"), NODE_MANAGED_POLICIES);

    const cluster = declareCluster(c, { key, logGroup, clusterRole, clusterSecurityGroup, karpenterNodeRole: karpenterNodeRole.role });
    const clusterName = cluster.eksCluster.name;
    const clusterOpts = { parent, dependsOn: [cluster] };

    const versions = { ...ADDON_VERSIONS, ...(args.addonVersions ?? {}) };
    const addon = (addonName: AddonName, extra: Partial<aws.eks.AddonArgs>, o: pulumi.CustomResourceOptions) =>
        new aws.eks.Addon(
            `${name}-addon-${addonName}`,
            {
                clusterName,
                addonName,
                addonVersion: versions[addonName],
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: c.tags({}, awsName(ctx, "eks", addonName)),
                ...extra,
            },
            o,
        );
    // Networking add-ons must exist before nodes can become Ready; CoreDNS and the EBS CSI driver
    // need running nodes, so they follow the node group.
    const preNode = (["vpc-cni", "kube-proxy", "eks-pod-identity-agent"] as const).map((a) => addon(a, {}, clusterOpts));
    const nodeGroup = declareSystemNodeGroup(c, { clusterName, key, nodeSecurityGroup, role: systemNodeRole, after: [cluster, ...preNode] });
    const ebsCsiRole = declareIrsaRole(c, "ebs-csi-role", awsName(ctx, "ebs-csi"), cluster, "kube-system", EBS_CSI_SA, {
        managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
        service: SERVICE,
    });
    const postNode = [
        addon("coredns", {}, { parent, dependsOn: [nodeGroup] }),
        addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, { parent, dependsOn: [nodeGroup] }),
    ];

    const provider = new k8s.Provider(
        `${name}-k8s`,
        // The kubeconfig authenticates with `aws eks get-token`: the deployer's credentials, mapped
        // to cluster-admin by the creator's bootstrap access entry.
        { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true },
        { parent },
    );
    const ready = [nodeGroup, ...preNode, ...postNode];

    const karpenter = declareKarpenter(c, { cluster, clusterName, key, provider, nodeRole: karpenterNodeRole.role, ready });
    const platform = declarePlatformCharts(c, { cluster, nodeSecurityGroup, provider, after: karpenter.nodePools });
    const serviceRoleArns = declareServices(c, { cluster, provider });
    if (args.apiGatewayTargetGroupArn !== undefined) {
        const gateway = catalogueService("api-gateway");
        const port = args.apiGatewayServicePort ?? API_GATEWAY_SERVICE_PORT;
        const spec = pulumi
            .all([args.apiGatewayTargetGroupArn, args.apiGatewayLoadBalancerSecurityGroupId, args.network.vpcCidr])
            .apply(([targetGroupArn, sg, cidr]) =>
                planTargetGroupBinding({ targetGroupArn, port, from: sg ? { securityGroupId: sg } : { cidr } }, gateway).spec,
            );
        new k8s.apiextensions.CustomResource(
            `${name}-api-gateway-tgb`,
            { apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding", metadata: { name: gateway.name, namespace: gateway.domain }, spec },
            { parent, provider, dependsOn: [platform.loadBalancerController, serviceRoleArns.namespaces[gateway.domain]] },
        );
    }

    return { cluster, clusterName, nodeSecurityGroup, clusterSecurityGroup, provider, karpenter, serviceRoleArns: serviceRoleArns.roleArns };
}

function eksKey(c: Ctx) {
    const logGroupArn = pulumi.interpolate`arn:aws:logs:${c.ctx.region}:${c.ctx.accountId}:log-group:/aws/eks/${c.clusterName}/cluster`;
    return serviceKey(
        `${c.name}-eks`,
        c.ctx,
        {
            service: SERVICE,
            component: COMPONENT,
            description: "EKS secrets envelope encryption, control-plane logs and node volumes",
            // eks: secrets envelope encryption; ec2: node root volumes launched by the node group and Karpenter.
            viaServices: ["eks", "ec2"],
            servicePrincipals: [
                { principal: `logs.${c.ctx.region}.amazonaws.com`, condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } } },
            ],
        },
        c.parent,
    );
}

function declareSecurityGroups(c: Ctx) {
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
    for (const [n, sg] of [["node-egress", nodeSecurityGroup], ["control-plane-egress", clusterSecurityGroup]] as const) {
        new aws.vpc.SecurityGroupEgressRule(
            `${c.name}-${n}`,
            { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "all egress (NAT, endpoints, peers)", tags: c.tags({}, awsName(c.ctx, n)) },
            opts,
        );
    }
    return { nodeSecurityGroup, clusterSecurityGroup };
}

interface DeclaredRole {
    readonly role: aws.iam.Role;
    readonly attachments: aws.iam.RolePolicyAttachment[];
}

function declareRole(c: Ctx, n: string, roleName: string, trust: unknown, managed: readonly string[], service = SERVICE): DeclaredRole {
    const role = new aws.iam.Role(
        `${c.name}-${n}`,
        { name: roleName, assumeRolePolicy: JSON.stringify(trust), tags: tagsFor(c.ctx, service, COMPONENT, {}, roleName) },
        { parent: c.parent },
    );
    const attachments = managed.map(
        (p) => new aws.iam.RolePolicyAttachment(`${c.name}-${n}-${p.split("/").pop()}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${p}` }, { parent: c.parent }),
    );
    return { role, attachments };
}

function declareIrsaRole(
    c: Ctx,
    n: string,
    roleName: string,
    cluster: eks.Cluster,
    namespace: string,
    serviceAccount: string,
    o: { managedPolicies?: readonly string[]; policy?: pulumi.Input<string>; service: string },
): aws.iam.Role {
    const trust = pulumi
        .all([cluster.oidcProviderArn, cluster.oidcProviderUrl])
        .apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, url, namespace, serviceAccount)));
    const role = new aws.iam.Role(
        `${c.name}-${n}`,
        { name: roleName, assumeRolePolicy: trust, tags: tagsFor(c.ctx, o.service, COMPONENT, {}, roleName) },
        { parent: c.parent },
    );
    for (const p of o.managedPolicies ?? []) {
        new aws.iam.RolePolicyAttachment(`${c.name}-${n}-${p.split("/").pop()}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${p}` }, { parent: c.parent });
    }
    if (o.policy !== undefined) {
        new aws.iam.RolePolicy(`${c.name}-${n}-policy`, { role: role.name, name: roleName, policy: o.policy }, { parent: c.parent });
    }
    return role;
}

function declareCluster(
    c: Ctx,
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

function declareSystemNodeGroup(
    c: Ctx,
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

function declareKarpenter(
    c: Ctx,
    d: {
        cluster: eks.Cluster;
        clusterName: pulumi.Output<string>;
        key: { arn: pulumi.Output<string> };
        provider: k8s.Provider;
        nodeRole: aws.iam.Role;
        ready: pulumi.Resource[];
    },
) {
    const { ctx, parent, name } = c;
    const ktags = (nameTag: string) => tagsFor(ctx, "karpenter", COMPONENT, {}, nameTag);
    const queueKey = serviceKey(
        `${name}-karpenter`,
        ctx,
        {
            service: "karpenter",
            component: COMPONENT,
            description: "Karpenter interruption queue",
            // EventBridge encrypts what it delivers to the queue with this key.
            servicePrincipals: [{ principal: "events.amazonaws.com" }],
        },
        parent,
    );
    const queue = new aws.sqs.Queue(
        `${name}-karpenter-interruptions`,
        {
            name: c.clusterName,
            messageRetentionSeconds: 300,
            kmsMasterKeyId: queueKey.arn,
            kmsDataKeyReusePeriodSeconds: 300,
            tags: ktags(c.clusterName),
        },
        { parent },
    );
    new aws.sqs.QueuePolicy(
        `${name}-karpenter-interruptions-policy`,
        {
            queueUrl: queue.url,
            policy: queue.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "EventBridgeDelivers", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: arn },
                        { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
                    ],
                }),
            ),
        },
        { parent },
    );
    const rules: [string, Record<string, string[]>][] = [
        ["scheduled-change", { source: ["aws.health"], "detail-type": ["AWS Health Event"] }],
        ["spot-interruption", { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] }],
        ["rebalance", { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] }],
        ["instance-state-change", { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] }],
    ];
    for (const [n, pattern] of rules) {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-karpenter-${n}`,
            { name: awsName(ctx, "karpenter", n), description: `Karpenter interruption handling: ${pattern["detail-type"][0]}`, eventPattern: JSON.stringify(pattern), tags: ktags(awsName(ctx, "karpenter", n)) },
            { parent },
        );
        new aws.cloudwatch.EventTarget(`${name}-karpenter-${n}-target`, { rule: rule.name, targetId: "KarpenterInterruptionQueue", arn: queue.arn }, { parent });
    }

    const controllerPolicy = pulumi
        .all([queue.arn, queueKey.arn, d.nodeRole.arn, ctx.accountId])
        .apply(([queueArn, keyArn, nodeRoleArn, accountId]) =>
            JSON.stringify(
                karpenterControllerPolicy({
                    region: ctx.region,
                    accountId,
                    clusterName: c.clusterName,
                    interruptionQueueArn: queueArn,
                    interruptionQueueKeyArn: keyArn,
                    nodeRoleArn,
                }),
            ),
        );
    const controllerRole = declareIrsaRole(c, "karpenter-controller-role", awsName(ctx, "karpenter-controller"), d.cluster, KARPENTER_NAMESPACE, KARPENTER_SA, {
        policy: controllerPolicy,
        service: "karpenter",
    });

    const versions = { ...CHART_VERSIONS, ...(c.args.chartVersions ?? {}) };
    const release = new k8s.helm.v3.Release(
        `${name}-karpenter`,
        {
            name: "karpenter",
            chart: KARPENTER_CHART,
            version: versions.karpenter,
            namespace: KARPENTER_NAMESPACE,
            atomic: true,
            values: {
                settings: { clusterName: c.clusterName, interruptionQueue: queue.name },
                serviceAccount: { name: KARPENTER_SA, annotations: { [IRSA_ANNOTATION]: controllerRole.arn } },
                replicas: 2,
                // Karpenter must never run on nodes it manages: pinned to the tainted bootstrap nodes.
                nodeSelector: { [POOL_LABEL]: SYSTEM_POOL },
                tolerations: [{ key: SYSTEM_TAINT.key, operator: "Exists", effect: "NoSchedule" }],
                controller: { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
            },
        },
        { parent, provider: d.provider, dependsOn: d.ready },
    );

    const nodeClassSpec = d.key.arn.apply(
        (keyArn) =>
            planEc2NodeClass({
                clusterName: c.clusterName,
                nodeRoleName: awsName(ctx, "karpenter-node"),
                volumeKmsKeyArn: keyArn,
                amiAlias: c.args.amiAlias,
                tags: tagsFor(ctx, SERVICE, "karpenter-node", { [`kubernetes.io/cluster/${c.clusterName}`]: "owned" }),
            }).spec!,
    );
    const nodeClass = new k8s.apiextensions.CustomResource(
        `${name}-nodeclass-default`,
        { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "default" }, spec: nodeClassSpec },
        { parent, provider: d.provider, dependsOn: [release, d.nodeRole] },
    );
    const nodePools = (c.args.nodePools ?? NODE_POOLS).map((p) => {
        const planned = planNodePool(p);
        return new k8s.apiextensions.CustomResource(
            `${name}-nodepool-${p.name}`,
            { apiVersion: planned.apiVersion, kind: planned.kind, metadata: { name: p.name }, spec: planned.spec },
            { parent, provider: d.provider, dependsOn: [nodeClass] },
        );
    });
    return { queue, nodeRole: d.nodeRole, controllerRole, release, nodeClass, nodePools };
}

/** KEDA, ArgoCD (+ root Application) and the AWS Load Balancer Controller, on the on-demand `critical` pool. */
function declarePlatformCharts(c: Ctx, d: { cluster: eks.Cluster; nodeSecurityGroup: aws.ec2.SecurityGroup; provider: k8s.Provider; after: pulumi.Resource[] }) {
    const { ctx, parent, name } = c;
    const versions = { ...CHART_VERSIONS, ...(c.args.chartVersions ?? {}) };
    const opts = { parent, provider: d.provider, dependsOn: d.after };
    const placement = {
        nodeSelector: { [POOL_LABEL]: "critical" },
        tolerations: [{ key: "mall.io/critical", operator: "Exists", effect: "NoSchedule" }],
    };

    new k8s.helm.v3.Release(
        `${name}-keda`,
        {
            name: "keda",
            chart: "keda",
            repositoryOpts: { repo: "https://kedacore.github.io/charts" },
            version: versions.keda,
            namespace: "keda",
            createNamespace: true,
            atomic: true,
            values: { ...placement },
        },
        opts,
    );

    const argocd = new k8s.helm.v3.Release(
        `${name}-argocd`,
        {
            name: "argocd",
            chart: "argo-cd",
            repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
            version: versions.argocd,
            namespace: ARGOCD_NAMESPACE,
            createNamespace: true,
            atomic: true,
            values: { global: placement, dex: { enabled: false }, server: { service: { type: "ClusterIP" } } },
        },
        opts,
    );
    const root = planRootApplication(c.args.gitops ?? { ...DEFAULT_GITOPS, path: `clusters/${ctx.region}` });
    new k8s.apiextensions.CustomResource(
        `${name}-argocd-root`,
        { apiVersion: root.apiVersion, kind: root.kind, metadata: root.metadata, spec: root.spec },
        { parent, provider: d.provider, dependsOn: [argocd] },
    );

    const lbcPolicy = pulumi
        .all([d.nodeSecurityGroup.id, c.args.network.vpcId, ctx.accountId, c.args.apiGatewayTargetGroupArn])
        .apply(([sg, vpcId, accountId, tg]) =>
            JSON.stringify(loadBalancerControllerPolicy({ region: ctx.region, accountId, nodeSecurityGroupId: sg, vpcId, targetGroupArn: tg })),
        );
    const lbcRole = declareIrsaRole(c, "lbc-role", awsName(ctx, "aws-load-balancer-controller"), d.cluster, "kube-system", LBC_SA, {
        policy: lbcPolicy,
        service: SERVICE,
    });
    const loadBalancerController = new k8s.helm.v3.Release(
        `${name}-aws-load-balancer-controller`,
        {
            name: "aws-load-balancer-controller",
            chart: "aws-load-balancer-controller",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            version: versions.awsLoadBalancerController,
            namespace: "kube-system",
            atomic: true,
            values: {
                clusterName: c.clusterName,
                region: ctx.region,
                // Given explicitly: pods cannot reach IMDS (hop limit 1) to discover them.
                vpcId: c.args.network.vpcId,
                replicaCount: 2,
                serviceAccount: { name: LBC_SA, annotations: { [IRSA_ANNOTATION]: lbcRole.arn } },
                // Only TargetGroupBinding is used; no Service of type LoadBalancer is mutated.
                enableServiceMutatorWebhook: false,
                ...placement,
            },
        },
        opts,
    );
    return { argocd, loadBalancerController };
}

/** The 20 services: namespaces by domain, an IRSA role + ServiceAccount and a PDB per service. */
function declareServices(c: Ctx, d: { cluster: eks.Cluster; provider: k8s.Provider }) {
    const { ctx, parent, name } = c;
    const k8sOpts = { parent, provider: d.provider };
    const namespaces = Object.fromEntries(
        serviceNamespaces().map((ns) => [
            ns,
            new k8s.core.v1.Namespace(`${name}-ns-${ns}`, { metadata: { name: ns, labels: { "mall.io/domain": ns } } }, k8sOpts),
        ]),
    ) as Record<string, k8s.core.v1.Namespace>;
    const refs = c.args.storeRefs ?? {};
    const roleArns: Record<string, pulumi.Output<string>> = {};
    for (const w of planServiceWorkloads()) {
        const spec = SERVICES.find((s) => s.name === w.service)!;
        const policy = pulumi
            .all([pulumi.output(refs), ctx.accountId])
            .apply(([plainRefs, accountId]) => JSON.stringify(planServicePolicy(spec, plainRefs, { region: ctx.region, accountId })));
        const role = declareIrsaRole(c, `svc-${w.service}-role`, awsName(ctx, w.roleSuffix), d.cluster, w.namespace, w.serviceAccountName, {
            policy,
            service: w.service,
        });
        roleArns[w.service] = role.arn;
        const nsOpts = { ...k8sOpts, dependsOn: [namespaces[w.namespace]] };
        new k8s.core.v1.ServiceAccount(
            `${name}-sa-${w.service}`,
            {
                metadata: {
                    name: w.serviceAccountName,
                    namespace: w.namespace,
                    labels: { ...w.selector, "mall.io/domain": w.namespace },
                    annotations: { [IRSA_ANNOTATION]: role.arn },
                },
            },
            nsOpts,
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb-${w.service}`,
            { metadata: { name: w.service, namespace: w.namespace }, spec: { minAvailable: w.minAvailable, selector: { matchLabels: { ...w.selector } } } },
            nsOpts,
        );
    }
    return { roleArns, namespaces };
}
