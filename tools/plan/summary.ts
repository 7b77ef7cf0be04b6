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
import { Review, protectedLosses, shortType, shortUrn, verdict } from "./review";
import { replacementModelled, urnType } from "./diff";

const policyDoc = (review: Review, policy: string) => `${review.links?.policies ?? "docs/policies.md"}#${policy}`;
import { dollars } from "./cost";

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

/** GitHub refuses a comment over 65,536 characters; the comment stays below this. */
export const COMMENT_LIMIT = 60_000;

/** Mock ids look real; the comment says what they are (`tgw-1a2b…` → `‹mock tgw›`). */
export function markMockIds(text: string): string {
    return text.replace(/\b(vpc|subnet|sg|sgr|rtb|rtbassoc|igw|nat|eipalloc|vpce|tgw-attach|tgw-rtb|tgw|lt|fl)-[0-9a-f]{8,17}\b/g, "‹mock $1›");
}

/** A block of the comment; the comment drops the highest `drop` first when it is too long. */
interface Block {
    readonly text: string;
    /** 0: always kept; higher: dropped earlier. */
    readonly drop: number;
}

const commitText = (sha: string) => (sha === "unknown" ? "an unknown commit" : `\`${sha.slice(0, 12)}\``);

function stackChanges(review: Review, stack: string): string {
    const d = review.diff?.stacks[stack];
    if (!review.diff) return "(no base)";
    if (!d) return "none";
    if (d.stack === "new") return `new: ${d.added.length} added`;
    if (d.stack === "gone") return `gone: ${d.removed.length} removed`;
    const n = d.added.length + d.removed.length + d.changed.length;
    return n === 0 ? "none" : `+${d.added.length} −${d.removed.length} ~${d.changed.length}${d.replaced.length ? ` (${d.replaced.length} replaced)` : ""}`;
}

/** " ← new id of network-vpc, …": the replaced resources a change follows from. */
function via(from: readonly string[] | undefined): string {
    if (!from || from.length === 0) return "";
    const names = from.map((u) => u.split("::").pop());
    return ` ← new id of ${names.slice(0, 3).join(", ")}${names.length > 3 ? `, +${names.length - 3}` : ""}`;
}

function diffBlocks(review: Review): Block[] {
    const diff = review.diff;
    if (!diff) return [{ text: "_No base given, so no diff: `npm run plan -- --base origin/main` shows what this change does._\n", drop: 0 }];
    const blocks: Block[] = [];
    const rows = [["stack", "added", "removed", "changed", "replaced", "protected lost"]];
    for (const [stack, d] of Object.entries(diff.stacks)) {
        rows.push([`${stack}${d.stack === "new" ? " (new)" : d.stack === "gone" ? " (gone)" : ""}`, String(d.added.length), String(d.removed.length), String(d.changed.length), String(d.replaced.length), d.protectedLost.length > 0 ? `⛔ ${d.protectedLost.length}` : "0"]);
    }
    const changedStacks = Object.values(diff.stacks).filter((d) => d.added.length + d.removed.length + d.changed.length > 0).length;
    const order = review.deployOrder && changedStacks > 0 ? `\n${review.deployOrder}\n` : "";
    // Changes of types the ForceNew table does not cover are shown as updates; say so.
    const unmodelled = [...new Set(Object.values(diff.stacks).flatMap((d) => d.changed.filter((c) => !c.replaces).map((c) => urnType(c.urn))).filter((t) => !replacementModelled(t)))].sort();
    const caveat = unmodelled.length > 0 ? `\n_Replacement not modelled for ${unmodelled.map(shortType).join(", ")} (not in tools/plan/force-new.ts): their changes are shown as updates._\n` : "";
    blocks.push({ text: `### What changes against ${commitText(diff.base)}\n\n${changedStacks === 0 ? "Nothing: every stack plans exactly as the base does.\n" : mdTable(rows) + "\n"}${order}${caveat}`, drop: 0 });
    const lost = protectedLosses(diff);
    if (lost.length > 0) {
        blocks.push({
            text:
                `#### ⛔ ${lost.length} protected resource${lost.length === 1 ? "" : "s"} removed or replaced${review.allowProtectedLoss ? " (accepted with `--allow-protected-loss`)" : ""}\n\n` +
                lost.map((l) => `- ${l.stack}: ${shortUrn(l.urn)}`).join("\n") +
                `\n\n${review.allowProtectedLoss ? "The run was told to accept these: `pulumi up` still refuses a protected resource until it is unprotected (docs/lifecycle.md)." : "`pulumi up` refuses to delete a protected resource, and a replacement deletes it: change the input back, or unprotect and migrate on purpose (docs/lifecycle.md), then pass `--allow-protected-loss`."}\n`,
            drop: 0,
        });
    }
    for (const [stack, d] of Object.entries(diff.stacks)) {
        const lines = [
            // GitHub colours a diff block by its first column: "!" changed, "-" removed, "+" added.
            ...d.changed.filter((c) => c.replaces).map((c) => `! ${shortUrn(c.urn)} — replaced (${c.replaces!.join(", ")}${via(c.cascadeFrom)})${d.protectedLost.includes(c.urn) ? " ⛔ protected" : ""}`),
            ...d.removed.map((u) => `- ${shortUrn(u)}${d.protectedLost.includes(u) ? " ⛔ protected" : ""}`),
            ...d.added.map((u) => `+ ${shortUrn(u)}`),
            ...d.changed.filter((c) => !c.replaces).map((c) => `~ ${shortUrn(c.urn)}: ${c.keys.map((k) => k.replace(/^inputs\./, "")).join(", ")}${via(c.cascadeFrom)}`),
        ];
        if (lines.length === 0) continue;
        const shown = lines.slice(0, 150);
        blocks.push({
            text: `<details><summary>${stack}: ${stackChanges(review, stack)}</summary>\n\n\`\`\`diff\n${shown.join("\n")}${lines.length > shown.length ? `\n… ${lines.length - shown.length} more in .plan/diff.json` : ""}\n\`\`\`\n\n</details>\n`,
            drop: 2,
        });
    }
    return blocks;
}

