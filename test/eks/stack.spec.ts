import * as assert from "assert";
import { productionPlan } from "../registry";
import { PlanResult } from "../../tools/plan/plan";

const COUNTS = {
    "eks:index:Cluster": 1,
    "aws:eks/nodeGroup:NodeGroup": 1,
    "aws:eks/addon:Addon": 5,
    "kubernetes:helm.sh/v3:Release": 5,
    "kubernetes:storage.k8s.io/v1:StorageClass": 1,
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": 1,
    "kubernetes:karpenter.sh/v1:NodePool": 6,
    "kubernetes:argoproj.io/v1alpha1:Application": 1,
    // the five service namespaces, keda and argocd
    "kubernetes:core/v1:Namespace": 7,
    "kubernetes:core/v1:ServiceAccount": 20,
    "kubernetes:policy/v1:PodDisruptionBudget": 20,
    "aws:sqs/queue:Queue": 1,
    "aws:cloudwatch/eventRule:EventRule": 4,
};

describe("EKS in both stacks (offline plan)", () => {
    let result: PlanResult;
    before(async () => {
        result = await productionPlan();
        assert.strictEqual(result.failure, undefined, result.failure?.error.message);
    });

    for (const stack of ["us-east-1", "us-west-2"]) {
        it(`${stack} plans the cluster, Karpenter and its 6 NodePools, KEDA, ArgoCD, 20 ServiceAccounts with 20 distinct roles and 20 PDBs`, () => {
            const s = result.stacks.find((x) => x.stack === stack)!;
            // EksCluster's own children (observability adds its charts and namespace beside them).
            const own = s.resources.filter((r) => r.urn.split("::")[2].startsWith("mall:eks:EksCluster$"));
            const count = (t: string) => own.filter((r) => r.type === t).length;
            assert.deepStrictEqual(Object.fromEntries(Object.keys(COUNTS).map((t) => [t, count(t)])), COUNTS);
            const roles = s.resources
                .filter((r) => r.type === "kubernetes:core/v1:ServiceAccount")
                .map((r) => (r.inputs.metadata as { annotations: Record<string, string> }).annotations["eks.amazonaws.com/role-arn"]);
            assert.strictEqual(new Set(roles).size, 20);
            for (const arn of roles) assert.match(arn, new RegExp(`^arn:aws:iam::123456789012:role/mall-${stack}-svc-`));
            const releases = own.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.name);
            assert.deepStrictEqual(releases.sort(), ["argocd", "aws-load-balancer-controller", "karpenter", "karpenter-crd", "keda"]);
            // The observability releases wait for schedulable capacity: every NodePool, the system
            // node group and Karpenter are among their dependencies (EksCluster.ready).
            const waitFor = own.filter((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" || r.name === "eks-system-nodes" || r.name === "eks-karpenter").map((r) => r.urn);
            const observability = s.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.urn.split("::")[2].startsWith("mall:observability:"));
            assert.deepStrictEqual(observability.map((r) => r.name).sort(), ["observability-otel-agent", "observability-otel-gateway", "observability-prometheus", "observability-tempo"]);
            for (const r of observability) assert.deepStrictEqual(waitFor.filter((u) => !r.dependencies.includes(u)), [], r.name);
            // The add-ons EKS resolved, each with the key the plan summary prints.
            assert.deepStrictEqual(Object.keys(s.outputs.resolvedVersions as object).filter((k) => k.startsWith("eks-addon/")).sort(), ["eks-addon/aws-ebs-csi-driver", "eks-addon/coredns", "eks-addon/kube-proxy", "eks-addon/metrics-server", "eks-addon/vpc-cni"]);
            // One port end to end: the NLB target group and the api-gateway binding agree.
            const tgb = own.find((r) => r.name === "eks-api-gateway-tgb")!;
            const targetGroup = s.resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup")!;
            const spec = tgb.inputs.spec as { serviceRef: { port: number }; targetGroupARN: string };
            assert.deepStrictEqual([spec.serviceRef.port, targetGroup.inputs.port], [8080, 8080]);
            const cluster = s.resources.find((r) => r.type === "eks:index:Cluster")!;
            assert.strictEqual(cluster.inputs.name, `mall-${stack}`);
            assert.strictEqual(cluster.inputs.endpointPublicAccess, false);
            // The VPC tags its private subnets for the same Karpenter discovery value the EC2NodeClass selects.
            const privateSubnets = s.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && (r.inputs.tags as Record<string, string>).tier === "private");
            assert.strictEqual(privateSubnets.length, 3);
            for (const sn of privateSubnets) assert.strictEqual((sn.inputs.tags as Record<string, string>)["karpenter.sh/discovery"], `mall-${stack}`);
            assert.strictEqual(s.outputs.eksClusterName, `mall-${stack}`);
            assert.match(String(s.outputs.eksNodeSecurityGroupId), /^sg-/);
        });
    }
});
