/**
 * Compares two offline plans (DESIGN §3) resource by resource, keyed by URN, so a refactor can be
 * shown to leave the plan identical and a change can be reviewed as the engine would see it.
 * Pure apart from `diffPlanDirs` reading the files; the output is sorted so it diffs and snapshots
 * cleanly.
 */
import * as fs from "fs";
import * as path from "path";
import { PlannedResource, StackPlan } from "./contract";
import { FORCE_NEW, FORCE_NEW_WHEN, KUBERNETES_FORCE_NEW, regionForcesNew } from "./force-new";

/** A resource present on both sides whose recorded registration differs. */
export interface ChangedResource {
    readonly urn: string;
    /**
     * What differs, sorted: `type`, `parent`, `provider`, `protect`, `dependencies`,
     * `inputs.<top-level key>`, `propertyDependencies.<key>`.
     */
    readonly keys: string[];
    /**
     * The changed inputs the provider cannot update in place (ForceNew, tools/plan/force-new.ts),
     * as dotted input paths: the engine replaces the resource. Absent when none.
     */
    readonly replaces?: string[];
    /**
     * Replaced resources whose new ids this one reads (its `propertyDependencies`): the plan's mock
     * ids do not change with a replacement, a real preview's do. Absent when none.
     */
    readonly cascadeFrom?: string[];
}

/** One stack planned on both sides. */
export interface StackDiff {
    readonly stack: string;
    readonly added: string[];
    readonly removed: string[];
    readonly changed: ChangedResource[];
    /** Changed resources the engine replaces (delete and create), by URN. */
    readonly replaced: string[];
    /** `protect`ed resources removed or replaced: what `pulumi up` would refuse, or lose. */
    readonly protectedLost: string[];
}

/** Two `.plan/` directories compared; written as JSON by `plan-diff --json`. */
export interface PlanDiff {
    /** Stacks planned on both sides, by name; including those without differences. */
    readonly stacks: StackDiff[];
    /** Stacks with a plan only in the base (removed, or whose head plan failed). */
    readonly onlyInBase: string[];
    readonly onlyInHead: string[];
}

/** Code-point order, so the output does not depend on the machine's locale. */
export function byCodePoint(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * JSON with object keys sorted: the plan files are JSON, so two values are the same exactly when
 * they would be written the same, whatever order the program built their keys in (an undefined
 * member and a missing one are alike, as in the file).
 */
function canonical(value: unknown): string | undefined {
    return JSON.stringify(value, (_key, v: unknown) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byCodePoint(a, b)))
            : v,
    );
}

/** The engine treats dependency lists as sets; their order follows await order, which carries no meaning. */
function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
    const x = [...new Set(a ?? [])].sort(byCodePoint);
    const y = [...new Set(b ?? [])].sort(byCodePoint);
    return x.length === y.length && x.every((u, i) => u === y[i]);
}

function changedKeys(base: PlannedResource, head: PlannedResource): string[] {
    const keys: string[] = [];
    for (const field of ["type", "parent", "provider", "protect"] as const) {
        if (base[field] !== head[field]) keys.push(field);
    }
    if (!sameSet(base.dependencies, head.dependencies)) keys.push("dependencies");
    const inputs = new Set([...Object.keys(base.inputs ?? {}), ...Object.keys(head.inputs ?? {})]);
    for (const k of inputs) {
        if (canonical(base.inputs?.[k]) !== canonical(head.inputs?.[k])) keys.push(`inputs.${k}`);
    }
    const props = new Set([...Object.keys(base.propertyDependencies ?? {}), ...Object.keys(head.propertyDependencies ?? {})]);
    for (const k of props) {
        if (!sameSet(base.propertyDependencies?.[k], head.propertyDependencies?.[k])) keys.push(`propertyDependencies.${k}`);
    }
    return keys.sort(byCodePoint);
}

/** The values at a dotted input path, through lists (`ebsOptions.volumeType` of every block). */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
    if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
    if (path.length === 0) return [value];
    if (!value || typeof value !== "object") return [];
    return valuesAt((value as Record<string, unknown>)[path[0]], path.slice(1));
}

