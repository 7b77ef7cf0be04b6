/** IAM policy documents arrive as JSON strings or objects; this reads both. */
import { UNKNOWN, Unknown, isUnknown } from "./props";

export interface Statement {
    readonly Effect?: unknown;
    readonly Action?: unknown;
    readonly NotAction?: unknown;
    readonly Resource?: unknown;
    readonly NotResource?: unknown;
    readonly Principal?: unknown;
    readonly NotPrincipal?: unknown;
    readonly Condition?: unknown;
    readonly Sid?: unknown;
}

/**
 * The statements of a policy document: `undefined` when absent or unparseable, `UNKNOWN` when it
 * (or a string inside it) is not known yet.
 */
export function statements(doc: unknown): Statement[] | Unknown | undefined {
    if (doc === undefined || doc === null) return undefined;
    if (isUnknown(doc)) return UNKNOWN;
    let parsed: unknown = doc;
    if (typeof doc === "string") {
        if ([...UNKNOWN_MARKERS].some((m) => doc.includes(m))) return UNKNOWN;
        try {
            parsed = JSON.parse(doc);
        } catch {
            return undefined;
        }
    }
    if (!parsed || typeof parsed !== "object") return undefined;
    const s = (parsed as { Statement?: unknown }).Statement;
    if (isUnknown(s)) return UNKNOWN;
    if (Array.isArray(s)) return s.filter((x): x is Statement => !!x && typeof x === "object");
    return s && typeof s === "object" ? [s as Statement] : [];
}

const UNKNOWN_MARKERS = new Set(["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]);

/** How messages name a statement: its Sid, else its index. */
export function statementLabel(s: Statement, i: number): string {
    return typeof s.Sid === "string" ? `statement ${s.Sid}` : `statement ${i}`;
}

/** A string-or-list field as a list of strings. */
export function strings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
    return [];
}

/** Whether an IAM action pattern (`iam:Pass*`, `STS:AssumeRole`) grants `action` (case-insensitive, `*` and `?` wildcards). */
export function grantsAction(pattern: string, action: string): boolean {
    return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i").test(action);
}
