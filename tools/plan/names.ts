/**
 * The physical names a plan gives AWS resources (the name fields of tools/plan/name-limits.ts, and
 * the DNS names: records, zones, certificates, CloudFront aliases), and the ones two environments
 * share. Environments may share an account (mall:accountBaseline) and always share the global
 * namespaces (S3 buckets, DNS, CloudFront aliases), so a shared name is a collision: the second
 * create fails ("already exists", CNAMEAlreadyExists), or one environment manages the other's resource.
 * Account-wide singletons whose name AWS fixes (service-linked roles) are not names the program
 * chooses: `mall:accountBaseline` says which environment creates each when two share an account.
 */
import { PlannedResource } from "./contract";
import { NAME_LIMITS } from "./name-limits";

/** Name-bearing inputs the limits table does not list: DNS names (global whatever the account) and IAM policy names. */
const OTHER_NAME_FIELDS: Readonly<Record<string, readonly string[]>> = {
    "aws:route53/record:Record": ["name"],
    "aws:route53/zone:Zone": ["name"],
    "aws:acm/certificate:Certificate": ["domainName", "subjectAlternativeNames"],
    "aws:cloudfront/distribution:Distribution": ["aliases"],
    "aws:iam/policy:Policy": ["name"],
};

/** Names unique only inside their parent (a role's inline policies, a rule's targets, a VPC's groups, a cluster's node groups, a backup plan's selections): never a collision across environments. */
const PARENT_SCOPED = new Set([
    "aws:iam/rolePolicy:RolePolicy",
    "aws:backup/selection:Selection",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:eks/nodeGroup:NodeGroup",
]);

export interface PhysicalName {
    readonly type: string;
    readonly field: string;
    readonly value: string;
    readonly urn: string;
}

/** Every account-, region- or globally-unique physical name the resources set, as planned (unresolved values are skipped). */
export function physicalNames(resources: readonly PlannedResource[]): PhysicalName[] {
    const out: PhysicalName[] = [];
    for (const r of resources) {
        if (!r.custom || !r.type.startsWith("aws:") || PARENT_SCOPED.has(r.type)) continue;
        const fields = [...(NAME_LIMITS[r.type] ?? []).map((l) => l.field), ...(OTHER_NAME_FIELDS[r.type] ?? [])];
        for (const field of new Set(fields)) {
            const v = r.inputs[field];
            for (const value of Array.isArray(v) ? v : [v]) {
                if (typeof value === "string" && value !== "") out.push({ type: r.type, field, value, urn: r.urn });
            }
        }
    }
    return out;
}

/** A name planned in more than one environment. */
export interface SharedName {
    readonly type: string;
    readonly value: string;
    /** environment -> the URNs that set it there. */
    readonly by: Readonly<Record<string, readonly string[]>>;
}

/** The names (type and value) planned by more than one environment. */
export function sharedNames(environments: readonly { readonly environment: string; readonly stacks: readonly { readonly resources: readonly PlannedResource[] }[] }[]): SharedName[] {
    const seen = new Map<string, { type: string; value: string; by: Map<string, string[]> }>();
    for (const env of environments) {
        for (const n of env.stacks.flatMap((s) => physicalNames(s.resources))) {
            const key = `${n.type}\u0000${n.value}`;
            const entry = seen.get(key) ?? { type: n.type, value: n.value, by: new Map<string, string[]>() };
            entry.by.set(env.environment, [...(entry.by.get(env.environment) ?? []), n.urn]);
            seen.set(key, entry);
        }
    }
    return [...seen.values()].filter((e) => e.by.size > 1).map((e) => ({ type: e.type, value: e.value, by: Object.fromEntries(e.by) }));
}