/** Whether the ForceNew table covers a type (every Kubernetes kind has the generic rule). */
export function replacementModelled(type: string): boolean {
    return type.startsWith("kubernetes:") || type.startsWith("pulumi:") || FORCE_NEW[type] !== undefined;
}

/** The resource type of a URN (the last of its type chain). */
export function urnType(urn: string): string {
    return (urn.split("::")[2] ?? "").split("$").pop() ?? "";
}

/** The fields of a type whose change makes the engine replace it. */
export function forceNewFields(type: string): readonly string[] {
    if (type.startsWith("kubernetes:")) return [...KUBERNETES_FORCE_NEW, ...(FORCE_NEW[type]?.fields ?? [])];
    return FORCE_NEW[type]?.fields ?? [];
}

/**
 * The ForceNew fields whose value differs between two registrations of a resource, as dotted
 * input paths, under each conditional field's condition (`FORCE_NEW_WHEN`; `region` against the
 * stack's own). An input under `ignoreChanges` on the head is left alone by the engine, so it never
 * replaces.
 */
export function replacingFields(base: PlannedResource, head: PlannedResource, region?: string): string[] {
    const ignored = new Set(head.ignoreChanges ?? []);
    const when = FORCE_NEW_WHEN[head.type] ?? {};
    // The replaceOnChanges option: "*" is every input; a path is one input.
    if (head.replaceOnChanges?.includes("*") && canonical(base.inputs) !== canonical(head.inputs)) return ["*"];
    return [...new Set([...forceNewFields(head.type), ...(head.replaceOnChanges ?? [])])]
        .filter((field) => !ignored.has(field) && !ignored.has(field.split(".")[0]))
        .filter((field) => {
            const before = valuesAt(base.inputs, field.split("."));
            const after = valuesAt(head.inputs, field.split("."));
            if (canonical(before) === canonical(after)) return false;
            const one = (xs: unknown[]) => (xs.length <= 1 ? xs[0] : xs);
            if (field === "region" && head.type.startsWith("aws:")) return regionForcesNew(one(before), one(after), region);
            const condition = when[field];
            return condition ? condition(one(before), one(after), { before: base.inputs, after: head.inputs, region }) : true;
        })
        .sort(byCodePoint);
}

function byUrn(plan: StackPlan): Map<string, PlannedResource> {
    const map = new Map<string, PlannedResource>();
    for (const r of plan.resources) {
        // The engine rejects a second registration of a URN, so a duplicate means a broken plan file;
        // picking one of the two would hide whatever the other says.
        if (map.has(r.urn)) throw new Error(`stack ${plan.stack} records ${r.urn} twice; re-run the plan that wrote it (npm run plan)`);
        map.set(r.urn, r);
    }
    return map;
}

/**
 * The differences between two plans of the same stack: resources added and removed by URN, and for
 * those on both sides, which of type, parent, provider, protect, inputs (per top-level key),
 * propertyDependencies (per key) and dependencies changed. Outputs and policy findings are not
 * compared: outputs reach other stacks only through their inputs, which are.
 */
export function diffStackPlans(base: StackPlan, head: StackPlan): StackDiff {
    if (base.stack !== head.stack) {
        throw new Error(`cannot diff stack ${base.stack} against stack ${head.stack}: URNs embed the stack name, so every resource would differ; pass two plans of one stack`);
    }
    const before = byUrn(base);
    const after = byUrn(head);
    // A resource whose `aliases` name a base URN is that resource under a new URN: the engine
    // moves it, so it is compared, not removed and added.
    for (const r of head.resources) {
        const old = r.aliases?.find((a) => before.has(a) && !after.has(a));
        if (old && !before.has(r.urn)) {
            before.set(r.urn, before.get(old)!);
            before.delete(old);
        }
    }
    const added = [...after.keys()].filter((u) => !before.has(u)).sort(byCodePoint);
    const removed = [...before.keys()].filter((u) => !after.has(u)).sort(byCodePoint);
    const changed: ChangedResource[] = [];
    for (const urn of [...after.keys()].filter((u) => before.has(u)).sort(byCodePoint)) {
        const keys = changedKeys(before.get(urn)!, after.get(urn)!);
        if (keys.length === 0) continue;
        const replaces = replacingFields(before.get(urn)!, after.get(urn)!, typeof head.outputs?.region === "string" ? head.outputs.region : undefined);
        changed.push(replaces.length > 0 ? { urn, keys, replaces } : { urn, keys });
    }
    cascade(before, after, changed);
    const replaced = changed.filter((c) => c.replaces).map((c) => c.urn);
    const protectedLost = [
        ...removed.filter((u) => before.get(u)!.protect),
        ...replaced.filter((u) => before.get(u)!.protect || after.get(u)!.protect),
    ].sort(byCodePoint);
    return { stack: head.stack, added, removed, changed, replaced, protectedLost };
}

