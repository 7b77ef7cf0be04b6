import * as assert from "assert";
import { EKS_ADDON_VERSIONS, PlanMocks } from "../../tools/plan/mocks";

describe("offline plan mocks: aws.eks.getAddonVersion", () => {
    const mocks = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
    const call = (inputs: Record<string, unknown>) => mocks.call({ token: "aws:eks/getAddonVersion:getAddonVersion", inputs, provider: "" } as never);

    it("answers like the provider: the inputs echoed, the region, and a version in AWS's vX.Y.Z-eksbuild.N form", () => {
        assert.deepStrictEqual(call({ addonName: "coredns", kubernetesVersion: "1.35", mostRecent: true }), {
            id: "coredns",
            addonName: "coredns",
            kubernetesVersion: "1.35",
            mostRecent: true,
            region: "us-east-1",
            version: "v1.14.2-eksbuild.4",
        });
        for (const [addon, byVersion] of Object.entries(EKS_ADDON_VERSIONS)) {
            for (const [k8s, v] of Object.entries(byVersion)) {
                assert.match(v, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/, `${addon} ${k8s}`);
                assert.strictEqual(call({ addonName: addon, kubernetesVersion: k8s }).version, v);
            }
        }
    });

    it("gives kube-proxy the build of the cluster's Kubernetes minor", () => {
        for (const k8s of Object.keys(EKS_ADDON_VERSIONS["kube-proxy"])) assert.ok(String(call({ addonName: "kube-proxy", kubernetesVersion: k8s }).version).startsWith(`v${k8s}.`), k8s);
    });

    it("fails on an add-on or Kubernetes version EKS has no build for, saying where to add one", () => {
        assert.throws(() => call({ addonName: "coredns", kubernetesVersion: "1.99" }), /no coredns add-on build for Kubernetes 1\.99 .*tools\/plan\/mocks\.ts/);
        assert.throws(() => call({ addonName: "eks-pod-identity-agent", kubernetesVersion: "1.35" }), /no eks-pod-identity-agent add-on build/);
    });
});