function policyBlocks(result: PlanResult, review: Review): Block[] {
    const blocks: Block[] = [];
    const ran = result.stacks.find((s) => s.policy.policies)?.policy;
    const lines: string[] = ["### Policy", ""];
    if (ran?.policies) {
        const levels = (l: string) => ran.policies!.filter((p) => p.level === l).length;
        lines.push(
            `${ran.pack} ${ran.version ?? ""}: **${ran.policies.length} policies ran** on every stack (${levels("mandatory")} mandatory, ${levels("advisory")} advisory${levels("disabled") ? `, ${levels("disabled")} disabled` : ""}).`,
            "",
            `<details><summary>Policies and levels</summary>\n\n${ran.policies.map((p) => `[\`${p.name}\`](${policyDoc(review, p.name)}) ${p.level}`).join(" · ")}\n\n</details>`,
            "",
        );
    } else if (result.stacks.length > 0) {
        lines.push(`Policy: ${policyLine(result.stacks[0])}.`, "");
    }
    if (review.overrides && review.overrides.length > 0) {
        lines.push(
            "**Overrides in effect** (`--policy-config`):",
            "",
            mdTable([
                ["policy", "pack level", "runs at", "settings"],
                ...review.overrides.map((o) => [`${o.downgrade ? "⚠️ " : ""}${o.policy}`, o.from, o.downgrade ? `**${o.to}** (${o.reason}: review it)` : o.to, Object.entries(o.config).map(([k, v]) => `${k}=${v}`).join(", ") || "—"]),
            ]),
            "",
        );
    }
    if (review.policyChanges && review.policyChanges.length > 0) {
        lines.push(`⚠️ **This change edits the policy pack** (${review.policyChanges.map((f) => `\`${f}\``).join(", ")}): the guardrails themselves change; CODEOWNERS review applies.`, "");
    }
    blocks.push({ text: lines.join("\n"), drop: 0 });
    for (const s of result.stacks) {
        const diags = [...s.policy.diagnostics].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
        if (diags.length === 0) continue;
        const rows = [["level", "policy", "resource", "message"], ...diags.map((d) => [d.level === "mandatory" ? "❌ mandatory" : d.level, `[${d.policy}](${policyDoc(review, d.policy)})`, d.urn?.split("::").pop() ?? "(stack)", d.message])];
        const mandatory = diags.some((d) => d.level === "mandatory");
        const fixes = [...new Set(diags.map((d) => d.policy))].filter((p) => review.hints?.[p]).map((p) => `- **${p}**: ${review.hints![p]}`);
        const table = `${mdTable(rows)}\n${fixes.length > 0 ? `\nHow to fix:\n${fixes.join("\n")}\n` : ""}`;
        blocks.push({
            text: mandatory ? `#### ${s.stack}: ${policyCounts(s)}\n\n${table}` : `<details><summary>${s.stack}: ${policyCounts(s)}</summary>\n\n${table}\n</details>\n`,
            drop: mandatory ? 0 : 1,
        });
    }
    return blocks;
}

function policyCounts(s: StackResult): string {
    const c = counts(s.policy.diagnostics);
    return `${c.mandatory} mandatory, ${c.advisory} advisory`;
}

