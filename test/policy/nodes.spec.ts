import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, urn } from "./fixtures";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const NG = "aws:eks/nodeGroup:NodeGroup";
const EC2 = "aws:ec2/instance:Instance";
const NC = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const M = "mandatory";
const A = "advisory";
const P = "nodes-hardened";

const imds = (httpTokens: unknown, httpPutResponseHopLimit: unknown) => ({ httpEndpoint: "enabled", httpTokens, httpPutResponseHopLimit });
const root = (encrypted: unknown) => [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted } }];

describe("nodes-hardened (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        report = await run([
            res(LT, "hardened", { metadataOptions: imds("required", 1), blockDeviceMappings: root("true") }),
            res(LT, "imdsv1", { metadataOptions: imds("optional", 2), blockDeviceMappings: root(false) }),
            res(LT, "no-volumes", { metadataOptions: imds("required", 1) }),
            res(LT, "lt-preview", { metadataOptions: U, blockDeviceMappings: root(true) }),
            res(NG, "from-template", { clusterName: "c", launchTemplate: { id: U, version: "$Latest" } }),
            res(NG, "eks-defaults", { clusterName: "c", diskSize: 50 }),
            res(EC2, "bastion", { ami: "ami-1", instanceType: "t3.micro", metadataOptions: imds("required", 1), rootBlockDevice: { encrypted: false }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] }),
            res(NC, "default", {
                apiVersion: "karpenter.k8s.aws/v1",
                kind: "EC2NodeClass",
                spec: { amiSelectorTerms: [{ alias: "al2023@v20250101" }], metadataOptions: imds("required", 1), blockDeviceMappings: root(true) },
            }, { untagged: true }),
            res(NC, "karpenter-defaults", { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", spec: { amiSelectorTerms: [{ alias: "al2023@v20250101" }], blockDeviceMappings: root(true) } }, { untagged: true }),
            res(NC, "custom-ami", { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", spec: { amiFamily: "Custom", amiSelectorTerms: [{ id: "ami-0123" }] } }, { untagged: true }),
            res(LT, "with-ephemeral", { metadataOptions: imds("required", 1), blockDeviceMappings: [...root("true"), { deviceName: "/dev/sdb", virtualName: "ephemeral0" }] }),
            res(EC2, "worker-preview", { ami: "ami-1", instanceType: "t3.micro", metadataOptions: imds("required", 1), rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: U }] }),
            res(NC, "loose", { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", spec: { amiSelectorTerms: [{ alias: "al2023@v20250101" }], metadataOptions: imds("required", 2) } }, { untagged: true }),
        ]);
    });

    it("accepts IMDSv2-only, hop-limit-1, encrypted launch templates, node groups that use one, and Karpenter's defaults", () => {
        for (const [t, n] of [[LT, "hardened"], [NG, "from-template"], [NC, "default"], [NC, "karpenter-defaults"]]) expectClean(report, P, urn(t, n));
    });
    it("flags IMDSv1, a hop limit pods cross and an unencrypted root volume on a launch template", () =>
        expectFindings(report, P, urn(LT, "imdsv1"), [
            [M, 'ec2 launch template imdsv1 must require IMDSv2: set metadataOptions.httpTokens to "required"; it is "optional"'],
            [M, "ec2 launch template imdsv1 must keep instance metadata from pods: set metadataOptions.httpPutResponseHopLimit to 1; it is 2 (pods use IRSA, not the node's role)"],
            [M, "ec2 launch template imdsv1 must encrypt blockDeviceMappings[0] (/dev/xvda): set ebs.encrypted to true; it is false"],
        ]));
    it("flags a launch template that declares no volume (the AMI's default is encrypted only by account default)", () =>
        expectFindings(report, P, urn(LT, "no-volumes"), [
            [M, 'ec2 launch template no-volumes must declare its root volume encrypted (blockDeviceMappings: the root device with ebs.encrypted "true"); without it the AMI\'s default volume is used, encrypted only if the account\'s EBS default encryption is on'],
        ]));
    it("flags a managed node group on EKS's defaults and an instance with an unencrypted root", () => {
        expectFindings(report, P, urn(NG, "eks-defaults"), [[M, "eks node group eks-defaults must launch from a launch template that requires IMDSv2 and encrypts its volumes (set launchTemplate); EKS's default leaves the hop limit at 2"]]);
        expectFindings(report, P, urn(EC2, "bastion"), [[M, "ec2 instance bastion must encrypt its root volume: set rootBlockDevice.encrypted to true; it is false"]]);
    });
    it("flags a Karpenter EC2NodeClass with hop limit 2; a Custom AMI family must declare its volumes (Karpenter's own families default to an encrypted root)", () => {
        expectFindings(report, P, urn(NC, "loose"), [[M, "kubernetes ec2node class loose must keep instance metadata from pods: set spec.metadataOptions.httpPutResponseHopLimit to 1; it is 2 (pods use IRSA, not the node's role)"]]);
        expectFindings(report, P, urn(NC, "custom-ami"), [
            [M, 'kubernetes ec2node class custom-ami must declare its root volume encrypted (spec.blockDeviceMappings: the root device with ebs.encrypted "true"); without it the AMI\'s default volume is used, encrypted only if the account\'s EBS default encryption is on'],
        ]);
    });
    it("skips instance-store mappings and only advises nothing on unknown encryption", () => {
        expectClean(report, P, urn(LT, "with-ephemeral"));
        expectClean(report, P, urn(EC2, "worker-preview"));
    });
    it("only advises when the metadata options are unknown in preview", () =>
        expectFindings(report, P, urn(LT, "lt-preview"), [[A, "ec2 launch template lt-preview metadataOptions cannot be verified during preview (unknown)"]]));
});