/**
 * Follows replacements through the inputs that read them: a replaced resource gets a new id (and
 * often ARN), so every input whose value came from it changes; through a ForceNew input that
 * replaces the reader too, and so on. The plan's mock ids are the same on both sides, so recorded
 * inputs alone never show it; a real preview does ("forces replacement" on an unknown value).
 * `changed` is updated in place, sorted by URN.
 */
/** What a replaced resource's id is in a preview: unknown until it exists. */
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function cascade(before: Map<string, PlannedResource>, after: Map<string, PlannedResource>, changed: ChangedResource[]): void {
    const base_ = (urn: string) => before.get(urn)!;
    const entries = new Map(changed.map((c) => [c.urn, c]));
    const replaced = new Set(changed.filter((c) => c.replaces).map((c) => c.urn));
    for (let grew = true; grew; ) {
        grew = false;
        for (const [urn, head] of after) {
            if (!before.has(urn) || replaced.has(urn)) continue;
            const reads = Object.entries(head.propertyDependencies ?? {}).filter(([, urns]) => urns.some((u) => replaced.has(u)));
            if (reads.length === 0) continue;
            const from = [...new Set(reads.flatMap(([, urns]) => urns.filter((u) => replaced.has(u))))].sort(byCodePoint);
            const inputs = reads.map(([k]) => k);
            const ignored = new Set(head.ignoreChanges ?? []);
            // propertyDependencies are per top-level input, so a cascade names the input, not the
            // nested field. A nested path counts only for the provider's own ForceNew blocks (ids in
            // a block, like MSK's client subnets); a nested replaceOnChanges or Kubernetes path could
            // read the replaced resource anywhere else in its object, so it only changes. A field's
            // condition (FORCE_NEW_WHEN) is asked with the new value unknown.
            const when = FORCE_NEW_WHEN[head.type] ?? {};
            const nestedOk = head.type.startsWith("aws:");
            const fields = head.replaceOnChanges?.includes("*")
                ? inputs
                : [...forceNewFields(head.type).filter((f) => nestedOk || !f.includes(".")), ...(head.replaceOnChanges ?? []).filter((f) => !f.includes("."))];
            const applies = (f: string) => {
                if (f === "region") return false;
                const condition = when[f];
                return !condition || condition(valuesAt(base_(urn).inputs, f.split("."))[0], UNKNOWN_VALUE, { before: base_(urn).inputs, after: head.inputs });
            };
            const forcing = [...new Set(fields.filter(applies).map((f) => f.split(".")[0]))].filter((k) => inputs.includes(k) && !ignored.has(k));
            const old = entries.get(urn);
            if (old?.cascadeFrom && old.cascadeFrom.join() === from.join() && (forcing.length === 0 || old.replaces)) continue;
            const keys = [...new Set([...(old?.keys ?? []), ...inputs.map((k) => `inputs.${k}`)])].sort(byCodePoint);
            const replaces = forcing.length > 0 || old?.replaces ? [...new Set([...(old?.replaces ?? []), ...forcing])].sort(byCodePoint) : undefined;
            entries.set(urn, { urn, keys, ...(replaces ? { replaces } : {}), cascadeFrom: from });
            if (replaces) {
                replaced.add(urn);
                grew = true;
            }
        }
    }
    changed.splice(0, changed.length, ...[...entries.values()].sort((a, b) => byCodePoint(a.urn, b.urn)));
}

