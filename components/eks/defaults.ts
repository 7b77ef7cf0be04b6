/**
 * ARCHITECTURE §3 figures for the EKS cluster: versions, the bootstrap node group, the six Karpenter
 * NodePools. Pure data: the config reader (stacks/settings/eks.ts) uses them as defaults and the
 * component falls back to them when an argument is omitted.
 */
import type { GitOpsSource } from "./workloads-plan";

export const KUBERNETES_VERSION = "1.35";

/**
 * EKS managed add-ons the cluster installs itself (bootstrapSelfManagedAddons is off). No Pod
 * Identity agent: every controller and service role uses IRSA, so its DaemonSet would do nothing.
 * metrics-server (an EKS community add-on) serves the metrics.k8s.io API that HPAs and KEDA's
 * cpu/memory scalers read; EKS does not install it.
 */
export const ADDON_NAMES = ["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "metrics-server"] as const;

/**
 * The metrics-server add-on's configuration (its configuration schema follows the upstream chart's
 * values): it tolerates the system nodes' taint, so it runs on the bootstrap node group beside
 * CoreDNS and Karpenter. Otherwise its pods would wait for Karpenter's nodes, and EKS would not
 * report the add-on ACTIVE before Karpenter runs (the first up would time out). The add-on runs two
 * replicas by default (AWS re:Post, "Kubernetes Metrics Server setup recommendations"), so the
 * metrics API stays up while one node drains. Its schema taking `tolerations` follows the other
 * EKS add-ons' (podDisruptionBudget, tolerations, affinity, nodeSelector …); the offline plan cannot
 * ask EKS, so check once with `aws eks describe-addon-configuration --addon-name metrics-server
 * --addon-version <version>` (docs/eks.md).
 */
/**
 * The VPC CNI add-on's configuration: NetworkPolicy enforcement on (the add-on's network policy
 * agent; off by default, which leaves every NetworkPolicy silently unenforced). Pods no policy
 * selects stay unaffected. EKS User Guide, "Configure your cluster for Kubernetes network policies".
 */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

export const METRICS_SERVER_CONFIGURATION = { tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] } as const;
export type AddonName = (typeof ADDON_NAMES)[number];

/**
 * Pinned add-on versions: none by default. An unpinned add-on resolves to the most recent build EKS
 * publishes for the cluster's Kubernetes version (`aws.eks.getAddonVersion`, at preview and up
 * time), so a version EKS does not support for this Kubernetes release is never sent. The plan
 * prints every resolved version with the line that pins it (`mall:eksAddonVersions`); production
 * stacks pin, so a preview never drifts on its own.
 */
export const ADDON_VERSIONS: Readonly<Partial<Record<AddonName, string>>> = {};

/** The key of an add-on in the stack output `resolvedVersions` (shared with other resolved versions). */
export function addonVersionKey(addon: AddonName): string {
    return `eks-addon/${addon}`;
}

/** The StorageClass EksCluster declares (EBS CSI gp3, encrypted with the cluster key) and marks the default. */
export const STORAGE_CLASS = "gp3";

export const CHART_NAMES = ["karpenter", "keda", "argocd", "awsLoadBalancerController"] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** Helm chart versions, pinned (mall:eksChartVersions overrides). Karpenter v1.9 per ARCHITECTURE §3. */
export const CHART_VERSIONS: Readonly<Record<ChartName, string>> = {
    karpenter: "1.9.0",
    keda: "2.18.1",
    argocd: "9.1.4",
    awsLoadBalancerController: "1.14.1",
};

export interface BootstrapNodeGroup {
    /** Instance type of the bootstrap nodes. @default "t3.medium" */
    readonly instanceType: string;
    /** Desired = min size. @default 2 */
    readonly size: number;
    /** @default 3 - one spare for rolling updates */
    readonly maxSize: number;
    /** Root volume (encrypted gp3), GiB. @default 50 */
    readonly diskSizeGiB: number;
}

export const BOOTSTRAP_NODE_GROUP: BootstrapNodeGroup = { instanceType: "t3.medium", size: 2, maxSize: 3, diskSizeGiB: 50 };

/** The taint that keeps the bootstrap nodes for system pods (Karpenter, CoreDNS, add-ons). */
export const SYSTEM_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;

