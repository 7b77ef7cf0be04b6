/**
 * EksCluster (ARCHITECTURE §3): one EKS cluster per region with its own KMS key, a private API
 * endpoint, access entries, managed add-ons (pinned, or EKS's most recent build), the default gp3
 * StorageClass, a tainted bootstrap node group for system pods, Karpenter (IRSA controller, node
 * role, interruption queue, one EC2NodeClass, six NodePools), KEDA, ArgoCD with its root
 * Application, the AWS Load Balancer Controller, and the 20 services' namespaces, IRSA ServiceAccounts and PodDisruptionBudgets from the catalogue.
 *
 * One public component, one concern per file (as pulumi-eks does under its `Cluster`):
 * control-plane.ts, security-groups.ts, roles.ts, nodes.ts, addons.ts, karpenter.ts, platform.ts,
 * services.ts. Every child is named `<name>-…` with this component as parent, whichever file
 * declares it, so moving code between them never changes a URN.
 *
 * `@pulumi/eks` v4's Cluster is a multi-language component: only its outputs are used
 * (kubeconfigJson, oidcProviderArn/Url, eksCluster), never its methods (DESIGN §6). Everything the
 * policy pack must see (security groups, roles, node group, add-ons) is declared with
 * `@pulumi/aws` rather than left to the component's defaults.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { serviceTrustPolicy } from "../common/trust";
import { AUDIT_LOG_RETENTION_DAYS, AUDIT_LOG_TAGS } from "../common/logs";
import { service as catalogueService } from "../catalogue";
import { NetworkRef } from "../network/regional-vpc";
import { declareAddon } from "./addons";
import { controlPlaneLogGroupName, declareCluster, eksKey } from "./control-plane";
import { NetworkPolicyInputs } from "./network-policy-plan";
import { AddonName, BootstrapNodeGroup, ChartName, METRICS_SERVER_CONFIGURATION, VPC_CNI_CONFIGURATION, NodePoolSpec, STORAGE_CLASS, addonVersionKey } from "./defaults";
import { ServiceStoreRefs } from "./iam-plan";
import { declareKarpenter } from "./karpenter";
import { NODE_MANAGED_POLICIES, declareSystemNodeGroup } from "./nodes";
import { declareApiGatewayBinding, declarePlatformCharts } from "./platform";
import { declareRole, irsaTrustOf } from "./roles";
import { eksScope } from "./scope";
import { declareSecurityGroups } from "./security-groups";
import { declareServices } from "./services";
import { GitOpsSource } from "./workloads-plan";

export { CONTROL_PLANE_LOGS } from "./control-plane";
export { NODE_MANAGED_POLICIES } from "./nodes";

const EBS_CSI_SA = "ebs-csi-controller-sa";

/** A client of the private API endpoint: a security group in the VPC and the role its jobs use. */
export interface ApiClient {
    /** Short name: the ingress rule `<name>-control-plane-from-<name>` and the access entry carry it. */
    readonly name: string;
    /** The client's security group, admitted on 443 to the control-plane ENIs. */
    readonly securityGroupId: pulumi.Input<string>;
    /** The IAM role the client's jobs assume (GitHub OIDC). */
    readonly roleArn: pulumi.Input<string>;
    /** The EKS access policy of that role, cluster-wide (admin to deploy, read-only to preview). */
    readonly accessPolicyArn: string;
}

