/**
 * Finds the project's stacks (Pulumi.<stack>.yaml beside Pulumi.yaml), builds each stack's config
 * exactly as the engine passes it to the program and the policy pack (project-level config merged
 * under stack config, "ns:key" -> string, structured values as JSON), and orders stacks so every
 * primary is planned before the secondaries that reference it, production's environment first.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { DEFAULT_DSQL_WITNESS, DSQL_WITNESS_KEY } from "../../stacks/settings/data";
import { ENVIRONMENTS_KEY, PRODUCTION, REGISTRY_KEY, inRegistryOrder, registryKey, secondariesBefore, stackName } from "../../stacks/settings/registry";

export interface StackFile {
    readonly stack: string;
    readonly file: string;
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    /** Stack names this stack references: mall:primaryStack and, full mesh, the secondaries registered before it. */
    readonly dependsOn: string[];
    /** `mall:environment` (production when unset): the registry, names and stack references it uses are that environment's. */
    readonly environment: string;
}

export interface Project {
    readonly name: string;
    readonly dir: string;
    readonly stacks: StackFile[];
}

/**
 * A config value as Pulumi hands it to the program: strings as they are, structured values as JSON
 * with every object's keys sorted (the CLI reads YAML into Go maps and json.Marshal sorts map keys:
 * pulumi/pulumi sdk/go/common/resource/config/value.go), so the file's key order never reaches a
 * real run, and the offline plan must not depend on it either.
 */
