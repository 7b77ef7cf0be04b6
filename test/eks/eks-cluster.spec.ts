import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SERVICES } from "../../components/catalogue";
import { CHART_VERSIONS, NODE_POOLS } from "../../components/eks/defaults";
import { DEPLOYED_SECRETS, EKS_ADDON_VERSIONS, deployedSecretArn } from "../../tools/plan/mocks";
import { CONTROL_PLANE_LOGS, EksCluster, EksClusterArgs, NODE_MANAGED_POLICIES } from "../../components/eks/eks-cluster";
import { planNodePool } from "../../components/eks/karpenter-plan";
import { PlannedResource } from "../../tools/plan/contract";
import { Resources, planComponent, testContext } from "../harness";

const NETWORK = { vpcId: "vpc-0abc", vpcCidr: "10.0.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] };
const TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/mall-api/0123456789abcdef";

function plan(extra: Partial<EksClusterArgs> = {}, region = "us-east-1"): Promise<Resources> {
    return planComponent(
        () => {
            const c = new EksCluster("eks", { context: testContext(region), network: NETWORK, clusterName: `mall-${region}`, ...extra });
            return {
                clusterName: c.clusterName,
                nodeSecurityGroupId: c.nodeSecurityGroupId,
                oidcProviderArn: c.oidcProviderArn,
                oidcProviderUrl: c.oidcProviderUrl,
                kubeconfig: c.kubeconfig,
                kubeconfigIsSecret: pulumi.isSecret(c.kubeconfig),
                serviceRoleArns: c.serviceRoleArns,
                resolvedVersions: c.resolvedVersions,
                ready: c.ready.map((r) => r.urn),
            };
        },
        { region },
    );
}

const K8S = (r: PlannedResource) => r.type.startsWith("kubernetes:");
const policyOf = (res: Resources, roleName: string) => JSON.parse(String(res.all.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.name === roleName)!.inputs.policy));

