/**
 * The deploy's approval, made checkable: a stack deploys as preview → approval → up, and the up
 * applies only the changes the approvers saw.
 *
 * Pulumi's update plans would do this (`pulumi preview --save-plan` + `pulumi up --plan`), but
 * `up --plan` is still `[EXPERIMENTAL]` and hidden without PULUMI_EXPERIMENTAL in the newest CLI
 * source we could read (pulumi/pulumi v3.259.0+, pkg/cmd/pulumi/operations/up.go), and the issue
 * asks for no experimental flag. So the fallback, which docs/ci.md describes:
 *
 *   npx ts-node tools/approval.ts record <preview.json> --stack <s> [--out <change-set.json>] [--preview-exit <code>]
 *     reads `pulumi preview --json` (pkg/display/json.go PreviewDigest), prints the Markdown the
 *     preview job writes to its job summary (what the approvers read on the run page before they
 *     approve the environment), and writes the change set: every step that is not `same`, `read`
 *     or `refresh`, and every `same` whose `protect` flag changes (op `protect`/`unprotect`), as
 *     { op, urn, keys }, nothing else (no values, so nothing secret leaves the job). A preview that
 *     failed (`--preview-exit` not 0) says so instead of inviting an approval. A change set too
 *     large for a job output (1 MB) is refused, naming the limit.
 *
 *   npx ts-node tools/approval.ts verify <preview.json> --approved-env <VAR>
 *     the up job previews again, right before `pulumi up`, and refuses (exit 1) when its change
 *     set differs from the approved one (a change merged, drift, another run), naming each
 *     difference and the fix: run the workflow again and approve the new preview.
 *
 * Usage errors exit 2.
 */
import * as fs from "fs";
import { byCodePoint } from "./plan/diff";

/** One step of `pulumi preview --json` (pkg/display/json.go PreviewStep), the fields read here. */
export interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: readonly string[];
    readonly replaceReasons?: readonly string[];
    /** The resource's state before and after (apitype.ResourceV3); only `protect` is read. */
    readonly oldState?: { readonly protect?: boolean };
    readonly newState?: { readonly protect?: boolean };
}

/** A diagnostic of the preview (PreviewDiagnostic). */
export interface PreviewDiagnostic {
    readonly urn?: string;
    readonly message?: string;
    readonly severity?: string;
}

/** `pulumi preview --json` output (PreviewDigest), the fields read here. */
export interface PreviewDigest {
    readonly steps?: readonly PreviewStep[];
    readonly diagnostics?: readonly PreviewDiagnostic[];
    readonly changeSummary?: Readonly<Record<string, number>>;
}

/** A change the approvers approve: what happens to which resource, and which inputs cause it. */
export interface Change {
    readonly op: string;
    readonly urn: string;
    readonly keys: readonly string[];
}

/** The change set of one stack's preview. */
export interface ChangeSet {
    readonly stack: string;
    readonly changes: readonly Change[];
}

/** Steps that change nothing: `same`, a data read, a refresh (pkg/resource/deploy/step.go StepOps). */
const NO_CHANGE = new Set(["same", "read", "refresh"]);
/** Steps that end a resource's life (the old one of a replacement included), or let a destroy do it. */
const DESTRUCTIVE = new Set(["delete", "replace", "create-replacement", "delete-replaced", "import-replacement", "read-replacement", "unprotect"]);

/** Parses `pulumi preview --json` output; throws naming what is wrong. */
export function parsePreview(text: string, source: string): PreviewDigest {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new Error(`${source} is not the JSON of pulumi preview --json (${(e as Error).message}); did the preview fail before it printed?`);
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error(`${source} is not a preview digest (an object with steps)`);
    const steps = (doc as PreviewDigest).steps;
    if (steps !== undefined && (!Array.isArray(steps) || steps.some((s) => typeof s?.op !== "string" || typeof s?.urn !== "string"))) {
        throw new Error(`${source}: every step needs a string op and urn`);
    }
    return doc as PreviewDigest;
}

/** A `same` step whose `protect` flag changes: Pulumi shows it, and it decides what a destroy may delete. */
const protectChange = (s: PreviewStep) => s.op === "same" && s.oldState !== undefined && s.newState !== undefined && Boolean(s.oldState.protect) !== Boolean(s.newState.protect);

