/** Checks several policies share. */
import { ReportViolation } from "@pulumi/policy";
import { ResourceView, UNKNOWN, advise, at, show } from "./props";

/** What a resource is called in messages: `<type name> <pulumi name>`, e.g. `rds cluster orders`. */
export function describe(r: { type: string; name: string }): string {
    const [pkg, mod] = r.type.split(":");
    const kind = r.type.slice(r.type.lastIndexOf(":") + 1);
    const family = pkg === "aws" ? mod.split("/")[0] : pkg;
    return `${family} ${kind.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} ${r.name}`;
}

/**
 * Requires `path` to equal `expected`. An absent value is a violation (unless `absentOk`); an
 * unknown one cannot be proven during preview and gets an advisory, never a violation.
 */
export function requireValue(
    policy: string,
    r: ResourceView,
    path: string,
    expected: unknown,
    report: ReportViolation,
    absentOk = false,
): void {
    const v = at(r.props, path);
    if (v === UNKNOWN) {
        advise(report, policy, `${describe(r)} ${path} cannot be verified during preview (unknown); it is checked again when known`, r.urn);
        return;
    }
    if (v === undefined && absentOk) return;
    if (v !== expected) report(`${describe(r)} must set ${path} to ${JSON.stringify(expected)}; it is ${show(v)}`, r.urn);
}