describe("EksCluster", function () {
    let res: Resources;
    before(async () => {
        res = await plan({ adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin"], apiGatewayTargetGroupArn: TG });
    });

    describe("the @pulumi/eks cluster", () => {
        it("is private, API-authenticated, KMS-encrypted with the EKS key, logs every control-plane log type, and protected", () => {
            const cluster = res.one("eks:index:Cluster", "eks-cluster");
            const key = res.one("aws:kms/key:Key", "eks-eks-key");
            assert.strictEqual(cluster.protect, true);
            assert.strictEqual(cluster.inputs.version, "1.35");
            assert.strictEqual(cluster.inputs.endpointPrivateAccess, true);
            assert.strictEqual(cluster.inputs.endpointPublicAccess, false);
            assert.strictEqual(cluster.inputs.publicAccessCidrs, undefined);
            assert.strictEqual(cluster.inputs.authenticationMode, "API");
            assert.deepStrictEqual(cluster.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            assert.deepStrictEqual([...CONTROL_PLANE_LOGS], cluster.inputs.enabledClusterLogTypes);
            assert.deepStrictEqual(cluster.propertyDependencies.encryptionConfigKeyArn, [key.urn]);
            assert.strictEqual(key.protect, true);
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            assert.strictEqual(cluster.inputs.createOidcProvider, true);
            assert.deepStrictEqual(cluster.inputs.privateSubnetIds, NETWORK.privateSubnetIds);
            assert.strictEqual(cluster.inputs.skipDefaultNodeGroup, true);
            assert.strictEqual(cluster.inputs.bootstrapSelfManagedAddons, false);
        });

        it("has access entries for the Karpenter node role and the configured admin role", () => {
            const entries = res.one("eks:index:Cluster", "eks-cluster").inputs.accessEntries as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(Object.keys(entries).sort(), ["admin-0", "karpenter-nodes"]);
            assert.deepStrictEqual(entries["karpenter-nodes"], { principalArn: "arn:aws:iam::123456789012:role/mall-us-east-1-karpenter-node", type: "EC2_LINUX" });
            assert.deepStrictEqual(entries["admin-0"], {
                principalArn: "arn:aws:iam::123456789012:role/platform-admin",
                type: "STANDARD",
                accessPolicies: { "cluster-admin": { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } },
            });
        });

        it("opens the public endpoint only to the configured CIDRs", async () => {
            const open = await plan({ publicAccessCidrs: ["203.0.113.0/24"] });
            const cluster = open.one("eks:index:Cluster", "eks-cluster");
            assert.strictEqual(cluster.inputs.endpointPublicAccess, true);
            assert.strictEqual(cluster.inputs.endpointPrivateAccess, true);
            assert.deepStrictEqual(cluster.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
        });

        it("writes control-plane logs to a KMS-encrypted log group created before the cluster", () => {
            const lg = res.one("aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs");
            assert.strictEqual(lg.inputs.name, "/aws/eks/mall-us-east-1/cluster");
            assert.strictEqual(lg.inputs.retentionInDays, 365);
            assert.strictEqual(lg.protect, true);
            assert.deepStrictEqual(lg.propertyDependencies.kmsKeyId, [res.urn("eks-eks-key")]);
            assert.ok(res.one("eks:index:Cluster", "eks-cluster").dependencies.includes(lg.urn));
        });
    });

    describe("kubeconfig and the Kubernetes provider", () => {
        it("builds the provider from the cluster's kubeconfigJson output", () => {
            const provider = res.one("pulumi:providers:kubernetes", "eks-k8s");
            const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
            assert.strictEqual(kubeconfig.kind, "Config");
            assert.deepStrictEqual(kubeconfig.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "mall-us-east-1", "--region", "us-east-1", "--output", "json"]);
            assert.deepStrictEqual(provider.propertyDependencies.kubeconfig, [res.urn("eks-cluster")]);
        });

        it("is the provider of every Kubernetes resource", () => {
            const providerUrn = res.urn("eks-k8s");
            const k8s = res.all.filter(K8S);
            // namespaces (the services' and the charts' keda and argocd), ServiceAccounts, PDBs, releases (karpenter-crd, karpenter, keda, argocd, LBC), EC2NodeClass, NodePools, root Application,
            // the two AppProjects and the default one's lockdown, the three admission policies and their bindings, TargetGroupBinding, StorageClass
            assert.strictEqual(k8s.length, 5 + 2 + 20 + 20 + 5 + 1 + 6 + 1 + 3 + 6 + 1 + 1);
            for (const r of k8s) assert.strictEqual(r.provider, providerUrn, `${r.type} ${r.name}`);
        });

        it("exports the OIDC provider, cluster name and node security group as outputs (kubeconfig secret)", () => {
            assert.match(String(res.outputs.oidcProviderArn), /^arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
            assert.match(String(res.outputs.oidcProviderUrl), /^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
            assert.strictEqual(res.outputs.clusterName, "mall-us-east-1");
            assert.match(String(res.outputs.nodeSecurityGroupId), /^sg-/);
            // The node SG (the one the node-from-node rule is on), not the control plane's.
            assert.strictEqual(res.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "eks-node-from-node").inputs.securityGroupId, res.outputs.nodeSecurityGroupId);
            assert.notStrictEqual(res.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "eks-control-plane-from-node").inputs.securityGroupId, res.outputs.nodeSecurityGroupId);
            assert.strictEqual(res.outputs.kubeconfig, res.one("pulumi:providers:kubernetes", "eks-k8s").inputs.kubeconfig);
            assert.strictEqual(res.outputs.kubeconfigIsSecret, true);
        });
    });

    describe("security groups", () => {
        it("tags the node group for Karpenter discovery and admits the control plane and itself only", () => {
            const node = res.one("aws:ec2/securityGroup:SecurityGroup", "eks-node-sg");
            assert.strictEqual((node.inputs.tags as Record<string, string>)["karpenter.sh/discovery"], "mall-us-east-1");
            const ingress = res.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            assert.strictEqual(ingress.length, 4);
            for (const r of ingress) {
                assert.strictEqual(r.inputs.cidrIpv4, undefined, r.name);
                assert.ok(r.inputs.referencedSecurityGroupId, r.name);
            }
        });
    });

    describe("bootstrap node group and add-ons", () => {
        it("is 2 × t3.medium, tainted for system pods, IMDSv2 only, encrypted gp3", () => {
            const ng = res.one("aws:eks/nodeGroup:NodeGroup", "eks-system-nodes");
            assert.deepStrictEqual(ng.inputs.instanceTypes, ["t3.medium"]);
            assert.deepStrictEqual(ng.inputs.scalingConfig, { desiredSize: 2, minSize: 2, maxSize: 3 });
            assert.deepStrictEqual(ng.inputs.taints, [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
            assert.strictEqual(ng.inputs.clusterName, "mall-us-east-1");
            const lt = res.one("aws:ec2/launchTemplate:LaunchTemplate", "eks-system-lt");
            assert.deepStrictEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
            const ebs = (lt.inputs.blockDeviceMappings as { ebs: Record<string, unknown> }[])[0].ebs;
            assert.strictEqual(ebs.volumeType, "gp3");
            assert.strictEqual(ebs.encrypted, "true");
            assert.deepStrictEqual(lt.propertyDependencies.blockDeviceMappings, [res.urn("eks-eks-key")]);
        });

        it("installs five managed add-ons (no Pod Identity agent: every role is IRSA), networking before the nodes", () => {
            const addons = res.ofType("aws:eks/addon:Addon");
            assert.deepStrictEqual(addons.map((a) => a.inputs.addonName).sort(), ["aws-ebs-csi-driver", "coredns", "kube-proxy", "metrics-server", "vpc-cni"]);
            const ng = res.one("aws:eks/nodeGroup:NodeGroup", "eks-system-nodes");
            for (const a of ["vpc-cni", "kube-proxy"]) assert.ok(ng.dependencies.includes(res.urn(`eks-addon-${a}`)), a);
            for (const a of ["coredns", "aws-ebs-csi-driver", "metrics-server"]) assert.ok(res.one("aws:eks/addon:Addon", `eks-addon-${a}`).dependencies.includes(ng.urn), a);
        });

        it("serves the metrics API (HPAs, KEDA cpu/memory scalers) from metrics-server on the tainted system nodes", () => {
            const ms = res.one("aws:eks/addon:Addon", "eks-addon-metrics-server");
            assert.deepStrictEqual(JSON.parse(String(ms.inputs.configurationValues)), { tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] });
            // The toleration matches the system node group's taint exactly.
            const taints = res.one("aws:eks/nodeGroup:NodeGroup", "eks-system-nodes").inputs.taints as { key: string; value: string; effect: string }[];
            assert.deepStrictEqual(taints.map((t) => [t.key, t.effect]), [["CriticalAddonsOnly", "NO_SCHEDULE"]]);
        });

        it("resolves unpinned add-ons to EKS's most recent build for the Kubernetes version, and reports them", () => {
            const versions = Object.fromEntries(res.ofType("aws:eks/addon:Addon").map((a) => [a.inputs.addonName, a.inputs.addonVersion]));
            assert.deepStrictEqual(versions, {
                "vpc-cni": EKS_ADDON_VERSIONS["vpc-cni"]["1.35"],
                coredns: "v1.14.2-eksbuild.4",
                "kube-proxy": "v1.35.3-eksbuild.2",
                "aws-ebs-csi-driver": EKS_ADDON_VERSIONS["aws-ebs-csi-driver"]["1.35"],
                "metrics-server": "v0.7.2-eksbuild.1",
            });
            assert.deepStrictEqual(res.outputs.resolvedVersions, Object.fromEntries(Object.entries(versions).map(([a, v]) => [`eks-addon/${a}`, v])));
        });

        it("sends a pinned add-on version as is and reports only what it looked up", async () => {
            const pinned = await plan({ addonVersions: { coredns: "v1.14.1-eksbuild.2" }, kubernetesVersion: "1.34" });
            assert.strictEqual(pinned.one("aws:eks/addon:Addon", "eks-addon-coredns").inputs.addonVersion, "v1.14.1-eksbuild.2");
            assert.strictEqual(pinned.one("aws:eks/addon:Addon", "eks-addon-kube-proxy").inputs.addonVersion, "v1.34.6-eksbuild.2");
            assert.deepStrictEqual(Object.keys(pinned.outputs.resolvedVersions as object).sort(), ["eks-addon/aws-ebs-csi-driver", "eks-addon/kube-proxy", "eks-addon/metrics-server", "eks-addon/vpc-cni"]);
        });

        it("declares the default gp3 StorageClass on the EBS CSI driver, encrypted with the cluster key", () => {
            const sc = res.one("kubernetes:storage.k8s.io/v1:StorageClass", "eks-storageclass-gp3");
            assert.deepStrictEqual(sc.inputs.metadata, { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } });
            assert.strictEqual(sc.inputs.provisioner, "ebs.csi.aws.com");
            assert.deepStrictEqual({ ...(sc.inputs.parameters as object), kmsKeyId: "…" }, { type: "gp3", encrypted: "true", kmsKeyId: "…" });
            assert.strictEqual(sc.inputs.volumeBindingMode, "WaitForFirstConsumer");
            assert.ok(sc.dependencies.includes(res.urn("eks-addon-aws-ebs-csi-driver")));
        });

        it("exposes a readiness handle: node group, add-ons, StorageClass, Karpenter, its EC2NodeClass and NodePools", () => {
            const names = (res.outputs.ready as string[]).map((u) => u.split("::").pop()).sort();
            assert.deepStrictEqual(names, [
                "eks-addon-aws-ebs-csi-driver",
                "eks-addon-coredns",
                "eks-addon-kube-proxy",
                "eks-addon-metrics-server",
                "eks-addon-vpc-cni",
                "eks-karpenter",
                ...NODE_POOLS.map((p) => `eks-nodepool-${p.name}`),
                "eks-nodeclass-default",
                "eks-storageclass-gp3",
                "eks-system-nodes",
            ].sort());
        });

        it("gives node roles only the four worker managed policies, never *FullAccess", () => {
            const attachments = res.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            for (const a of attachments) assert.doesNotMatch(String(a.inputs.policyArn), /FullAccess|AdministratorAccess/);
            const karpenterNode = attachments.filter((a) => a.name.startsWith("eks-karpenter-node-role-")).map((a) => a.inputs.policyArn);
            assert.deepStrictEqual(karpenterNode, NODE_MANAGED_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`));
        });
    });

    describe("Karpenter", () => {
        it("installs v1.9 from the OCI chart with its IRSA role and interruption queue", () => {
            const release = res.one("kubernetes:helm.sh/v3:Release", "eks-karpenter");
            assert.strictEqual(release.inputs.chart, "oci://public.ecr.aws/karpenter/karpenter");
            assert.strictEqual(release.inputs.version, CHART_VERSIONS.karpenter);
            assert.match(String(release.inputs.version), /^1\.9\.\d+$/);
            const values = release.inputs.values as { settings: Record<string, string>; serviceAccount: { annotations: Record<string, string> } };
            assert.deepStrictEqual(values.settings, { clusterName: "mall-us-east-1", interruptionQueue: "mall-us-east-1" });
            assert.strictEqual(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/mall-us-east-1-karpenter-controller");
        });

        it("manages the CRDs with the karpenter-crd chart (Helm upgrades templates, never crds/), before the controller and the custom resources", () => {
            const crd = res.one("kubernetes:helm.sh/v3:Release", "eks-karpenter-crd");
            assert.deepStrictEqual([crd.inputs.chart, crd.inputs.version, crd.inputs.namespace], ["oci://public.ecr.aws/karpenter/karpenter-crd", CHART_VERSIONS.karpenter, "kube-system"]);
            const controller = res.one("kubernetes:helm.sh/v3:Release", "eks-karpenter");
            assert.strictEqual(controller.inputs.skipCrds, true);
            assert.ok(controller.dependencies.includes(crd.urn));
            assert.ok(res.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "eks-nodeclass-default").dependencies.includes(crd.urn));
        });

        it("has a KMS-encrypted interruption queue fed by the four EventBridge rules", () => {
            const queue = res.one("aws:sqs/queue:Queue", "eks-karpenter-interruptions");
            assert.deepStrictEqual(queue.propertyDependencies.kmsMasterKeyId, [res.urn("eks-karpenter-key")]);
            const patterns = res.ofType("aws:cloudwatch/eventRule:EventRule").map((r) => JSON.parse(String(r.inputs.eventPattern))["detail-type"][0]);
            assert.deepStrictEqual(patterns, [
                "AWS Health Event",
                "EC2 Spot Instance Interruption Warning",
                "EC2 Instance Rebalance Recommendation",
                "EC2 Instance State-change Notification",
            ]);
            for (const t of res.ofType("aws:cloudwatch/eventTarget:EventTarget")) assert.strictEqual(t.inputs.arn, "arn:aws:sqs:us-east-1:123456789012:mall-us-east-1");
        });

        it("declares the EC2NodeClass and the six NodePools exactly as planned", () => {
            const nc = res.one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "eks-nodeclass-default");
            const spec = nc.inputs.spec as { role: string; blockDeviceMappings: { ebs: { kmsKeyID: string } }[] };
            assert.strictEqual(spec.role, "mall-us-east-1-karpenter-node");
            assert.match(spec.blockDeviceMappings[0].ebs.kmsKeyID, /^arn:aws:kms:us-east-1:123456789012:key\//);
            const pools = res.ofType("kubernetes:karpenter.sh/v1:NodePool");
            assert.deepStrictEqual(pools.map((p) => p.name).sort(), NODE_POOLS.map((p) => `eks-nodepool-${p.name}`).sort());
            for (const p of NODE_POOLS) {
                assert.deepStrictEqual(res.one("kubernetes:karpenter.sh/v1:NodePool", `eks-nodepool-${p.name}`).inputs.spec, planNodePool(p).spec, p.name);
            }
        });
    });

    describe("platform charts", () => {
        it("installs KEDA, ArgoCD and the AWS Load Balancer Controller at pinned versions, plus ArgoCD's root Application", () => {
            const releases = Object.fromEntries(res.ofType("kubernetes:helm.sh/v3:Release").map((r) => [r.name, r.inputs.version]));
            assert.deepStrictEqual(releases, {
                "eks-karpenter-crd": CHART_VERSIONS.karpenter,
                "eks-karpenter": CHART_VERSIONS.karpenter,
                "eks-keda": CHART_VERSIONS.keda,
                "eks-argocd": CHART_VERSIONS.argocd,
                "eks-aws-load-balancer-controller": CHART_VERSIONS.awsLoadBalancerController,
            });
            const root = res.one("kubernetes:argoproj.io/v1alpha1:Application", "eks-argocd-root");
            assert.deepStrictEqual((root.inputs.spec as { source: unknown }).source, {
                repoURL: "https://github.com/mall-platform/mall-gitops.git",
                targetRevision: "main",
                path: "clusters/us-east-1",
                directory: { recurse: true },
            });
        });

        it("syncs the root through its own AppProject, after the projects and the default project's lockdown", () => {
            const root = res.one("kubernetes:argoproj.io/v1alpha1:Application", "eks-argocd-root");
            assert.strictEqual((root.inputs.spec as { project: string }).project, "mall-root");
            const projects = res.ofType("kubernetes:argoproj.io/v1alpha1:AppProject");
            assert.deepStrictEqual(projects.map((p) => p.name).sort(), ["eks-argocd-project-mall-root", "eks-argocd-project-mall-services"]);
            const services = res.one("kubernetes:argoproj.io/v1alpha1:AppProject", "eks-argocd-project-mall-services").inputs.spec as { sourceRepos: string[]; destinations: { namespace: string }[]; clusterResourceWhitelist: unknown[] };
            assert.deepStrictEqual(services.sourceRepos, ["https://github.com/mall-platform/mall-gitops.git"]);
            assert.deepStrictEqual(services.destinations.map((d) => d.namespace), ["storefront", "commerce", "fulfilment", "customer", "platform"]);
            assert.deepStrictEqual(services.clusterResourceWhitelist, []);
            const locked = res.one("kubernetes:argoproj.io/v1alpha1:AppProjectPatch", "eks-argocd-project-default");
            assert.deepStrictEqual(locked.inputs.metadata, { name: "default", namespace: "argocd", annotations: { "pulumi.com/patchForce": "true" } });
            assert.deepStrictEqual((locked.inputs.spec as { sourceRepos: unknown[]; destinations: unknown[] }).sourceRepos, []);
            assert.deepStrictEqual((locked.inputs.spec as { sourceRepos: unknown[]; destinations: unknown[] }).destinations, []);
            for (const dep of [...projects.map((p) => p.urn), locked.urn]) assert.ok(root.dependencies.includes(dep), dep);
            // No repository credentials configured: the repository is read anonymously.
            assert.deepStrictEqual(res.ofType("kubernetes:core/v1:Secret").filter((x) => x.name === "eks-argocd-repository"), []);
        });

        it("gives KEDA, ArgoCD and the LB Controller 600 s to become ready (a fresh critical node, image pulls)", () => {
            for (const n of ["eks-keda", "eks-argocd", "eks-aws-load-balancer-controller"]) assert.strictEqual(res.one("kubernetes:helm.sh/v3:Release", n).inputs.timeout, 600, n);
        });

        it("injects the LB Controller's pod readiness gate in the api-gateway's namespace only, and enforces Pod Security restricted in every service namespace", () => {
            const restricted = { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" };
            assert.deepStrictEqual(res.one("kubernetes:core/v1:Namespace", "eks-ns-platform").inputs.metadata, {
                name: "platform",
                labels: { "mall.io/domain": "platform", ...restricted, "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
            });
            assert.deepStrictEqual((res.one("kubernetes:core/v1:Namespace", "eks-ns-commerce").inputs.metadata as { labels: object }).labels, { "mall.io/domain": "commerce", ...restricted });
        });

        it("labels the platform charts' namespaces with the Pod Security level their pods are built for, and installs the charts into them", () => {
            const baseline = { "app.kubernetes.io/part-of": "platform", "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" };
            for (const ns of ["keda", "argocd"]) {
                const namespace = res.one("kubernetes:core/v1:Namespace", `eks-ns-${ns}`);
                assert.deepStrictEqual(namespace.inputs.metadata, { name: ns, labels: baseline });
                const release = res.one("kubernetes:helm.sh/v3:Release", `eks-${ns}`);
                assert.strictEqual(release.inputs.namespace, ns);
                assert.strictEqual(release.inputs.createNamespace, undefined);
                assert.ok(release.dependencies.includes(namespace.urn), ns);
            }
        });

        it("turns on the VPC CNI's NetworkPolicy enforcement", () => {
            assert.deepStrictEqual(JSON.parse(String(res.one("aws:eks/addon:Addon", "eks-addon-vpc-cni").inputs.configurationValues)), { enableNetworkPolicy: "true" });
        });

        it("binds the edge's target group to the api-gateway Service with IP targets", () => {
            const tgb = res.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "eks-api-gateway-tgb");
            assert.deepStrictEqual(tgb.inputs.metadata, { name: "api-gateway", namespace: "platform" });
            assert.deepStrictEqual(tgb.inputs.spec, {
                serviceRef: { name: "api-gateway", port: 8080 },
                targetGroupARN: TG,
                targetType: "ip",
                networking: { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 8080 }] }] },
            });
            const lbc = policyOf(res, "mall-us-east-1-aws-load-balancer-controller");
            assert.strictEqual(lbc.Statement.find((s: { Sid: string }) => s.Sid === "RegisterApiGatewayTargets").Resource, TG);
        });

        it("declares no TargetGroupBinding without a target group, and admits the NLB's SG when given one", async () => {
            const none = await plan();
            assert.strictEqual(none.count("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"), 0);
            const withSg = await plan({ apiGatewayTargetGroupArn: pulumi.output(TG), apiGatewayLoadBalancerSecurityGroupId: "sg-nlb" });
            const spec = withSg.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "eks-api-gateway-tgb").inputs.spec as { networking: unknown };
            assert.deepStrictEqual(spec.networking, { ingress: [{ from: [{ securityGroup: { groupID: "sg-nlb" } }], ports: [{ protocol: "TCP", port: 8080 }] }] });
        });
    });

    describe("the 20 services", () => {
        it("get namespaces by domain, a ServiceAccount with its own IRSA role and a PDB each", () => {
            assert.deepStrictEqual(res.ofType("kubernetes:core/v1:Namespace").map((n) => (n.inputs.metadata as { name: string }).name), ["keda", "argocd", "storefront", "commerce", "fulfilment", "customer", "platform"]);
            const sas = res.ofType("kubernetes:core/v1:ServiceAccount");
            assert.strictEqual(sas.length, 20);
            const roleArns = sas.map((sa) => (sa.inputs.metadata as { annotations: Record<string, string> }).annotations["eks.amazonaws.com/role-arn"]);
            assert.strictEqual(new Set(roleArns).size, 20);
            for (const svc of SERVICES) {
                const sa = res.one("kubernetes:core/v1:ServiceAccount", `eks-sa-${svc.name}`).inputs.metadata as { name: string; namespace: string; annotations: Record<string, string> };
                assert.deepStrictEqual([sa.name, sa.namespace], [svc.name, svc.domain]);
                // no Kubernetes API token in the services' pods (IRSA projects its own)
                assert.strictEqual(res.one("kubernetes:core/v1:ServiceAccount", `eks-sa-${svc.name}`).inputs.automountServiceAccountToken, false);
                const roleName = `mall-us-east-1-svc-${svc.name}`;
                assert.strictEqual(sa.annotations["eks.amazonaws.com/role-arn"], `arn:aws:iam::123456789012:role/${roleName}`);
                const role = res.all.find((r) => r.type === "aws:iam/role:Role" && r.inputs.name === roleName)!;
                const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
                const sub = Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(":sub"))![1];
                assert.strictEqual(sub, `system:serviceaccount:${svc.domain}:${svc.name}`);
                assert.strictEqual((role.inputs.tags as Record<string, string>).service, svc.name);
                const pdb = res.one("kubernetes:policy/v1:PodDisruptionBudget", `eks-pdb-${svc.name}`).inputs;
                assert.deepStrictEqual(pdb.spec, { minAvailable: svc.minAvailable, selector: { matchLabels: { "app.kubernetes.io/name": svc.name } } });
            }
            assert.deepStrictEqual(Object.keys(res.outputs.serviceRoleArns as object), SERVICES.map((s) => s.name));
        });

        it("grant telemetry only when no store identifiers are given", () => {
            for (const svc of SERVICES) {
                const p = policyOf(res, `mall-us-east-1-svc-${svc.name}`);
                assert.strictEqual(p.Statement.length, 2, svc.name);
            }
        });

        it("resolve Input store identifiers into each service's own policy", async () => {
            const withRefs = await plan({
                storeRefs: {
                    dsqlClusterArn: pulumi.output("arn:aws:dsql:us-east-1:123456789012:cluster/abc"),
                    docdbSecretArns: { "product-catalog": pulumi.output("arn:aws:secretsmanager:us-east-1:123456789012:secret:pc") },
                },
            });
            const order = policyOf(withRefs, "mall-us-east-1-svc-order");
            assert.deepStrictEqual(order.Statement[2], { Sid: "OrderDsqlConnect", Effect: "Allow", Action: "dsql:DbConnect", Resource: "arn:aws:dsql:us-east-1:123456789012:cluster/abc" });
            const pc = policyOf(withRefs, "mall-us-east-1-svc-product-catalog");
            assert.strictEqual(pc.Statement[2].Resource, "arn:aws:secretsmanager:us-east-1:123456789012:secret:pc");
            assert.ok(!JSON.stringify(policyOf(withRefs, "mall-us-east-1-svc-review")).includes("secret:pc"));
        });
    });

    it("declares the same shape in us-west-2, named for its region", async () => {
        const west = await plan({}, "us-west-2");
        assert.deepStrictEqual(
            { ...west.countsByType(), "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": 1 },
            res.countsByType(),
        );
        assert.strictEqual(west.one("eks:index:Cluster", "eks-cluster").inputs.name, "mall-us-west-2");
    });
});

describe("EksCluster: GitOps repository credentials from Secrets Manager", function () {
    const name = "mall/gitops-deploy-key";
    const arn = deployedSecretArn("us-east-1", name);
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    let res: Resources;
    before(async () => {
        DEPLOYED_SECRETS.set(name, JSON.stringify({ sshPrivateKey: key }));
        try {
            res = await plan({ apiGatewayTargetGroupArn: TG, gitops: { repoUrl: "git@github.com:acme/mall-gitops.git", revision: "main", path: "clusters/us-east-1", credentialsSecretArn: arn } });
        } finally {
            DEPLOYED_SECRETS.delete(name);
        }
    });

    it("gives ArgoCD a repository secret for the repo, read from the secret at deploy time, before the root syncs", () => {
        const secret = res.one("kubernetes:core/v1:Secret", "eks-argocd-repository");
        assert.deepStrictEqual(secret.inputs.metadata, { name: "mall-gitops-repository", namespace: "argocd", labels: { "argocd.argoproj.io/secret-type": "repository" } });
        // The credentials stay secret in state (the document's shapes: karpenter-plan.spec.ts, repositorySecretData).
        assert.strictEqual(secret.inputs.stringData, "[secret]");
        assert.ok(res.one("kubernetes:argoproj.io/v1alpha1:Application", "eks-argocd-root").dependencies.includes(secret.urn));
    });
});