export interface EksClusterArgs {
    /** The stack this component is declared in: region, role, account; names and tags derive from it. */
    readonly context: RegionContext;
    /** The region's network; nodes and the control plane's ENIs go in the private subnets. */
    readonly network: Pick<NetworkRef, "vpcId" | "vpcCidr" | "privateSubnetIds">;
    /** EKS cluster name; also the Karpenter discovery tag value RegionalVpc puts on the private subnets. */
    readonly clusterName: string;
    /** The Kubernetes minor version of the control plane (the add-on and chart pins follow it). @default "1.35" */
    readonly kubernetesVersion?: string;
    /** CIDRs allowed on the public API endpoint; empty turns it off (private endpoint only). @default [] */
    readonly publicAccessCidrs?: readonly string[];
    /** IAM roles given AmazonEKSClusterAdminPolicy through access entries. @default [] */
    readonly adminRoleArns?: readonly pulumi.Input<string>[];
    /**
     * Clients inside the VPC admitted to the private API endpoint on 443 (the deploy and preview
     * runners), each with the IAM role its jobs assume and the EKS access policy that role gets.
     * @default [] - only the nodes reach the API
     */
    readonly apiClients?: readonly ApiClient[];
    /** Size of the tainted managed node group that runs Karpenter and the system add-ons. @default BOOTSTRAP_NODE_GROUP - 2 × t3.medium, 50 GiB gp3 */
    readonly bootstrapNodeGroup?: BootstrapNodeGroup;
    /** Pinned EKS add-on versions, by add-on; an add-on without a pin gets EKS's most recent build for the Kubernetes version. @default {} - none pinned */
    readonly addonVersions?: Readonly<Partial<Record<AddonName, string>>>;
    /** Pinned Helm chart versions of the platform charts. @default CHART_VERSIONS */
    readonly chartVersions?: Readonly<Record<ChartName, string>>;
    /** The EC2NodeClass's AMI alias: the image family Karpenter launches. @default "al2023@latest" */
    readonly amiAlias?: string;
    /** The Karpenter NodePools (capacity types, families, limits, taints). @default NODE_POOLS - the six pools of ARCHITECTURE §3 */
    readonly nodePools?: readonly NodePoolSpec[];
    /** Where ArgoCD's root Application points. @default DEFAULT_GITOPS, path clusters/<region> */
    readonly gitops?: GitOpsSource;
    /**
     * The flow table and this region's subnets, from which each service namespace gets default-deny
     * NetworkPolicies and the allows the table grants (network-policy-plan.ts); without it no
     * NetworkPolicy is declared.
     */
    readonly networkPolicies?: Omit<NetworkPolicyInputs, "namespaces">;
    /** Days the protected control-plane log group keeps the API, audit and authenticator logs (audit evidence). @default 365 - AUDIT_LOG_RETENTION_DAYS */
    readonly logRetentionDays?: number;
    /** Data-store identifiers for the services' IRSA policies. @default - none: services get telemetry only */
    readonly storeRefs?: pulumi.Input<ServiceStoreRefs<pulumi.Input<string>>>;
    /**
     * Per service, what its ConfigMap `<service>-data` holds (components/data/service-config.ts:
     * endpoints, write paths, secret ARNs). @default - no ConfigMaps
     */
    readonly serviceConfig?: pulumi.Input<Readonly<Record<string, Readonly<Record<string, string>>>>>;
    /** The edge's origin ALB IP target group; when set, a TargetGroupBinding attaches the api-gateway pods to it. @default - none */
    readonly apiGatewayTargetGroupArn?: pulumi.Input<string>;
    /** The origin ALB's security group, admitted on the pod port. @default - the VPC CIDR (the load balancer's private IPs) */
    readonly apiGatewayLoadBalancerSecurityGroupId?: pulumi.Input<string>;
    /** The api-gateway pods' port the TargetGroupBinding registers. @default API_GATEWAY_PORT - 8080, the ingress target group's */
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
    /**
     * What must exist before in-cluster workloads can schedule: the system node group, the add-ons,
     * the gp3 StorageClass, Karpenter and its EC2NodeClass and NodePools. Releases outside this
     * component depend on it, or their pods stay Pending while capacity is still being built.
     */
    public readonly ready: pulumi.Resource[];
    /** The default StorageClass (EBS CSI gp3, encrypted with the cluster key). */
    public readonly storageClassName: string;
    /** Add-on versions looked up at plan time because no pin applies, keyed `eks-addon/<name>` (empty when all are pinned). */
    public readonly resolvedVersions: pulumi.Output<Record<string, string>>;
    /** The control-plane log group (audit-class: the audit and authenticator logs), for the audit archive. */
    public readonly controlPlaneLogGroupName: pulumi.Output<string>;

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
        this.ready = built.ready;
        this.storageClassName = STORAGE_CLASS;
        this.resolvedVersions = built.resolvedVersions;
        this.controlPlaneLogGroupName = built.logGroup.name;
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
            ready: this.ready,
            storageClassName: this.storageClassName,
            resolvedVersions: this.resolvedVersions,
        });
    }
}