/** A stack with no plan on one side: everything added (a new stack) or removed (a stack gone). */
export function wholeStackDiff(plan: StackPlan, side: "added" | "removed"): StackDiff {
    const empty: StackPlan = { ...plan, resources: [] };
    return side === "added" ? diffStackPlans(empty, plan) : diffStackPlans(plan, empty);
}

/** Diffs two sets of stack plans, pairing them by stack name. */
export function diffPlans(base: readonly StackPlan[], head: readonly StackPlan[]): PlanDiff {
    const before = new Map(base.map((p) => [p.stack, p]));
    const after = new Map(head.map((p) => [p.stack, p]));
    const names = (m: Map<string, StackPlan>, other: Map<string, StackPlan>) => [...m.keys()].filter((s) => !other.has(s)).sort(byCodePoint);
    return {
        stacks: [...after.keys()].filter((s) => before.has(s)).sort(byCodePoint).map((s) => diffStackPlans(before.get(s)!, after.get(s)!)),
        onlyInBase: names(before, after),
        onlyInHead: names(after, before),
    };
}

/** A parsed JSON value that is a `<stack>.json` contract (other contracts share the directory). */
export function isStackPlan(value: unknown): value is StackPlan {
    const p = value as Partial<StackPlan> | null;
    return !!p && typeof p === "object" && typeof p.stack === "string" && Array.isArray(p.resources);
}

/**
 * The stack plans in a `.plan/` directory. Other contracts live there too (summary.md, diff.json,
 * drills.json, cost.json), so a JSON file counts as a stack plan by its shape, not its name.
 */
export function readPlanDir(dir: string): StackPlan[] {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new Error(`plan directory ${dir} does not exist; write one with npm run plan -- --out ${dir}`);
    }
    const plans: StackPlan[] = [];
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort(byCodePoint)) {
        const full = path.join(dir, file);
        let parsed: unknown;
        try {
            parsed = JSON.parse(fs.readFileSync(full, "utf8"));
        } catch (e) {
            throw new Error(`${full} is not valid JSON (${e instanceof Error ? e.message : String(e)}); re-run the plan that wrote it`);
        }
        if (!isStackPlan(parsed)) continue;
        // Pairing goes by the recorded stack name; a renamed copy would silently pair with the wrong side.
        if (file !== `${parsed.stack}.json`) throw new Error(`${full} holds the plan of stack ${parsed.stack}; name it ${parsed.stack}.json`);
        plans.push(parsed);
    }
    if (plans.length === 0) throw new Error(`plan directory ${dir} holds no <stack>.json plan; write one with npm run plan -- --out ${dir}`);
    return plans;
}

/** Diffs two `.plan/` directories, as written by `npm run plan -- --out <dir>`. */
export function diffPlanDirs(baseDir: string, headDir: string): PlanDiff {
    return diffPlans(readPlanDir(baseDir), readPlanDir(headDir));
}

/** True when no stack gained, lost or changed a resource and both sides planned the same stacks. */
export function isEmptyDiff(diff: PlanDiff): boolean {
    return (
        diff.onlyInBase.length === 0 &&
        diff.onlyInHead.length === 0 &&
        diff.stacks.every((s) => s.added.length === 0 && s.removed.length === 0 && s.changed.length === 0)
    );
}

/**
 * Plain text, one line per difference: `+ urn` added, `- urn` removed, `~ urn: keys` changed,
 * under a header line per stack.
 */