function costBlocks(review: Review): Block[] {
    const cost = review.cost;
    if (!cost) return [];
    const base = cost.base;
    const signed = (n: number) => (n === 0 ? "±$0" : `${n > 0 ? "+" : "−"}${dollars(Math.abs(n))}`);
    const rows = [["stack", "per month", ...(base ? ["change"] : [])]];
    for (const [stack, c] of Object.entries(cost.stacks)) rows.push([stack, dollars(c.monthly), ...(base ? [signed(base.stacks[stack]?.delta ?? c.monthly)] : [])]);
    if (base) for (const [stack, b] of Object.entries(base.stacks)) if (!cost.stacks[stack]) rows.push([`${stack} (gone)`, "$0", signed(b.delta)]);
    rows.push(["**total**", `**${dollars(cost.total)}**`, ...(base ? [`**${signed(base.delta)}**`] : [])]);
    const top = Object.entries(cost.stacks)
        .flatMap(([stack, c]) => c.items.map((i) => ({ ...i, stack })))
        .sort((a, b) => b.monthly - a.monthly)
        .slice(0, 5);
    const unpriced = new Map<string, number>();
    for (const c of Object.values(cost.stacks)) for (const n of c.notPriced) unpriced.set(n.type, (unpriced.get(n.type) ?? 0) + n.count);
    const gaps = [...unpriced.keys()].filter((t) => /docdb\/clusterInstance|elasticache\/replicationGroup|karpenter/.test(t)).map(shortType);
    const text = [
        `### Cost estimate: at least ${dollars(cost.total)} a month${gaps.length > 0 ? ` (without ${gaps.join(", ")}: no price)` : ""}`,
        "",
        mdTable(rows),
        "",
        `Largest: ${top.map((i) => `${shortType(i.type)} ${i.name} in ${i.stack} ${dollars(i.monthly)}`).join("; ")}.`,
        "",
        `On-demand list prices from \`tools/plan/prices.ts\` (each row with its public source and date) times the planned capacity, plus the usage \`.plan/cost.json\` states; not a quote. **Not priced** (no public price found, or usage only): ${[...unpriced.entries()].map(([t, n]) => `${shortType(t)} ×${n}`).join(", ") || "none"}.`,
        "",
    ].join("\n");
    return [{ text, drop: 0 }];
}

/** The PR comment: everything, less the most droppable collapsed sections while it exceeds `limit`. */
export function renderMarkdown(result: PlanResult, review: Review = {}, limit: number = COMMENT_LIMIT): string {
    const v = verdict(result, review);
    const head: string[] = [COMMENT_MARKER, `## ${v.ok ? "✅" : "❌"} Offline plan: ${result.project}`, ""];
    const at = review.commit ? ` at ${commitText(review.commit.sha)}${review.commit.dirty ? " (with uncommitted changes)" : ""}` : "";
    const against = review.base ? ` against base ${commitText(review.base.commit)}` : "";
    const accepted = review.allowProtectedLoss ? protectedLosses(review.diff).length : 0;
    const weakened = (review.overrides ?? []).filter((o) => o.downgrade).length;
    const notes = [
        ...(accepted > 0 ? [`${accepted} protected loss${accepted === 1 ? "" : "es"} accepted with \`--allow-protected-loss\``] : []),
        ...(weakened > 0 ? [`${weakened} mandatory polic${weakened === 1 ? "y" : "ies"} weakened or changed by \`--policy-config\``] : []),
    ];
    const verdictLine = v.ok ? `**Passed**${at}${against}${notes.length > 0 ? `, with ${notes.join(" and ")}` : ""}.` : `**Failed**${at}${against}: ${[...v.reasons, ...notes].join("; ")}.`;
    head.push(`${verdictLine}${review.links?.run ? ` ([run](${review.links.run}))` : ""}`, "");
    for (const b of review.banners ?? []) head.push(`> ${b}`, ">");
    if ((review.banners ?? []).length > 0) head.pop(), head.push("");
    head.push("Planned under Pulumi's mock runtime with each stack's real config (ids are mock values); policies evaluated by the real pack over the analyzer protocol.", "");
    const rows = [["stack", "environment", "role", "resources", "changes", "policy", "cost/month"]];
    for (const s of result.stacks) {
        const c = counts(s.policy.diagnostics);
        const policy = s.policy.pack ? `${c.mandatory > 0 ? "❌" : "✅"} ${c.mandatory} mandatory, ${c.advisory} advisory` : `not evaluated: ${s.policy.skipped ?? "no pack"}`;
        const cost = review.cost?.stacks[s.stack];
        rows.push([s.stack, s.environment, s.role, String(s.resources.filter((r) => r.custom).length), stackChanges(review, s.stack), policy, cost ? dollars(cost.monthly) : "—"]);
    }
    head.push(mdTable(rows), "");
    const blocks: Block[] = [{ text: head.join("\n"), drop: 0 }];
    if (result.failure) {
        blocks.push({ text: `### ❌ ${result.failure.stack}: the program failed\n\n\`\`\`\n${result.failure.error.message}\n\`\`\`\n`, drop: 0 });
    }
    const shared = sharedNames(result.environments);
    if (shared.length > 0) {
        blocks.push({ text: `### ❌ ${shared.length} physical name${shared.length === 1 ? "" : "s"} shared between environments\n\n${SHARED_NAMES_FIX}\n\n${mdTable(sharedRows(shared))}\n`, drop: 0 });
    }
    blocks.push(...diffBlocks(review), ...policyBlocks(result, review), ...costBlocks(review));
    for (const s of result.stacks) {
        const parts = [`### ${s.stack} (${s.environment} ${s.role})`, ""];
        for (const body of sectionsOf(result, s)) {
            parts.push(`<details><summary>${body.title}</summary>`, "", markMockIds(mdTable(body.rows)), ...(body.note ? ["", markMockIds(body.note)] : []), "", "</details>", "");
        }
        blocks.push({ text: parts.join("\n"), drop: 3 });
        const byType = resourcesByType(s.resources.filter((r) => r.custom));
        blocks.push({
            text: `<details><summary>${s.stack}: resources by type (${s.resources.filter((r) => r.custom).length})</summary>\n\n${mdTable([["type", "count"], ...byType.map(([t, n]) => [shortType(t), String(n)])])}\n\n</details>\n`,
            drop: 4,
        });
    }
    return capBlocks(blocks, limit);
}