/** The change set: every step that changes something, sorted by URN then op, keys sorted. */
export function changeSet(stack: string, digest: PreviewDigest): ChangeSet {
    const changes = (digest.steps ?? [])
        .filter((s) => !NO_CHANGE.has(s.op) || protectChange(s))
        .map((s) => ({
            op: protectChange(s) ? (s.newState!.protect ? "protect" : "unprotect") : s.op,
            urn: s.urn,
            keys: [...new Set([...(s.diffReasons ?? []), ...(s.replaceReasons ?? [])])].sort(byCodePoint),
        }))
        .sort((a, b) => byCodePoint(a.urn, b.urn) || byCodePoint(a.op, b.op));
    return { stack, changes };
}

const key = (c: Change) => `${c.op} ${c.urn} [${c.keys.join(",")}]`;

/** What differs between the approved change set and the one `up` would apply now. */
export function compareChangeSets(approved: ChangeSet, current: ChangeSet): { readonly unapproved: Change[]; readonly gone: Change[] } {
    const was = new Set(approved.changes.map(key));
    const now = new Set(current.changes.map(key));
    return { unapproved: current.changes.filter((c) => !was.has(key(c))), gone: approved.changes.filter((c) => !now.has(key(c))) };
}

/** `urn:pulumi:stack::mall::a$b$aws:rds/cluster:Cluster::data-aurora` → `aws:rds/cluster:Cluster data-aurora`. */
export function shortUrn(urn: string): string {
    const parts = urn.split("::");
    if (parts.length < 4) return urn;
    const type = parts[2].split("$").at(-1)!;
    return `${type} ${parts.slice(3).join("::")}`;
}

/** The Markdown the approvers read: counts, then every change (destructive ones first), then errors and warnings. */
export function renderApproval(set: ChangeSet, digest: PreviewDigest, previewExit = 0): string {
    const lines = [`### pulumi preview ${set.stack}: ${previewExit !== 0 ? `FAILED (exit ${previewExit})` : set.changes.length === 0 ? "no changes" : `${set.changes.length} change${set.changes.length === 1 ? "" : "s"}`}`, ""];
    if (previewExit !== 0) lines.push("The preview failed (its log says why; a mandatory policy violation is one cause): the up job does not run. Fix it and push again.", "");
    const counts = new Map<string, number>();
    for (const c of set.changes) counts.set(c.op, (counts.get(c.op) ?? 0) + 1);
    if (counts.size > 0) {
        lines.push([...counts].sort(([a], [b]) => byCodePoint(a, b)).map(([op, n]) => `${n} ${op}`).join(", "), "");
        const destructive = set.changes.filter((c) => DESTRUCTIVE.has(c.op));
        const lost = new Set(destructive.map((c) => c.urn)).size;
        if (lost > 0) lines.push(`**${lost} resource${lost === 1 ? " is" : "s are"} destroyed or replaced**: check each before approving.`, "");
        lines.push("| op | resource | because of |", "|---|---|---|");
        for (const c of [...destructive, ...set.changes.filter((c) => !DESTRUCTIVE.has(c.op))]) {
            lines.push(`| ${DESTRUCTIVE.has(c.op) ? `**${c.op}**` : c.op} | \`${shortUrn(c.urn)}\` | ${c.keys.map((k) => `\`${k}\``).join(", ") || "-"} |`);
        }
        lines.push("");
    }
    const notes = (digest.diagnostics ?? []).filter((d) => d.severity === "error" || d.severity === "warning");
    if (notes.length > 0) {
        lines.push("| severity | resource | message |", "|---|---|---|");
        for (const d of notes) lines.push(`| ${d.severity} | ${d.urn ? `\`${shortUrn(d.urn)}\`` : "-"} | ${(d.message ?? "").trim().replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|")} |`);
        lines.push("");
    }
    if (previewExit === 0) lines.push("Approving the environment deploys exactly these changes: the up job previews again and stops if anything differs.");
    return lines.join("\n") + "\n";
}

/** The verify step's verdict: null when the change sets match, else the message that fails the job. */
export function verifyMessage(approved: ChangeSet, current: ChangeSet): string | null {
    if (approved.stack !== current.stack) return `the approved change set is of stack ${approved.stack}, this is ${current.stack}`;
    const { unapproved, gone } = compareChangeSets(approved, current);
    if (unapproved.length === 0 && gone.length === 0) return null;
    const list = (cs: Change[]) => cs.map((c) => `  ${c.op} ${shortUrn(c.urn)}${c.keys.length ? ` (${c.keys.join(", ")})` : ""}`);
    return [
        `${current.stack}: what pulumi up would do now is not what was approved (the stack, the cloud or main changed since the preview):`,
        ...(unapproved.length ? ["not approved:", ...list(unapproved)] : []),
        ...(gone.length ? ["approved but no longer planned:", ...list(gone)] : []),
        "Nothing was deployed. Re-run all jobs of the deploy run (or push again) and approve the new preview: re-running only this job would check against the same old preview.",
    ].join("\n");
}

class UsageError extends Error {}

/** GitHub keeps a job output up to 1 MB; a bigger change set would arrive empty in the up job. */
export const MAX_OUTPUT_BYTES = 1_000_000;

function parseArgs(argv: readonly string[]): { command: string; file: string; flags: Map<string, string> } {
    const [command, ...rest] = argv;
    const flags = new Map<string, string>();
    const positional: string[] = [];
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (!a.startsWith("--")) {
            positional.push(a);
            continue;
        }
        const [name, inline] = a.slice(2).split(/=(.*)/s);
        const value = inline ?? rest[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, value);
    }
    if (command !== "record" && command !== "verify") throw new UsageError(`unknown command "${command ?? ""}": record or verify`);
    if (positional.length !== 1) throw new UsageError(`${command} takes one preview JSON file (pulumi preview --json > preview.json)`);
    const allowed = command === "record" ? ["stack", "out", "preview-exit"] : ["approved-env"];
    for (const f of flags.keys()) if (!allowed.includes(f)) throw new UsageError(`${command} has no option --${f} (options: ${allowed.map((a) => `--${a}`).join(", ")})`);
    return { command, file: positional[0], flags };
}