export function configValue(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

export function loadProject(dir: string): Project {
    const projectFile = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(projectFile)) throw new Error(`no Pulumi.yaml in ${dir}; run the plan from the project root`);
    const doc = YAML.parse(fs.readFileSync(projectFile, "utf8")) as { name: string; config?: Record<string, unknown> };
    const projectConfig: Record<string, string> = {};
    for (const [key, raw] of Object.entries(doc.config ?? {})) {
        // Project-level config is either `key: value` or `key: { value | default, type, description }`.
        const v = raw && typeof raw === "object" && !Array.isArray(raw) && ("value" in raw || "default" in raw)
            ? ((raw as Record<string, unknown>).value ?? (raw as Record<string, unknown>).default)
            : raw;
        if (v !== undefined) projectConfig[qualify(doc.name, key)] = configValue(v);
    }
    const stacks = fs
        .readdirSync(dir)
        .filter((f) => /^Pulumi\.(.+)\.ya?ml$/.test(f))
        .sort()
        .map((file) => {
            const stack = file.replace(/^Pulumi\.(.+)\.ya?ml$/, "$1");
            const body = (YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")) ?? {}) as { config?: Record<string, unknown> };
            const config = { ...projectConfig };
            const secretKeys: string[] = [];
            for (const [key, v] of Object.entries(body.config ?? {})) {
                const k = qualify(doc.name, key);
                if (v && typeof v === "object" && "secure" in (v as object)) {
                    config[k] = "[secret]";
                    secretKeys.push(k);
                } else {
                    config[k] = configValue(v);
                }
            }
            const primary = config[`${doc.name}:primaryStack`];
            const environment = config[`${doc.name}:environment`] ?? PRODUCTION;
            return {
                stack,
                file,
                config,
                secretKeys,
                environment,
                dependsOn: primary ? [primary.split("/").pop() as string, ...earlierSecondaryStacks(config, environment)] : [],
            };
        });
    return { name: doc.name, dir, stacks };
}

/**
 * The raw registry (region -> { cidr, role }) of `environment` as the stack's config holds it
 * (production's `mall:regions`, the others' `mall:environments.<env>.regions`), in registry order
 * (by CIDR, as the program orders it); undefined when absent or unreadable (the program reports why).
 */
export function environmentRegistry(config: Readonly<Record<string, string>>, environment: string): Record<string, { cidr?: string; role?: string }> | undefined {
    try {
        const raw =
            environment === PRODUCTION
                ? (JSON.parse(config[REGISTRY_KEY] ?? "null") as unknown)
                : ((JSON.parse(config[ENVIRONMENTS_KEY] ?? "null") as Record<string, { regions?: unknown }> | null)?.[environment]?.regions as unknown);
        return raw && typeof raw === "object" && !Array.isArray(raw) ? inRegistryOrder(raw as Record<string, { cidr?: string; role?: string }>) : undefined;
    } catch {
        return undefined;
    }
}

/** The secondaries registered before this stack's region, as their stacks in its environment. */
function earlierSecondaryStacks(config: Record<string, string>, environment: string): string[] {
    const registry = environmentRegistry(config, environment) ?? {};
    return secondariesBefore(Object.entries(registry).map(([name, v]) => ({ name, role: v?.role })), config["aws:region"] ?? "").map((r) => stackName(environment, r));
}

/**
 * What no single stack can see, checked across the project's stack files before anything is
 * planned: every registered region of an environment has its stack file, and evacuation never
 * takes every region of an environment out of service.
 */
export function projectProblems(project: Project): string[] {
    const problems: string[] = [];
    for (const environment of environmentsOf(project)) {
        const stacks = project.stacks.filter((s) => s.environment === environment);
        const registry = stacks.map((s) => environmentRegistry(s.config, environment)).find((r) => r !== undefined);
        if (!registry) continue; // each stack's own config check names what is missing
        const key = registryKey(environment);
        const regions = Object.keys(registry);
        for (const region of regions) {
            const name = stackName(environment, region);
            if (!stacks.some((s) => s.stack === name)) {
                problems.push(`${key}.${region} has no stack: add Pulumi.${name}.yaml (copy a secondary's and set aws:region: ${region}), or remove the entry`);
            }
        }
        // Both linked DSQL clusters (the primary and the first secondary) must name one witness, and
        // each stack reads its own mall:dsqlWitnessRegion.
        const entries = Object.entries(registry);
        const pair = [entries.find(([, v]) => v?.role === "primary"), entries.find(([, v]) => v?.role === "secondary")].flatMap((e) => (e ? [stackName(environment, e[0])] : []));
        const witnesses = pair.flatMap((name) => stacks.filter((s) => s.stack === name)).map((s) => ({ stack: s.stack, witness: s.config[DSQL_WITNESS_KEY] ?? DEFAULT_DSQL_WITNESS }));
        if (witnesses.length === 2 && witnesses[0].witness !== witnesses[1].witness) {
            problems.push(
                `${DSQL_WITNESS_KEY} differs between the linked DSQL clusters' stacks (${witnesses.map((w) => `Pulumi.${w.stack}.yaml: ${w.witness}`).join(", ")}); both must name the same witness: set one value in both files`,
            );
        }
        const evacuated = stacks.filter((s) => s.config["mall:evacuate"] === "true").map((s) => s.stack);
        if (regions.length > 0 && regions.every((r) => evacuated.includes(stackName(environment, r)))) {
            problems.push(`every region of ${environment} is evacuated (mall:evacuate: true in ${evacuated.map((s) => `Pulumi.${s}.yaml`).join(", ")}): nothing would serve; return at least one region (mall:evacuate: false)`);
        }
    }
    return problems;
}

/** The project's environments, production first, then in name order. */
export function environmentsOf(project: Project): string[] {
    return [...new Set(project.stacks.map((s) => s.environment))].sort((a, b) => (a === PRODUCTION ? -1 : b === PRODUCTION ? 1 : a.localeCompare(b)));
}

/**
 * The stacks to plan, dependencies first. With `only`, that stack and what it transitively
 * references. A reference to a stack with no file is an error naming both.
 */
export function planOrder(project: Project, only?: string): StackFile[] {
    const byName = new Map(project.stacks.map((s) => [s.stack, s]));
    if (only !== undefined && !byName.has(only)) {
        throw new Error(`no stack "${only}": there is no Pulumi.${only}.yaml (stacks: ${[...byName.keys()].join(", ")})`);
    }
    const ordered: StackFile[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (name: string, from?: string) => {
        const s = byName.get(name);
        if (!s) throw new Error(`stack "${from}" references stack "${name}" (mall:primaryStack, or a secondary registered before it in its environment's registry), but there is no Pulumi.${name}.yaml`);
        if (state.get(name) === "done") return;
        if (state.get(name) === "visiting") throw new Error(`stack references form a cycle through "${name}"`);
        state.set(name, "visiting");
        for (const d of s.dependsOn) visit(d, name);
        state.set(name, "done");
        ordered.push(s);
    };
    const environments = environmentsOf(project);
    const byEnvironment = [...byName.values()].sort((a, b) => environments.indexOf(a.environment) - environments.indexOf(b.environment));
    for (const name of only ? [only] : byEnvironment.map((s) => s.stack)) visit(name);
    return ordered;
}
