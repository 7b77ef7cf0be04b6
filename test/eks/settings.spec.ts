import * as assert from "assert";
import { ADDON_VERSIONS, BOOTSTRAP_NODE_GROUP, CHART_VERSIONS, NODE_POOLS } from "../../components/eks/defaults";
import { readEks } from "../../stacks/settings/eks";
import { ConfigError, parseStackConfig } from "../../stacks/settings";
import { ConfigReader } from "../../stacks/settings/reader";
import { inEnvironment } from "../environments";

function read(raw: Record<string, string>) {
    const r = new ConfigReader("us-east-1", raw);
    const eks = readEks(r, "us-east-1");
    return { eks, problems: r.problems };
}

const REGISTRY = JSON.stringify({ "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } });

describe("EKS settings", () => {
    it("default to the ARCHITECTURE figures", () => {
        const { eks, problems } = read({});
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(eks, {
            kubernetesVersion: "1.35",
            publicAccessCidrs: [],
            adminRoleArns: [],
            bootstrapNodeGroup: BOOTSTRAP_NODE_GROUP,
            addonVersions: ADDON_VERSIONS,
            chartVersions: CHART_VERSIONS,
            amiAlias: "al2023@latest",
            nodePools: NODE_POOLS,
            gitops: { repoUrl: "https://github.com/mall-platform/mall-gitops.git", revision: "main", path: "clusters/us-east-1" },
        });
    });

    it("apply overrides of pools, versions, sizes and GitOps", () => {
        const { eks, problems } = read({
            "mall:nodePools": JSON.stringify({ "worker-tier": { cpuLimit: 500 }, "batch-tier": { weight: 5 } }),
            "mall:eksChartVersions": JSON.stringify({ karpenter: "1.9.2" }),
            "mall:eksAddonVersions": JSON.stringify({ coredns: "v1.12.5-eksbuild.1" }),
            "mall:eksBootstrapNodes": "3",
            "mall:eksPublicAccessCidrs": JSON.stringify(["203.0.113.0/24"]),
            "mall:eksAdminRoleArns": JSON.stringify(["arn:aws:iam::123456789012:role/platform-admin"]),
            "mall:gitopsRepoUrl": "git@github.com:acme/gitops.git",
        });
        assert.deepStrictEqual(problems, []);
        assert.strictEqual(eks.nodePools.find((p) => p.name === "worker-tier")!.cpuLimit, 500);
        assert.strictEqual(eks.nodePools.find((p) => p.name === "batch-tier")!.weight, 5);
        assert.strictEqual(eks.chartVersions.karpenter, "1.9.2");
        assert.strictEqual(eks.chartVersions.keda, CHART_VERSIONS.keda);
        assert.strictEqual(eks.addonVersions.coredns, "v1.12.5-eksbuild.1");
        assert.deepStrictEqual(eks.bootstrapNodeGroup, { ...BOOTSTRAP_NODE_GROUP, size: 3, maxSize: 4 });
        assert.deepStrictEqual(eks.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.strictEqual(eks.gitops.repoUrl, "git@github.com:acme/gitops.git");
    });

    it("reject an open API endpoint, unknown pools and bad versions with messages naming key, value and fix", () => {
        const { problems } = read({
            "mall:eksPublicAccessCidrs": JSON.stringify(["0.0.0.0/0", "office"]),
            "mall:nodePools": JSON.stringify({ gpu: { cpuLimit: 10 }, general: { cpuLimit: -1, maxPods: 3 } }),
            "mall:eksChartVersions": JSON.stringify({ karpenter: "0.37.0", helm: "1.0.0" }),
            "mall:kubernetesVersion": "latest",
            "mall:eksAdminRoleArns": JSON.stringify(["admin"]),
        });
        assert.deepStrictEqual(problems, [
            'mall:kubernetesVersion "latest" is not a Kubernetes minor version like 1.35',
            'mall:eksPublicAccessCidrs entry "0.0.0.0/0" opens the API server to the internet; list specific ranges or leave the list empty (private endpoint only)',
            'mall:eksPublicAccessCidrs entry "office" is not an IPv4 CIDR; use an office or VPN range like 203.0.113.0/24',
            'mall:eksAdminRoleArns entry "admin" is not an IAM role ARN like arn:aws:iam::123456789012:role/platform-admin',
            "mall:eksChartVersions.helm is not known; allowed: karpenter, keda, argocd, awsLoadBalancerController",
            'mall:eksChartVersions.karpenter "0.37.0" must be a 1.x release: the NodePools and EC2NodeClass are karpenter.sh/v1 and karpenter.k8s.aws/v1',
            "mall:nodePools.gpu is not a NodePool; the pools are general, critical, api-tier, worker-tier, memory-tier, batch-tier",
            "mall:nodePools.general.maxPods cannot be overridden; allowed: cpuLimit, weight",
            'mall:nodePools.general.cpuLimit "-1" must be an integer between 1 and 100000 (default 400)',
        ]);
    });

    it("are part of the stack config, so a misspelt key is still caught", () => {
        const raw = { "aws:region": "us-east-1", "mall:domain": "example.com", "mall:regions": REGISTRY, "mall:nodePool": "{}" };
        assert.throws(() => parseStackConfig("mall", "us-east-1", raw), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.match(e.problems.join("\n"), /mall:nodePool is not a setting of this program; did you mean mall:nodePools\?/);
            return true;
        });
        const { "mall:nodePool": _typo, ...clean } = raw;
        const ok = parseStackConfig("mall", "us-east-1", clean);
        assert.strictEqual(ok.eks.kubernetesVersion, "1.35");
    });

    it("require an admin role when deploying production (not under the offline plan), naming the key and the fix", () => {
        // A real deployment's config: no placeholder (those are refused outside the offline plan too).
        const raw = {
            "aws:region": "us-east-1",
            "mall:domain": "acme-mall.com",
            "mall:hostedZoneId": "Z0123456789ABCDEFGHIJ",
            "mall:gitopsRepoUrl": "https://github.com/acme/mall-gitops.git",
            "mall:regions": REGISTRY,
            "aws:allowedAccountIds": JSON.stringify(["210987654321"]),
            "mall:deployRunner": JSON.stringify({
                repositoryUrl: "https://github.com/acme/mall-platform",
                connectionArn: "arn:aws:codeconnections:us-east-1:210987654321:connection/4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                deployRoleArn: "arn:aws:iam::210987654321:role/mall-deploy",
                previewRoleArn: "arn:aws:iam::210987654321:role/mall-preview",
                actorIds: ["583231"],
            }),
        };
        assert.throws(() => parseStackConfig("mall", "us-east-1", raw, { offlinePlan: false }), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.ok(
                e.problems.includes(
                    "mall:eksAdminRoleArns is empty (value []); a production cluster needs at least one admin role besides the deploying identity. Set it, e.g. pulumi config set --path 'mall:eksAdminRoleArns[0]' arn:aws:iam::<account>:role/<platform-admin> -s us-east-1",
                ),
                e.problems.join("\n"),
            );
            return true;
        });
        const admins = { ...raw, "mall:eksAdminRoleArns": JSON.stringify(["arn:aws:iam::123456789012:role/platform-admin"]) };
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", admins, { offlinePlan: false }).eks.adminRoleArns, ["arn:aws:iam::123456789012:role/platform-admin"]);
        // the offline plan, and environments other than production, plan without one
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", raw).eks.adminRoleArns, []);
        assert.deepStrictEqual(parseStackConfig("mall", "staging-us-east-1", inEnvironment("staging", raw), { offlinePlan: false }).eks.adminRoleArns, []);
    });

    it("pin no add-on by default and accept a partial map of pins", () => {
        assert.deepStrictEqual(read({}).eks.addonVersions, {});
        const { eks, problems } = read({ "mall:eksAddonVersions": JSON.stringify({ coredns: "v1.14.2-eksbuild.4" }) });
        assert.deepStrictEqual([eks.addonVersions, problems], [{ coredns: "v1.14.2-eksbuild.4" }, []]);
        assert.deepStrictEqual(read({ "mall:eksAddonVersions": JSON.stringify({ "eks-pod-identity-agent": "v1.3.10-eksbuild.1" }) }).problems, [
            "mall:eksAddonVersions.eks-pod-identity-agent is not known; allowed: vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver, metrics-server",
        ]);
    });
});
