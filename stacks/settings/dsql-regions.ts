/**
 * Aurora DSQL's multi-Region region sets, vendored so a linked pair or witness AWS would refuse is
 * refused before anything is created. A multi-Region cluster's peered clusters and its witness must
 * all lie in one set: "Multi-Region clusters must be created within a single Region set. For
 * example, you can't create a cluster that includes both US East (N. Virginia) and Europe
 * (Ireland) Regions. [...] Aurora DSQL currently doesn't support cross-continent multi-Region
 * clusters."
 *
 * Sources, read on 2026-11-28:
 * - Aurora DSQL User Guide, "Region availability" / "Multi-Region cluster availability"
 *   (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html), as
 *   published in AWS's awslabs/aurora-dsql-starter-kit, documentation/docs/what-is-amazon-aurora-dsql.md
 *   (last changed 2025-12-16): the US, Asia Pacific and Europe sets below, without the four later Regions.
 * - Aurora DSQL User Guide, release notes, 2026-07-31: "Multi-Region clusters are now available in
 *   Europe (Stockholm), Europe (Spain), Asia Pacific (Mumbai), and Asia Pacific (Singapore)." The
 *   notes do not list the sets; each joins its continent's set, since sets never cross continents.
 * A Region AWS adds later is one line here, which the refusal message says.
 */
export const DSQL_REGION_SETS_AS_OF = "2026-11-28";

export const DSQL_REGION_SETS: Readonly<Record<string, readonly string[]>> = {
    US: ["us-east-1", "us-east-2", "us-west-2"],
    "Asia Pacific": ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1"],
    Europe: ["eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-2"],
};

/** The name of the region set `region` belongs to, or undefined when DSQL has no multi-Region cluster there. */
export function dsqlRegionSet(region: string): string | undefined {
    return Object.keys(DSQL_REGION_SETS).find((set) => DSQL_REGION_SETS[set].includes(region));
}

const where = `stacks/settings/dsql-regions.ts, as of ${DSQL_REGION_SETS_AS_OF}`;

/**
 * What AWS would refuse in a DSQL multi-Region cluster of `linked` (the primary and the first
 * secondary) with `witness`, each problem naming the key to change: a witness that is one of them,
 * a Region without multi-Region clusters, or regions from two sets.
 */
export function dsqlRegionProblems(linked: readonly string[], witness: string, keys: { readonly registry: string; readonly witness: string }): string[] {
    if (linked.includes(witness)) {
        return [`${keys.witness} "${witness}" is one of the linked regions (${linked.join(", ")}); the witness must be a third region${suggestion(linked)}`];
    }
    const problems: string[] = [];
    const unknown = linked.filter((r) => !dsqlRegionSet(r));
    for (const r of unknown) {
        const role = r === linked[0] ? "the primary" : "the first secondary, which the data layer links with the primary";
        problems.push(`${keys.registry}: Aurora DSQL has no multi-Region clusters in ${r} (${role}); use a region of a DSQL region set (${setList()}), or add ${r} to its set in ${where} if AWS has added it since`);
    }
    if (!dsqlRegionSet(witness)) {
        problems.push(`${keys.witness} "${witness}" cannot witness an Aurora DSQL multi-Region cluster (no region set has it: ${setList()}; ${where})${suggestion(linked)}`);
    }
    if (unknown.length > 0 || problems.length > 0) return problems;
    const [first, second] = linked;
    const set = dsqlRegionSet(first)!;
    if (second && dsqlRegionSet(second) !== set) {
        problems.push(
            `${keys.registry}: the data layer links Aurora DSQL clusters in the primary ${first} (${set} set) and the first secondary ${second} (${dsqlRegionSet(second)} set), but a multi-Region cluster must lie within one region set (no cross-continent clusters); the registry is ordered by CIDR, so give a secondary from the ${set} set (${others(set, linked)}) a lower CIDR than ${second}'s`,
        );
        return problems;
    }
    if (dsqlRegionSet(witness) !== set) {
        problems.push(`${keys.witness} "${witness}" is in Aurora DSQL's ${dsqlRegionSet(witness)} region set, but the linked clusters (${linked.join(", ")}) are in the ${set} set; the witness must share their set${suggestion(linked)}`);
    }
    return problems;
}

function setList(): string {
    return Object.entries(DSQL_REGION_SETS).map(([name, regions]) => `${name}: ${regions.join(", ")}`).join("; ");
}

function others(set: string, linked: readonly string[]): string {
    return DSQL_REGION_SETS[set].filter((r) => !linked.includes(r)).join(", ");
}

/** "; use <a region of the linked pair's set that is neither of them>" when the pair's set has one. */
function suggestion(linked: readonly string[]): string {
    const set = linked.length > 0 ? dsqlRegionSet(linked[0]) : undefined;
    const candidates = set && linked.every((r) => dsqlRegionSet(r) === set) ? others(set, linked) : "";
    return candidates ? `; use ${candidates.replace(/, /g, " or ")}` : "";
}