/** The CLI; answers the exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): number {
    try {
        const { command, file, flags } = parseArgs(argv);
        const digest = parsePreview(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "", file);
        if (command === "record") {
            const stack = flags.get("stack");
            if (!stack) throw new UsageError("record needs --stack <stack>");
            const exit = Number(flags.get("preview-exit") ?? "0");
            if (!Number.isInteger(exit)) throw new UsageError(`--preview-exit takes the preview's exit code, not "${flags.get("preview-exit")}"`);
            const set = changeSet(stack, digest);
            out(renderApproval(set, digest, exit));
            const json = JSON.stringify(set);
            if (Buffer.byteLength(json) > MAX_OUTPUT_BYTES) {
                throw new Error(`the change set of ${stack} is ${Buffer.byteLength(json)} bytes, over the ${MAX_OUTPUT_BYTES} a job output holds: deploy this stack from a workstation (docs/ci.md), then let CI take over`);
            }
            if (flags.has("out")) fs.writeFileSync(flags.get("out")!, json + "\n");
            return 0;
        }
        const name = flags.get("approved-env");
        if (!name) throw new UsageError("verify needs --approved-env <VAR> (the variable holding the preview job's change set)");
        const raw = env[name];
        if (!raw) throw new Error(`${name} is empty: the preview job recorded no change set (did it run and succeed?)`);
        const approved = JSON.parse(raw) as ChangeSet;
        if (typeof approved.stack !== "string" || !Array.isArray(approved.changes)) throw new Error(`${name} is not a change set ({ stack, changes })`);
        const verdict = verifyMessage(approved, changeSet(approved.stack, digest));
        if (verdict) {
            err(verdict);
            return 1;
        }
        out(`${approved.stack}: ${approved.changes.length} approved change${approved.changes.length === 1 ? "" : "s"}, and nothing else, to apply.`);
        return 0;
    } catch (e) {
        err(`tools/approval.ts: ${(e as Error).message}`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), process.env, (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`), (s) => console.error(s));
}
