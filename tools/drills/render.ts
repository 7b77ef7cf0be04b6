/** Renders `.plan/drills.json` for people: the terminal table of `npm run drill`. */
import { formatSeconds } from "../plan/scorecard";
import { LAMBDA_ASYNC_RETRY_DELAYS } from "./promotion";
import { DrillOutcome, DrillsReport } from "./simulate";

const seconds = (s: number | null) => (s === null ? "never" : formatSeconds(s));
const list = (xs: readonly string[]) => (xs.length === 0 ? "none" : xs.join(", "));

/** Per serving Region, the stores it cannot write ("-" when it writes all of them). */
export function unwritable(o: DrillOutcome): string {
    const parts = Object.entries(o.writable)
        .map(([region, stores]) => [region, Object.entries(stores).filter(([, ok]) => !ok).map(([k]) => k)] as const)
        .filter(([, bad]) => bad.length > 0)
        .map(([region, bad]) => `${region}: ${bad.join(", ")}`);
    return parts.length === 0 ? "-" : parts.join("; ");
}

export function drillRows(report: DrillsReport): string[][] {
    return [
        ["scenario", "promoted", "traffic to", "RTO", "traffic moved", "data loss", "notified", "not writable", "target"],
        ...report.scenarios.map((o) => [
            o.id,
            list(o.promoted),
            list(o.trafficTo),
            `${o.rtoLowerBound ? "≥" : ""}${seconds(o.rtoSeconds)}`,
            seconds(o.trafficSeconds),
            o.dataLoss ? "possible" : "no",
            list(o.notified),
            unwritable(o),
            o.unknown ? "not simulated: Region switch plan" : o.wrong.length === 0 ? "met" : "MISSED",
        ]),
    ];
}

function table(rows: readonly (readonly string[])[]): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}

export function renderDrills(report: DrillsReport, options: { readonly timeline?: boolean } = {}): string {
    const out = [`DR drills over ${report.regions.join(", ")}:`, ...table(drillRows(report)), ""];
    for (const o of report.scenarios) {
        out.push(`${o.unknown ? "?" : o.wrong.length === 0 ? "✓" : "✗"} ${o.id}: ${o.description}. Target: ${o.target}.`);
        for (const w of o.wrong) out.push(`    wrong: ${w}`);
        if (options.timeline) for (const t of o.timeline) out.push(`    t=${formatSeconds(t.atSeconds)}: ${t.event}`);
    }
    out.push("", "Promotion durations (hand-written, from AWS documentation; ≥: AWS says only \"minutes\", so RTOs built on them are lower bounds):");
    out.push(...table([["store", "seconds", "source"], ...Object.entries(report.promotionSeconds).map(([k, v]) => [k, `${v.lowerBound ? "≥" : ""}${v.seconds}`, v.source])]).map((l) => `  ${l}`));
    out.push(`Lambda runs a failed asynchronous invocation again after ${LAMBDA_ASYNC_RETRY_DELAYS.seconds.join(" s, then ")} s (${LAMBDA_ASYNC_RETRY_DELAYS.source}).`);
    out.push("", ...report.notes.map((n) => `Note: ${n}`));
    return out.join("\n");
}