export function renderDiff(diff: PlanDiff): string {
    const lines: string[] = [];
    for (const s of diff.onlyInBase) lines.push(`stack ${s}: only in base (no head plan)`);
    for (const s of diff.onlyInHead) lines.push(`stack ${s}: only in head (no base plan)`);
    for (const s of diff.stacks) {
        if (s.added.length + s.removed.length + s.changed.length === 0) {
            lines.push(`stack ${s.stack}: no differences`);
            continue;
        }
        const serious = [...(s.replaced.length > 0 ? [`${s.replaced.length} of them replaced`] : []), ...(s.protectedLost.length > 0 ? [`${s.protectedLost.length} protected lost`] : [])];
        lines.push(`stack ${s.stack}: ${s.added.length} added, ${s.removed.length} removed, ${s.changed.length} changed${serious.length > 0 ? ` (${serious.join("; ")})` : ""}`);
        for (const u of s.added) lines.push(`  + ${u}`);
        for (const u of s.removed) lines.push(`  - ${u}${s.protectedLost.includes(u) ? " (PROTECTED)" : ""}`);
        for (const c of s.changed) {
            const replaced = c.replaces ? ` (REPLACED${s.protectedLost.includes(c.urn) ? ", PROTECTED" : ""}: ${c.replaces.join(", ")})` : "";
            lines.push(`  ${c.replaces ? "±" : "~"} ${c.urn}: ${c.keys.join(", ")}${replaced}`);
        }
    }
    if (isEmptyDiff(diff)) lines.push(`no differences in ${diff.stacks.length} stack${diff.stacks.length === 1 ? "" : "s"}`);
    return lines.join("\n");
}

/** One stack a change needs deployed. */
export interface RedeployStep {
    readonly stack: string;
    /** Resources added, removed or changed in its plan. */
    readonly changes: number;
    /** No base plan: a new stack (its first deploy is a bootstrap, then the steady phase). */
    readonly isNew: boolean;
}

export interface Redeploy {
    /** Every stack whose plan differs, dependencies first. */
    readonly deploy: RedeployStep[];
    /** Stacks whose plan is gone: destroy them once every stack that read them is deployed. */
    readonly destroy: string[];
}

/**
 * Which stacks a change needs deployed, and in which order: every stack whose plan differs or is
 * new, in `order` (the head project's plan order: a stack after every stack it reads). A stack
 * missing from `order` goes last, by name.
 */
export function redeployPlan(diff: PlanDiff, order: readonly string[]): Redeploy {
    const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
    const steps: RedeployStep[] = [
        ...diff.stacks.filter((s) => s.added.length + s.removed.length + s.changed.length > 0).map((s) => ({ stack: s.stack, changes: s.added.length + s.removed.length + s.changed.length, isNew: false })),
        ...diff.onlyInHead.map((s) => ({ stack: s, changes: 0, isNew: true })),
    ];
    return { deploy: steps.sort((a, b) => rank(a.stack) - rank(b.stack) || byCodePoint(a.stack, b.stack)), destroy: [...diff.onlyInBase] };
}

/** `Deploy, in this order: us-east-1 (20 changes) → ap-northeast-2 (new: bootstrap, then steady) → us-west-2 (4 changes)`. */
export function renderRedeploy(r: Redeploy): string {
    if (r.deploy.length === 0 && r.destroy.length === 0) return "Nothing to deploy.";
    const step = (s: RedeployStep) => `${s.stack} (${s.isNew ? "new: bootstrap, then steady" : `${s.changes} change${s.changes === 1 ? "" : "s"}`})`;
    const lines = r.deploy.length > 0 ? [`Deploy, in this order: ${r.deploy.map(step).join(" → ")}`] : [];
    if (r.destroy.length > 0) lines.push(`Destroy, after those: ${r.destroy.join(", ")} (no plan any more)`);
    return lines.join("\n");
}

/** Prints the diff, writes it as JSON when asked, and answers the CLI exit code: 0 when empty, 1 otherwise. */
export function emitDiff(diff: PlanDiff, json?: string, order?: readonly string[]): 0 | 1 {
    console.log(renderDiff(diff));
    if (order) console.log(renderRedeploy(redeployPlan(diff, order)));
    if (json) {
        fs.mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
        fs.writeFileSync(json, JSON.stringify(diff, null, 2) + "\n");
    }
    return isEmptyDiff(diff) ? 0 : 1;
}
