/**
 * Node hardening on every path that launches nodes: launch templates, managed node groups,
 * instances and Karpenter's EC2NodeClass must require IMDSv2 with a hop limit pods cannot cross,
 * and encrypt every EBS volume they declare.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { resourcePolicy } from "./lib/define";
import { ResourceView, UNKNOWN, advise, at, list, show } from "./lib/props";

interface NodesConfig {
    maxHopLimit: number;
}

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const INSTANCE = "aws:ec2/instance:Instance";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

const isTrue = (v: unknown) => v === true || v === "true";

/** IMDSv2 required, hop limit ≤ max: `path` is the metadata options block; `defaults` what the launcher assumes when a field is absent. */
function metadataProblems(r: ResourceView, path: string, max: number, report: (m: string) => void, defaults: { tokens?: string; hops?: number } = {}): void {
    const tokens = at(r.props, `${path}.httpTokens`);
    const hops = at(r.props, `${path}.httpPutResponseHopLimit`);
    if (tokens !== UNKNOWN && (tokens ?? defaults.tokens) !== "required") report(`${describe(r)} must require IMDSv2: set ${path}.httpTokens to "required"; it is ${show(tokens)}`);
    const h = hops ?? defaults.hops;
    if (hops !== UNKNOWN && (typeof h !== "number" || h > max)) {
        report(`${describe(r)} must keep instance metadata from pods: set ${path}.httpPutResponseHopLimit to ${max}; it is ${show(hops)} (pods use IRSA, not the node's role)`);
    }
}

/** Every declared EBS volume encrypted (`ebs.encrypted`), and at least one declared (the root). */
function volumeProblems(r: ResourceView, path: string, report: (m: string) => void): void {
    const volumes = list(r.props, path);
    if (volumes === UNKNOWN) return;
    if (volumes.length === 0) {
        report(`${describe(r)} must declare its root volume encrypted (${path}: the root device with ebs.encrypted "true"); without it the AMI's default volume is used, encrypted only if the account's EBS default encryption is on`);
        return;
    }
    volumes.forEach((v, i) => {
        // Instance-store and suppressed (noDevice) mappings carry no EBS volume.
        if (at(v, "ebs") === undefined) return;
        const enc = at(v, "ebs.encrypted");
        if (enc !== UNKNOWN && !isTrue(enc)) report(`${describe(r)} must encrypt ${path}[${i}] (${String(at(v, "deviceName") ?? "volume")}): set ebs.encrypted to true; it is ${show(enc)}`);
    });
}

export const nodesHardened: ResourceValidationPolicy = resourcePolicy<NodesConfig>({
    name: "nodes-hardened",
    description:
        "Checks that launch templates, EC2 instances and Karpenter EC2NodeClasses require IMDSv2 with a hop limit pods cannot cross and encrypt every EBS volume, and that managed node groups launch from a launch template.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 1, description: "Highest IMDS hop limit allowed (1: only the node itself, not its pods, reaches instance metadata)." },
        },
    },
    types: [LAUNCH_TEMPLATE, NODE_GROUP, INSTANCE, NODE_CLASS],
    check: (r, config, report) => {
        const say = (m: string) => report(m, r.urn);
        const P = "nodes-hardened";
        if (r.type === LAUNCH_TEMPLATE) {
            if (at(r.props, "metadataOptions") === UNKNOWN) return advise(report, P, `${describe(r)} metadataOptions cannot be verified during preview (unknown)`, r.urn);
            metadataProblems(r, "metadataOptions", config.maxHopLimit, say);
            volumeProblems(r, "blockDeviceMappings", say);
        } else if (r.type === INSTANCE) {
            metadataProblems(r, "metadataOptions", config.maxHopLimit, say);
            const root = at(r.props, "rootBlockDevice.encrypted");
            if (root !== UNKNOWN && !isTrue(root)) say(`${describe(r)} must encrypt its root volume: set rootBlockDevice.encrypted to true; it is ${show(root)}`);
            const extra = list(r.props, "ebsBlockDevices");
            if (extra !== UNKNOWN) {
                extra.forEach((v, i) => {
                    const enc = at(v, "encrypted");
                    if (enc !== UNKNOWN && !isTrue(enc)) say(`${describe(r)} must encrypt ebsBlockDevices[${i}]: set encrypted to true; it is ${show(enc)}`);
                });
            }
        } else if (r.type === NODE_GROUP) {
            // Without a launch template EKS launches with its defaults (IMDS reachable from pods: hop limit 2).
            const lt = at(r.props, "launchTemplate");
            if (lt === undefined) say(`${describe(r)} must launch from a launch template that requires IMDSv2 and encrypts its volumes (set launchTemplate); EKS's default leaves the hop limit at 2`);
        } else {
            // Karpenter v1 defaults: httpTokens required, hop limit 1 (the EC2NodeClass CRD's defaults),
            // and for its own AMI families (an alias: al2023, bottlerocket …) a 20Gi gp3 root volume
            // with Encrypted true (amifamily DefaultEBS); only a Custom AMI family needs its volumes declared.
            metadataProblems(r, "spec.metadataOptions", config.maxHopLimit, say, { tokens: "required", hops: 1 });
            const custom = at(r.props, "spec.amiFamily") === "Custom";
            if (custom || at(r.props, "spec.blockDeviceMappings") !== undefined) volumeProblems(r, "spec.blockDeviceMappings", say);
        }
    },
});