/** Joins the blocks, leaving out the most droppable ones until the text fits COMMENT_LIMIT. */
function capBlocks(blocks: Block[], limit: number): string {
    const join = (bs: Block[]) => bs.map((b) => b.text).join("\n");
    let kept = blocks;
    let dropped = 0;
    for (let level = 4; level >= 1 && join(kept).length > limit; level--) {
        for (let i = kept.length - 1; i >= 0 && join(kept).length > limit; i--) {
            if (kept[i].drop === level) {
                kept = [...kept.slice(0, i), ...kept.slice(i + 1)];
                dropped++;
            }
        }
    }
    const note = dropped > 0 ? `\n_✂️ ${dropped} collapsed section${dropped === 1 ? "" : "s"} left out to stay under GitHub's comment limit; the full summary is \`summary-full.md\` in the offline-plan artifact._\n` : "";
    let text = join(kept) + note;
    if (text.length > limit) text = text.slice(0, limit - 200) + "\n\n_✂️ Truncated at GitHub's comment limit; the full summary is `summary-full.md` in the offline-plan artifact._\n";
    return text;
}

/** The whole summary, nothing left out (`.plan/summary-full.md`). */
export function renderFullMarkdown(result: PlanResult, review: Review = {}): string {
    return renderMarkdown(result, review, Number.MAX_SAFE_INTEGER);
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

/** The terminal's part of the review: the diff per stack, protected losses, cost, and the verdict line last. */
export function renderReviewTerminal(result: PlanResult, review: Review): string {
    const out: string[] = [];
    for (const b of review.banners ?? []) out.push(b.replace(/\*\*/g, "").replace(/`/g, ""));
    if (review.diff) {
        out.push(`Against base ${review.diff.base.slice(0, 12)}${review.base?.source === "cached" ? " (cached plan)" : ""}:`);
        for (const [stack, d] of Object.entries(review.diff.stacks)) {
            out.push(`  ${stack}: ${stackChanges(review, stack)}${d.protectedLost.length ? `, ${d.protectedLost.length} PROTECTED LOST` : ""}`);
            for (const c of d.changed.filter((x) => x.replaces)) out.push(`    ± ${shortUrn(c.urn)} replaced (${c.replaces!.join(", ")}${via(c.cascadeFrom)})${d.protectedLost.includes(c.urn) ? " — protected" : ""}`);
            for (const u of d.removed.filter((x) => d.protectedLost.includes(x))) out.push(`    − ${shortUrn(u)} removed — protected`);
        }
    }
    if (review.deployOrder && review.diff) out.push(review.deployOrder);
    for (const o of review.overrides ?? []) if (o.downgrade) out.push(`⚠ policy ${o.policy} runs ${o.to} (the pack makes it ${o.from}; ${o.reason}): a guardrail is weakened or changed for this run`);
    if (review.policyChanges && review.policyChanges.length > 0) out.push(`⚠ this change edits the policy pack: ${review.policyChanges.join(", ")}`);
    if (review.cost) {
        const base = review.cost.base;
        out.push(`Cost estimate: ${dollars(review.cost.total)}/month${base ? ` (${base.delta >= 0 ? "+" : "−"}${dollars(Math.abs(base.delta))} against the base)` : ""}; .plan/cost.json lists each item, its price source and what is not priced.`);
    }
    const v = verdict(result, review);
    out.push(v.ok ? "✓ Passed." : `✗ Failed: ${v.reasons.join("; ")}.`);
    return out.join("\n");
}
