/** EKS guardrails: a private-by-default control plane with encrypted secrets and audit logs. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { coversAll, parseCidr } from "./lib/cidr";
import { describe } from "./lib/checks";
import { resourcePolicy } from "./lib/define";
import { UNKNOWN, advise, at, list, show, str } from "./lib/props";

interface EksConfig {
    requiredLogTypes: string[];
    requirePrivateEndpoint: boolean;
}

/**
 * Input names per cluster flavour: `aws.eks.Cluster` nests endpoint settings in `vpcConfig` and
 * encryption in `encryptionConfig`; the `@pulumi/eks` v4 component (`eks:index:Cluster`) takes
 * them flat (`endpointPublicAccess`, `publicAccessCidrs`, `encryptionConfigKeyArn`). Both default
 * the public endpoint to on, and AWS defaults its allowed CIDRs to 0.0.0.0/0.
 */
const INPUTS = {
    "aws:eks/cluster:Cluster": { publicAccess: "vpcConfig.endpointPublicAccess", privateAccess: "vpcConfig.endpointPrivateAccess", cidrs: "vpcConfig.publicAccessCidrs" },
    "eks:index:Cluster": { publicAccess: "endpointPublicAccess", privateAccess: "endpointPrivateAccess", cidrs: "publicAccessCidrs" },
} as const;

export const eksClusterHardened: ResourceValidationPolicy = resourcePolicy<EksConfig>({
    name: "eks-cluster-hardened",
    description: "Checks that EKS clusters keep the public endpoint off or restricted, encrypt secrets with KMS and send control-plane logs.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requiredLogTypes: {
                type: "array",
                items: { type: "string", enum: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
                default: ["api", "audit", "authenticator"],
                description: "Control-plane log types that must be enabled.",
            },
            requirePrivateEndpoint: {
                type: "boolean",
                default: true,
                description: "Require the private API endpoint, so nodes and operators in the VPC never leave it to reach the control plane.",
            },
        },
    },
    types: Object.keys(INPUTS),
    check: (r, config, report) => {
        const name = "eks-cluster-hardened";
        const inputs = INPUTS[r.type as keyof typeof INPUTS];

        const pub = at(r.props, inputs.publicAccess);
        if (pub === UNKNOWN) advise(report, name, `${describe(r)} ${inputs.publicAccess} cannot be verified during preview (unknown)`, r.urn);
        else if (pub !== false) {
            const cidrs = list(r.props, inputs.cidrs);
            if (cidrs === UNKNOWN) advise(report, name, `${describe(r)} ${inputs.cidrs} cannot be verified during preview (unknown)`, r.urn);
            else {
                const ranges = cidrs.map(str).filter((s): s is string => !!s).map(parseCidr).filter((x) => !!x);
                if (cidrs.length === 0) {
                    report(`${describe(r)} must turn ${inputs.publicAccess} off or restrict ${inputs.cidrs}; its public endpoint is open to 0.0.0.0/0 (the default)`, r.urn);
                } else if (coversAll(ranges, 4)) {
                    report(`${describe(r)} must not open its public endpoint to the whole internet; ${inputs.cidrs} is ${show(cidrs)}`, r.urn);
                }
            }
        }

        // Both flavours default the private endpoint to off: nodes would then reach the API over the internet.
        if (config.requirePrivateEndpoint) {
            const priv = at(r.props, inputs.privateAccess);
            if (priv === UNKNOWN) advise(report, name, `${describe(r)} ${inputs.privateAccess} cannot be verified during preview (unknown)`, r.urn);
            else if (priv !== true) report(`${describe(r)} must set ${inputs.privateAccess} to true; it is ${show(priv)}`, r.urn);
        }

        if (r.type === "eks:index:Cluster") {
            if (at(r.props, "encryptionConfigKeyArn") === undefined) {
                report(`${describe(r)} must encrypt secrets with KMS: set encryptionConfigKeyArn; it is unset`, r.urn);
            }
        } else {
            const configs = list(r.props, "encryptionConfig");
            if (configs !== UNKNOWN) {
                const secrets = configs.some((c) => {
                    const res = list(c, "resources");
                    return (res === UNKNOWN || res.includes("secrets")) && at(c, "provider.keyArn") !== undefined;
                });
                if (!secrets) report(`${describe(r)} must encrypt secrets with KMS: set encryptionConfig with resources ["secrets"] and provider.keyArn; it is ${show(at(r.props, "encryptionConfig"))}`, r.urn);
            }
        }

        const logs = list(r.props, "enabledClusterLogTypes");
        if (logs === UNKNOWN) advise(report, name, `${describe(r)} enabledClusterLogTypes cannot be verified during preview (unknown)`, r.urn);
        else {
            const missing = config.requiredLogTypes.filter((t) => !logs.includes(t));
            if (missing.length > 0) report(`${describe(r)} must enable control-plane logs ${missing.join(", ")}; enabledClusterLogTypes is ${show(at(r.props, "enabledClusterLogTypes"))}`, r.urn);
        }
    },
});
