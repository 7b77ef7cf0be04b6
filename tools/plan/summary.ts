/**
 * Renders a plan for people: `.plan/summary.md` (one sticky PR comment) and the terminal summary.
 * Stack-specific reports (network layout, cross-region links …) are `Section`s; a capability adds
 * its own by appending to SECTIONS.
 */
import { runDrills } from "../drills/simulate";
import { DECK_MATRIX, PROMOTION_SECONDS, SCORECARD_DRILL, formatSeconds, scorecard } from "./scorecard";
import { PlannedResource, PolicyDiagnostic } from "./contract";
import { PlanResult, StackResult, drillStacks, environmentOfStack } from "./plan";
import { checkFlows, dataTierExposure } from "../reachability/check";
import { firstDeployReport } from "../reachability/first-deploy";
import { SharedName, sharedNames } from "./names";

export const COMMENT_MARKER = "<!-- mall-offline-plan -->";

export interface SectionBody {
    readonly title: string;
    /** Markdown table rows: the first row is the header. */
    readonly rows: readonly (readonly string[])[];
    /** Optional free text under the table. */
    readonly note?: string;
}

/** What a section may know beyond the stacks: the registry's region order (the failover order). */
export interface SectionContext {
    readonly regions?: readonly string[];
}

export type Section = (stack: StackResult, all: readonly StackResult[], context?: SectionContext) => SectionBody | undefined;

function stackRegion(s: StackResult): string {
    return String(s.outputs.region ?? "");
}