export const NODE_POOL_NAMES = ["general", "critical", "api-tier", "worker-tier", "memory-tier", "batch-tier"] as const;
export type NodePoolName = (typeof NODE_POOL_NAMES)[number];

export type CapacityType = "spot" | "on-demand";

export interface NodePoolSpec {
    /** The pool's name, also the `mall.io/node-pool` label workloads select it by. */
    readonly name: NodePoolName;
    /** Allowed capacity types; with both, Karpenter launches spot first and falls back to on-demand. */
    readonly capacityTypes: readonly CapacityType[];
    /** EC2 instance families (`karpenter.k8s.aws/instance-family`). */
    readonly instanceFamilies: readonly string[];
    /** Higher wins when several pools fit a pod. */
    readonly weight: number;
    /** Total vCPU the pool may launch. */
    readonly cpuLimit: number;
    /** When Karpenter may remove or replace nodes: only empty ones, or also under-used ones (bin-packing). */
    readonly consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
    /** How long a node must qualify before consolidation acts (a Go duration such as `1m`). */
    readonly consolidateAfter: string;
    /** Disruption budget: how many nodes (count or %) may be disrupted at once. */
    readonly disruptionBudget: string;
    /** NoSchedule taint that only opted-in pods tolerate. @default - none */
    readonly taint?: { readonly key: string; readonly value: string };
}

const GRAVITON_AND_X86 = (families: readonly string[]) => families.flatMap((f) => [`${f}6i`, `${f}7i`, `${f}7g`]);

/**
 * ARCHITECTURE §3's six pools. `general` carries the highest weight and no taint so that a pod
 * without a tier selector always lands there; the tier pools are reached with a
 * `mall.io/node-pool` node selector. `critical` and `batch-tier` are tainted: nothing that did not
 * ask for on-demand-only or spot-only capacity may end up on them.
 */
export const NODE_POOLS: readonly NodePoolSpec[] = [
    {
        name: "general",
        capacityTypes: ["spot", "on-demand"],
        instanceFamilies: GRAVITON_AND_X86(["m", "c", "r"]),
        weight: 100,
        cpuLimit: 400,
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfter: "1m",
        disruptionBudget: "10%",
    },
    {
        name: "critical",
        capacityTypes: ["on-demand"],
        instanceFamilies: GRAVITON_AND_X86(["m"]),
        weight: 90,
        cpuLimit: 64,
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "10m",
        disruptionBudget: "1",
        taint: { key: "mall.io/critical", value: "true" },
    },
    {
        name: "api-tier",
        capacityTypes: ["on-demand"],
        instanceFamilies: GRAVITON_AND_X86(["c"]),
        weight: 50,
        cpuLimit: 200,
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfter: "5m",
        disruptionBudget: "10%",
    },
    {
        name: "worker-tier",
        capacityTypes: ["spot", "on-demand"],
        instanceFamilies: GRAVITON_AND_X86(["m", "c"]),
        weight: 30,
        cpuLimit: 200,
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfter: "1m",
        disruptionBudget: "20%",
    },
    {
        name: "memory-tier",
        capacityTypes: ["on-demand"],
        instanceFamilies: GRAVITON_AND_X86(["r"]),
        weight: 40,
        cpuLimit: 128,
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfter: "5m",
        disruptionBudget: "10%",
    },
    {
        name: "batch-tier",
        capacityTypes: ["spot"],
        instanceFamilies: GRAVITON_AND_X86(["m", "c"]),
        weight: 10,
        cpuLimit: 200,
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "30s",
        disruptionBudget: "25%",
        taint: { key: "mall.io/batch", value: "true" },
    },
];

/** What mall:nodePools may override per pool. */
export interface NodePoolOverride {
    readonly cpuLimit?: number;
    readonly weight?: number;
}

export const DEFAULT_GITOPS = {
    repoUrl: "https://github.com/mall-platform/mall-gitops.git",
    revision: "main",
} as const;

/** Where a region's cluster reads its root Application: the default repo, `clusters/<region>`. */
export function defaultGitopsPath(region: string): string {
    return `clusters/${region}`;
}

/** The whole default GitOps source of a region. */
export function defaultGitops(region: string): GitOpsSource {
    return { ...DEFAULT_GITOPS, path: defaultGitopsPath(region) };
}