function buildEksCluster(parent: pulumi.Resource, name: string, args: EksClusterArgs) {
    const c = eksScope(parent, name, args);
    const { ctx } = c;
    const { nodeSecurityGroup, clusterSecurityGroup } = declareSecurityGroups(c);
    const key = eksKey(c);
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        {
            // EKS writes to this fixed name; creating it first keeps it KMS-encrypted and bounded.
            name: controlPlaneLogGroupName(c.clusterName),
            retentionInDays: args.logRetentionDays ?? AUDIT_LOG_RETENTION_DAYS,
            kmsKeyId: key.arn,
            tags: c.tags(AUDIT_LOG_TAGS, awsName(ctx, "eks-control-plane-logs")),
        },
        // Audit evidence (the audit and authenticator logs): a rename or a removed cluster must not delete it.
        { parent, protect: true },
    );
    // EKS sends both keys when it assumes the cluster role (EKS User Guide, cross-service confused
    // deputy prevention); the cluster's ARN is known from its name before it exists. EC2 is not
    // documented to send them for instance profiles: the node roles stay unconditioned (docs/security.md).
    const trust = (principal: string) => serviceTrustPolicy(ctx, principal);
    const clusterTrust = serviceTrustPolicy(ctx, "eks.amazonaws.com", { sourceAccount: true, sourceArn: (account) => `arn:aws:eks:${ctx.region}:${account}:cluster/${c.clusterName}` });
    const clusterRole = declareRole(c, "cluster-role", awsName(ctx, "eks-cluster"), { trust: clusterTrust, managed: ["AmazonEKSClusterPolicy"] });
    const karpenterNodeRole = declareRole(c, "karpenter-node-role", awsName(ctx, "karpenter-node"), { trust: trust("ec2.amazonaws.com"), managed: NODE_MANAGED_POLICIES });
    const systemNodeRole = declareRole(c, "system-node-role", awsName(ctx, "eks-system-node"), { trust: trust("ec2.amazonaws.com"), managed: NODE_MANAGED_POLICIES });

    const cluster = declareCluster(c, { key, logGroup, clusterRole, clusterSecurityGroup, karpenterNodeRole: karpenterNodeRole.role });
    const clusterName = cluster.eksCluster.name;
    const clusterOpts = { parent, dependsOn: [cluster] };

    // Networking add-ons must exist before nodes can become Ready; CoreDNS and the EBS CSI driver
    // need running nodes, so they follow the node group.
    const preNode = [
        declareAddon(c, clusterName, "vpc-cni", { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) }, clusterOpts),
        declareAddon(c, clusterName, "kube-proxy", {}, clusterOpts),
    ];
    const nodeGroup = declareSystemNodeGroup(c, { clusterName, key, nodeSecurityGroup, role: systemNodeRole, after: [cluster, ...preNode.map((a) => a.addon)] });
    const ebsCsiRole = declareRole(c, "ebs-csi-role", awsName(ctx, "ebs-csi"), {
        trust: irsaTrustOf(cluster, "kube-system", EBS_CSI_SA),
        managed: ["service-role/AmazonEBSCSIDriverPolicy"],
    }).role;
    const ebsCsi = declareAddon(c, clusterName, "aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, { parent, dependsOn: [nodeGroup] });
    const metricsServer = declareAddon(c, clusterName, "metrics-server", { configurationValues: JSON.stringify(METRICS_SERVER_CONFIGURATION) }, { parent, dependsOn: [nodeGroup] });
    const postNode = [declareAddon(c, clusterName, "coredns", {}, { parent, dependsOn: [nodeGroup] }), ebsCsi, metricsServer];

    const provider = new k8s.Provider(
        `${name}-k8s`,
        // The kubeconfig authenticates with `aws eks get-token`: the deployer's credentials, mapped
        // to cluster-admin by the creator's bootstrap access entry.
        { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true },
        { parent },
    );
    const addons = [...preNode, ...postNode];
    const systemReady = [nodeGroup, ...addons.map((a) => a.addon)];
    const storageClass = new k8s.storage.v1.StorageClass(
        `${name}-storageclass-gp3`,
        {
            metadata: { name: STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            // The EKS key's policy lets any principal of the account use it through EC2 (the driver's CreateVolume).
            parameters: { type: "gp3", encrypted: "true", kmsKeyId: key.arn },
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            reclaimPolicy: "Delete",
        },
        { parent, provider, dependsOn: [ebsCsi.addon] },
    );

    const karpenter = declareKarpenter(c, { cluster, clusterName, key, provider, nodeRole: karpenterNodeRole.role, ready: systemReady });
    const platform = declarePlatformCharts(c, { cluster, nodeSecurityGroup, provider, after: karpenter.nodePools });
    const services = declareServices(c, { cluster, provider });
    const ready: pulumi.Resource[] = [...systemReady, storageClass, karpenter.release, karpenter.nodeClass, ...karpenter.nodePools];
    const resolvedVersions = pulumi
        .all(addons.filter((a) => a.resolved).map((a) => a.version.apply((v) => [addonVersionKey(a.name), v] as const)))
        .apply((pairs) => Object.fromEntries(pairs) as Record<string, string>);
    if (args.apiGatewayTargetGroupArn !== undefined) {
        declareApiGatewayBinding(c, {
            provider,
            targetGroupArn: args.apiGatewayTargetGroupArn,
            loadBalancerController: platform.loadBalancerController,
            namespace: services.namespaces[catalogueService("api-gateway").domain],
        });
    }

    return { cluster, clusterName, nodeSecurityGroup, clusterSecurityGroup, provider, karpenter, serviceRoleArns: services.roleArns, ready, resolvedVersions, logGroup };
}