export function resourcesByType(resources: readonly PlannedResource[]): [string, number][] {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const subnetSection: Section = (s) => {
    const subnets = s.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
    if (subnets.length === 0) return undefined;
    const tag = (r: PlannedResource, k: string) => String((r.inputs.tags as Record<string, string> | undefined)?.[k] ?? "");
    return {
        title: "Subnets",
        rows: [
            ["tier", "subnet", "AZ", "CIDR"],
            ...subnets
                .map((r) => [tag(r, "tier"), tag(r, "Name"), String(r.inputs.availabilityZone ?? ""), String(r.inputs.cidrBlock ?? "")])
                .sort((a, b) => cidrOrder(a[3]) - cidrOrder(b[3])),
        ],
    };
};

function cidrOrder(cidr: string): number {
    return cidr
        .split("/")[0]
        .split(".")
        .reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** Resources a stack declares in another region, and what it reads from other stacks. */
const crossStackSection: Section = (s) => {
    const region = stackRegion(s);
    const rows: string[][] = [];
    for (const r of s.resources) {
        if (r.type === "pulumi:pulumi:StackReference") {
            rows.push(["reads", r.type, r.name, String(r.inputs.name ?? "")]);
        } else if (r.custom && typeof r.inputs.region === "string" && r.inputs.region !== region) {
            rows.push([`in ${r.inputs.region}`, r.type, r.name, describe(r)]);
        } else if (/peering/i.test(r.urn.split("::")[2] ?? "")) {
            rows.push([`in ${region}`, r.type, r.name, describe(r)]);
        }
    }
    if (rows.length === 0) return undefined;
    return { title: "Cross-stack links", rows: [["where", "type", "name", "detail"], ...rows] };
};

function describe(r: PlannedResource): string {
    const i = r.inputs;
    if (i.destinationCidrBlock) return `${i.destinationCidrBlock} → ${i.transitGatewayAttachmentId ?? i.transitGatewayId ?? ""}`;
    if (i.peerTransitGatewayId) return `${i.transitGatewayId} ⇄ ${i.peerTransitGatewayId} (${i.peerRegion})`;
    if (i.transitGatewayAttachmentId) return String(i.transitGatewayAttachmentId);
    return "";
}

/**
 * DR scorecard (ARCHITECTURE §6), under each secondary: what failing over into it yields, derived
 * from the planned resources of every stack, beside the deck's matrix.
 */
export const drScorecardSection: Section = (s, all, context) => {
    if (s.role !== "secondary") return undefined;
    // The same simulation as drills.json: planned stacks with their outputs (so probes go through
    // the shared reachability model) and the registry's failover order.
    const stacks = drillStacks(all);
    const survivor = stacks.find((x) => x.stack === s.stack)!;
    const report = all.length > 1 ? runDrills(stacks, { regions: context?.regions }) : undefined;
    const { rows, detection: d, drill } = scorecard(stacks, survivor, report?.scenarios.find((o) => o.id === SCORECARD_DRILL));
    const path = (label: string, v: number | undefined) => `${label} ${v === undefined ? "absent" : formatSeconds(v)}`;
    const simulated = drill
        ? `Store RTOs: simulated loss of ${stacks.find((x) => x.role === "primary")?.region ?? "the primary"} (tools/drills, npm run drill): ${drill.promotions.length === 0 ? "nothing promotes" : `promoted into ${drill.promoted.join(", ")}`}; traffic ${drill.trafficSeconds === null ? "stays on a failed Region" : `moves in ${formatSeconds(drill.trafficSeconds)}`}. `
        : "";
    return {
        title: `DR scorecard: failover into ${survivor.region}`,
        rows: [["component", "mechanism (planned)", "RTO (this plan)", "RPO (this plan)", "deck RTO", "deck RPO"], ...rows.map((r) => [r.component, r.mechanism, r.rto, r.rpo, r.deckRto, r.deckRpo])],
        note:
            simulated +
            (d.routeSeconds === undefined
                ? `Planned decision path: ${path("canary", d.canarySeconds)} (Route 53 health checks move traffic; no alarm on them promotes). `
                : `Planned detection paths: ${path("Route 53", d.routeSeconds)}, ${path("canary", d.canarySeconds)}. `) +
            `Promotion (AWS docs): ${Object.entries(PROMOTION_SECONDS).map(([k, v]) => `${k} ${v.lowerBound ? "≥ " : ""}${formatSeconds(v.seconds)}`).join(", ")}. ` +
            `Deck matrix components: ${Object.keys(DECK_MATRIX).length}.`,
    };
};

/**
 * Reachability (tools/reachability), once under the primary: every flow-table row that does not
 * hold as its target says (owned by a later issue) or does not match its expectation, and every
 * data-tier ingress no row explains.
 */
export const reachabilitySection: Section = (s, all) => {
    if (s.role !== "primary") return undefined;
    const results = checkFlows(all);
    const shown = results.filter((r) => !r.ok || r.row.expected !== "admitted" && r.row.expected !== "forbidden");
    const exposure = dataTierExposure(all);
    return {
        title: `Reachability: ${results.filter((r) => r.ok).length}/${results.length} flows as expected, ${exposure.length} unexplained data-tier ingress`,
        rows: [
            ["flow", "expected", "admitted", "owner"],
            ...shown.map((r) => [r.row.id, r.ok ? r.row.expected : `${r.row.expected} (MISMATCH)`, r.admitted ? "yes" : "no", r.row.owner]),
            ...exposure.map((e) => [e.rule, "exposure", "yes", "unlisted source into the data tier"]),
        ],
        note: "docs/flows.md lists every row.",
    };
};

/** What one `pulumi up` from an empty account cannot complete, once under the primary. */
export const firstDeploySection: Section = (s, all) => {
    if (s.role !== "primary") return undefined;
    const rows = firstDeployReport(all);
    if (rows.length === 0) return undefined;
    return { title: `First deploy: ${rows.length} prerequisites`, rows: [["prerequisite", "why", "check"], ...rows.map((r) => [r.prerequisite, r.why, r.check])] };
};


/**
 * How to pin a resolved version, by the `<kind>/` prefix of its key in the stack output
 * `resolvedVersions`: the config key and the value to put under it in Pulumi.<stack>.yaml.
 */
export const PIN_LINES: Record<string, (name: string, version: string) => { key: string; yaml: string; scalar?: boolean }> = {
    "eks-addon": (name, version) => ({ key: "mall:eksAddonVersions", yaml: `${name}: ${version}` }),
    "rds-engine": (_name, version) => ({ key: "mall:auroraEngineVersion", yaml: `"${version}"`, scalar: true }),
};

/** How one pin reads in a stack file: a scalar key, or an entry of a map key. */
function pinText(pin: { key: string; yaml: string; scalar?: boolean }, entries: readonly string[] = [pin.yaml]): string {
    return pin.scalar ? `${pin.key}: ${pin.yaml}` : `${pin.key}: { ${entries.join(", ")} }`;
}

/**
 * Versions the plan looked up because the stack pins none (EKS add-ons, the Aurora engine): each
 * with the line that pins it, and the whole block to paste per config key. Production stacks pin
 * every one (advisory policy versions-pinned).
 */
export const resolvedVersionsSection: Section = (s) => {
    const resolved = (s.outputs.resolvedVersions ?? {}) as Record<string, string>;
    const entries = Object.entries(resolved).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) return undefined;
    const blocks = new Map<string, { pin: { key: string; yaml: string; scalar?: boolean }; entries: string[] }>();
    const rows = entries.map(([key, version]) => {
        const [kind, ...rest] = key.split("/");
        const pin = PIN_LINES[kind]?.(rest.join("/"), version);
        if (pin) blocks.set(pin.key, { pin, entries: [...(blocks.get(pin.key)?.entries ?? []), pin.yaml] });
        return [key, version, pin ? pinText(pin) : "(no pin key)"];
    });
    return {
        title: `Resolved versions, not pinned (${entries.length})`,
        rows: [["what", "resolved to", "pin it in Pulumi." + s.stack + ".yaml (config:)"], ...rows],
        note: `Looked up at plan time (the offline plan's answers are mock values: pin what a real preview resolves). To pin them all, add under config: ${[...blocks.values()].map((b) => pinText(b.pin, b.entries)).join("; ")}`,
    };
};

export const SECTIONS: Section[] = [subnetSection, crossStackSection, drScorecardSection, resolvedVersionsSection, reachabilitySection, firstDeploySection];

function counts(diags: readonly PolicyDiagnostic[]) {
    return {
        mandatory: diags.filter((d) => d.level === "mandatory").length,
        advisory: diags.filter((d) => d.level === "advisory").length,
    };
}

function policyLine(s: StackResult): string {
    if (!s.policy.pack) return `not evaluated: ${s.policy.skipped ?? "no pack"}`;
    const c = counts(s.policy.diagnostics);
    return `${s.policy.pack}${s.policy.version ? ` ${s.policy.version}` : ""}: ${c.mandatory} mandatory, ${c.advisory} advisory`;
}

function mdTable(rows: readonly (readonly string[])[]): string {
    const esc = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const [head, ...body] = rows;
    return [`| ${head.map(esc).join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

export function renderMarkdown(result: PlanResult): string {
    const out: string[] = [COMMENT_MARKER, `## Offline plan: ${result.project}`, ""];
    out.push("Planned under Pulumi's mock runtime with each stack's real config; policies evaluated by the real pack over the analyzer protocol.", "");
    const rows = [["stack", "environment", "role", "resources", "policy", "time"]];
    for (const s of result.stacks) {
        rows.push([s.stack, s.environment, s.role, String(s.resources.filter((r) => r.custom).length), policyLine(s), `${((s.timings.programMs + s.timings.policyMs) / 1000).toFixed(1)} s`]);
    }
    out.push(mdTable(rows), "");
    if (result.failure) {
        out.push(`### ❌ ${result.failure.stack}: the program failed`, "", "```", result.failure.error.message, "```", "");
    }
    const shared = sharedNames(result.environments);
    if (shared.length > 0) {
        out.push(`### ❌ ${shared.length} physical name${shared.length === 1 ? "" : "s"} shared between environments`, "", SHARED_NAMES_FIX, "", mdTable(sharedRows(shared)), "");
    }
    for (const s of result.stacks) {
        out.push(`### ${s.stack} (${s.environment} ${s.role})`, "");
        const diags = s.policy.diagnostics;
        if (diags.length > 0) {
            out.push(mdTable([["level", "policy", "resource", "message"], ...diags.map((d) => [d.level, d.policy, d.urn?.split("::").pop() ?? "(stack)", d.message])]), "");
        } else {
            out.push(`Policy: ${policyLine(s)}.`, "");
        }
        for (const body of sectionsOf(result, s)) {
            out.push(`<details><summary>${body.title}</summary>`, "", mdTable(body.rows), ...(body.note ? ["", body.note] : []), "", "</details>", "");
        }
        const byType = resourcesByType(s.resources.filter((r) => r.custom));
        out.push(`<details><summary>Resources by type (${s.resources.filter((r) => r.custom).length})</summary>`, "", mdTable([["type", "count"], ...byType.map(([t, n]) => [t, String(n)])]), "", "</details>", "");
    }
    out.push(`_Planned in ${(result.totalMs / 1000).toFixed(1)} s._`, "");
    return out.join("\n");
}

export function renderTerminal(result: PlanResult): string {
    const out: string[] = [];
    for (const s of result.stacks) {
        const c = counts(s.policy.diagnostics);
        const mark = c.mandatory > 0 ? "✗" : "✓";
        out.push(`${mark} ${s.stack} (${s.environment} ${s.role}): ${s.resources.filter((r) => r.custom).length} resources, ${s.resources.filter((r) => !r.custom).length} components — policy ${policyLine(s)}`);
        for (const body of sectionsOf(result, s)) {
            out.push(`  ${body.title}:`);
            const widths = body.rows[0].map((_, i) => Math.max(...body.rows.map((r) => (r[i] ?? "").length)));
            for (const row of body.rows) out.push("    " + row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
            if (body.note) out.push(`    ${body.note}`);
        }
        for (const d of s.policy.diagnostics) {
            out.push(`  [${d.level}] ${d.policy}: ${d.message}${d.urn ? ` (${d.urn.split("::").pop()})` : ""}`);
        }
    }
    if (result.failure) out.push(`✗ ${result.failure.stack}: the program failed:\n${indent(result.failure.error.message)}`);
    const shared = sharedNames(result.environments);
    if (shared.length > 0) {
        out.push(`✗ ${shared.length} physical name${shared.length === 1 ? "" : "s"} shared between environments: ${SHARED_NAMES_FIX}`);
        for (const row of sharedRows(shared).slice(1, 21)) out.push(`    ${row.join("  ")}`);
    }
    out.push(`Planned ${result.stacks.length} stack${result.stacks.length === 1 ? "" : "s"} in ${(result.totalMs / 1000).toFixed(1)} s.`);
    return out.join("\n");
}

const SHARED_NAMES_FIX =
    "two environments would create (or fight over) the same resource: give each its own mall:domain, and keep the stack names and mall:environment as the README says (physical names then start mall-<env>-)";

function sharedRows(shared: readonly SharedName[]): string[][] {
    return [["type", "name", "environments"], ...shared.map((n) => [n.type, n.value, Object.keys(n.by).join(", ")])];
}

/** A stack's sections see its own environment only: its stacks and its registry's order. */
function sectionsOf(result: PlanResult, s: StackResult): SectionBody[] {
    const env = environmentOfStack(result, s.stack);
    return SECTIONS.map((section) => section(s, env?.stacks ?? [s], { regions: env?.regions })).filter((b): b is SectionBody => b !== undefined);
}

function indent(text: string): string {
    return text
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n");
}
