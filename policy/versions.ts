/**
 * Version guardrails: a version the program resolved at deploy (nothing pinned) is fine while a
 * stack is being built, but a production stack must say which version it runs, so a later `up`
 * never depends on what AWS happens to offer that day. Resources carry the tag
 * `version-source: resolved` when their version was resolved (components/data/aurora.ts, the EKS
 * add-ons in components/eks/addons.ts). Karpenter's nodes follow the same rule: an EC2NodeClass on
 * `al2023@latest` in production takes whatever AMI AWS publishes next (and drift replaces every
 * node with it), so production pins the version a non-production environment ran (security S18).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { at, resourceView, tags } from "./lib/props";

interface VersionsConfig {
    environments: string[];
}

const EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

/** An EC2NodeClass whose AMI alias floats (`<family>@latest`) in a pinned environment (its nodes' `environment` tag). */
function nodeClassPinned(r: ReturnType<typeof resourceView>, config: VersionsConfig, report: (message: string, urn?: string) => void): void {
    const environment = String(at(r.props, "spec.tags.environment") ?? "");
    if (!config.environments.includes(environment)) return;
    const terms = at(r.props, "spec.amiSelectorTerms");
    if (!Array.isArray(terms)) return;
    for (const term of terms as { alias?: unknown }[]) {
        if (typeof term?.alias === "string" && term.alias.endsWith("@latest")) {
            const family = term.alias.split("@")[0];
            report(
                `${describe(r)} must run a pinned AMI in ${environment}; its alias "${term.alias}" takes whatever AMI AWS publishes next: pin the version a non-production environment ran (mall:karpenterAmiAlias: "${family}@vYYYYMMDD", its nodes' image version)`,
                r.urn,
            );
        }
    }
}

export const versionsPinned: ResourceValidationPolicy = {
    name: "versions-pinned",
    description: "Checks that production resources run a pinned engine version, not one resolved at deploy (tag version-source: resolved).",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            environments: { type: "array", items: { type: "string" }, default: ["production"], description: "Values of the environment tag whose resources must pin their versions." },
        },
    },
    validateResource: (args, report) => {
        const r = resourceView(args);
        if (r.type === EC2_NODE_CLASS) return nodeClassPinned(r, args.getConfig<VersionsConfig>(), report);
        const t = tags(r.props);
        if (t["version-source"] !== "resolved") return;
        if (!args.getConfig<VersionsConfig>().environments.includes(t.environment ?? "")) return;
        const addon = r.type === "aws:eks/addon:Addon";
        const version = at(r.props, addon ? "addonVersion" : "engineVersion");
        const shown = typeof version === "string" ? ` "${version}"` : "";
        const key = addon ? `mall:eksAddonVersions.${String(at(r.props, "addonName") ?? "<add-on>")}` : "mall:auroraEngineVersion";
        report(
            `${describe(r)} must run a pinned ${addon ? "add-on" : "engine"} version in ${t.environment}; it uses the version resolved at deploy${shown}: pin it in the stack file (${key}${shown ? `:${shown}` : ""})`,
            r.urn,
        );
    },
};
