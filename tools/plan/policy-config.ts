/**
 * `--policy-config <file.json>` checked against the pack before anything is planned: the file
 * `pulumi preview --policy-pack-config` takes (policy name -> a level, or an object of the policy's
 * config with an optional `enforcementLevel`), where an unknown policy, an invalid level or a
 * misspelt knob would otherwise be ignored silently. Also what the PR comment shows of it: every
 * override in effect, downgrades of a mandatory policy flagged.
 */
import * as fs from "fs";
import { PackPolicy, PolicyConfig } from "../analyzer";
import { EnforcementLevel } from "./contract";
import { closest } from "../../stacks/settings/reader";

export const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's override, as the comment lists it. */
export interface PolicyOverride {
    readonly policy: string;
    /** The pack's level. */
    readonly from: EnforcementLevel;
    /** The level it runs at. */
    readonly to: EnforcementLevel;
    /** Config values set, key -> JSON. */
    readonly config: Record<string, string>;
    /**
     * A mandatory policy made advisory or disabled, or run with settings other than the pack's
     * defaults (which can narrow what it checks): a guardrail weakened or changed for this run.
     */
    readonly downgrade: boolean;
    /** Why `downgrade`: "level lowered" or "settings differ from the pack's defaults". */
    readonly reason?: string;
}

export interface CheckedPolicyConfig {
    readonly config: PolicyConfig;
    readonly overrides: PolicyOverride[];
}

/** "; did you mean X?" for the closest candidate (stacks/settings/reader.ts `closest`), or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
    const best = closest(word, candidates, Math.max(2, Math.floor(word.length / 3)))[0];
    return best !== undefined ? `; did you mean ${best}?` : "";
}

function typeProblem(value: unknown, schema: Record<string, unknown>, where: string): string | undefined {
    const type = schema.type;
    const is: Record<string, (v: unknown) => boolean> = {
        number: (v) => typeof v === "number" && Number.isFinite(v),
        integer: (v) => Number.isInteger(v),
        string: (v) => typeof v === "string",
        boolean: (v) => typeof v === "boolean",
        array: (v) => Array.isArray(v),
        object: (v) => !!v && typeof v === "object" && !Array.isArray(v),
    };
    if (typeof type === "string" && is[type] && !is[type](value)) return `${where} must be ${type === "array" || type === "integer" ? "an" : "a"} ${type}; it is ${JSON.stringify(value)}`;
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return `${where} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}; it is ${JSON.stringify(value)}`;
    if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) return `${where} must be at least ${schema.minimum}; it is ${value}`;
    if (typeof value === "number" && typeof schema.maximum === "number" && value > schema.maximum) return `${where} must be at most ${schema.maximum}; it is ${value}`;
    if (Array.isArray(value) && schema.items && typeof schema.items === "object") {
        for (const [i, item] of value.entries()) {
            const p = typeProblem(item, schema.items as Record<string, unknown>, `${where}[${i}]`);
            if (p) return p;
        }
    }
    return undefined;
}

/**
 * Checks a parsed policy config against the pack's policies; throws listing every problem (each
 * with the fix) or answers the config and the overrides it puts in effect.
 */
export function checkPolicyConfig(raw: unknown, policies: readonly PackPolicy[], file = "--policy-config"): CheckedPolicyConfig {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${file} must be a JSON object of policy name -> a level (${LEVELS.join(", ")}) or an object of the policy's config`);
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    const config: Record<string, PolicyConfig[string]> = {};
    const overrides: PolicyOverride[] = [];
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        const policy = byName.get(name);
        if (!policy) {
            problems.push(`"${name}" is not a policy of the pack${didYouMean(name, [...byName.keys()])} (docs/policies.md lists them)`);
            continue;
        }
        const body: Record<string, unknown> = typeof value === "string" ? { enforcementLevel: value } : value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { enforcementLevel: value };
        const level = body.enforcementLevel;
        if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
            problems.push(`${name}: ${JSON.stringify(level)} is not an enforcement level; use one of ${LEVELS.join(", ")}`);
            continue;
        }
        const properties = policy.configSchema?.properties ?? {};
        const knobs: Record<string, string> = {};
        for (const [key, v] of Object.entries(body)) {
            if (key === "enforcementLevel") continue;
            const schema = properties[key];
            if (!schema) {
                const known = Object.keys(properties);
                problems.push(`${name}.${key} is not a setting of the policy${didYouMean(key, known)} (${known.length > 0 ? `its settings: ${known.join(", ")}` : "it takes none"})`);
                continue;
            }
            const p = typeProblem(v, schema, `${name}.${key}`);
            if (p) problems.push(p);
            else knobs[key] = JSON.stringify(v);
        }
        const to = (level as EnforcementLevel | undefined) ?? policy.level;
        config[name] = body as PolicyConfig[string];
        const lowered = policy.level === "mandatory" && (to === "advisory" || to === "disabled");
        const differs = policy.level === "mandatory" && Object.keys(knobs).some((k) => JSON.stringify(properties[k]?.default) !== knobs[k]);
        const reason = lowered ? "level lowered" : differs ? "settings differ from the pack's defaults" : undefined;
        overrides.push({ policy: name, from: policy.level, to, config: knobs, downgrade: lowered || differs, ...(reason ? { reason } : {}) });
    }
    if (problems.length > 0) {
        throw new Error(`${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was planned:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    return { config, overrides: overrides.sort((a, b) => (a.policy < b.policy ? -1 : 1)) };
}

/** Reads and parses the file; the JSON error names it. */
export function readPolicyConfigFile(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new Error(`--policy-config ${file} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new Error(`--policy-config ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
}
