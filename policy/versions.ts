/**
 * Version guardrails: a version the program resolved at deploy (nothing pinned) is fine while a
 * stack is being built, but a production stack must say which version it runs, so a later `up`
 * never depends on what AWS happens to offer that day. Resources carry the tag
 * `version-source: resolved` when their version was resolved (components/data/aurora.ts).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { UNKNOWN, at, resourceView } from "./lib/props";

interface VersionsConfig {
    environments: string[];
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
        const tags = at(r.props, "tags");
        if (!tags || tags === UNKNOWN || typeof tags !== "object") return;
        const t = tags as Record<string, unknown>;
        if (t["version-source"] !== "resolved") return;
        if (!args.getConfig<VersionsConfig>().environments.includes(String(t.environment ?? ""))) return;
        const version = at(r.props, "engineVersion");
        const shown = typeof version === "string" ? ` "${version}"` : "";
        report(
            `${describe(r)} must run a pinned engine version in ${String(t.environment)}; it uses the version resolved at deploy${shown}: pin it in the stack file (for Aurora, mall:auroraEngineVersion${shown ? `:${shown}` : ""})`,
            r.urn,
        );
    },
};
