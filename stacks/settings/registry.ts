/**
 * The region registries, project-level config in Pulumi.yaml: region -> CIDR and role, one per
 * environment. Production's is `mall:regions` (its stacks are named after their region); every
 * other environment declares its own under `mall:environments.<env>.regions` (its stacks are
 * `<env>-<region>`). Written once; the program derives peers and routes from the stack's
 * environment's registry and the policy pack reads the same one to prove that no two CIDRs overlap.
 */
import { regionProblem } from "./aws-regions";
import { contains, formatCidr, isNetworkAddress, networkOf, overlaps, parseCidr, type Cidr } from "../../components/network/cidr";

/** RFC 1918: the only ranges a registry CIDR may come from. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);
import { subnetPlanProblem } from "../../components/network/subnet-plan";
import { ConfigReader } from "./reader";

import type { RegionRole } from "../../components/common/context";

/** Production's registry. */
export const REGISTRY_KEY = "mall:regions";
/** Every other environment's registry (and failover order), by environment name. */
export const ENVIRONMENTS_KEY = "mall:environments";
export const PRODUCTION = "production";
/** Environment names: short, because they become part of physical names (`mall-<env>-<region>-…`). */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,9}$/;

/** Where `environment`'s registry is written. */
export function registryKey(environment: string): string {
    return environment === PRODUCTION ? REGISTRY_KEY : `${ENVIRONMENTS_KEY}.${environment}.regions`;
}

/** Where `environment`'s failover order is written. */
export function failoverOrderKey(environment: string): string {
    return environment === PRODUCTION ? FAILOVER_ORDER_KEY : `${ENVIRONMENTS_KEY}.${environment}.failoverOrder`;
}

/** The stack that runs `region` in `environment`: production's are named after their region, the others' `<env>-<region>`. */
export function stackName(environment: string, region: string): string {
    return environment === PRODUCTION ? region : `${environment}-${region}`;
}

/** The prefix of every physical name a stack of `environment` creates: `mall` in production, `mall-<env>` elsewhere. */
export function namePrefix(project: string, environment: string): string {
    return environment === PRODUCTION ? project : `${project}-${environment}`;
}

/** One declared non-production environment, as written in `mall:environments.<env>` (validated by readRegistry). */
export interface EnvironmentEntry {
    readonly regions?: unknown;
    readonly failoverOrder?: unknown;
}

/** `mall:environments` as declared (validated by checkEnvironments for the stack's own environment). */
export interface Environments {
    /** Name -> its raw entry. */
    readonly declared: ReadonlyMap<string, unknown>;
    /** Set, but not a map of environments. */
    readonly malformed: boolean;
}

/** `mall:environments`, unvalidated: every stack sees it (project-level), and judges only what concerns it (checkEnvironments). */
export function readEnvironments(r: ConfigReader): Environments {
    const raw = r.json(ENVIRONMENTS_KEY, { default: "none: production only (`mall:regions`)" });
    const map = raw !== null && typeof raw === "object" && !Array.isArray(raw);
    return { declared: new Map(map ? Object.entries(raw as Record<string, unknown>) : []), malformed: raw !== undefined && !map };
}

/** The environments a stack may name: production and every declared one with a usable name. */
export function knownEnvironments(environments: Environments): string[] {
    return [PRODUCTION, ...[...environments.declared.keys()].filter((k) => k !== PRODUCTION && ENVIRONMENT_NAME.test(k))];
}

/**
 * The problems of `mall:environments` that concern a stack of `environment`: production's stacks
 * hear only of a `production` entry (production's registry is mall:regions); another
 * environment's stacks hear of the declaration's shape, names that cannot be environments, and
 * their own entry's fields. A mistake in one environment's declaration never blocks another's deploy.
 */
export function checkEnvironments(r: ConfigReader, environment: string, environments: Environments): void {
    const example = `${ENVIRONMENTS_KEY}: { value: { staging: { regions: { us-east-1: { cidr: 10.16.0.0/16, role: primary } } } } }`;
    const production = environment === PRODUCTION;
    if (environments.malformed) {
        if (!production) r.problem(`${ENVIRONMENTS_KEY} must be a map of environment name to { regions, failoverOrder? } in Pulumi.yaml, e.g. ${example}`);
        return;
    }
    for (const [name, value] of environments.declared) {
        const key = `${ENVIRONMENTS_KEY}.${name}`;
        if (name === PRODUCTION) {
            if (production) r.problem(`${key}: production's registry is ${REGISTRY_KEY} (its stacks keep their region names); move these regions there or rename the environment`);
        } else if (production) {
            continue;
        } else if (!ENVIRONMENT_NAME.test(name)) {
            r.problem(`${key}: "${name}" is not an environment name: 2-10 lower-case letters and digits, starting with a letter (it prefixes stack and physical names, e.g. staging-us-east-1)`);
        } else if (name !== environment) {
            continue;
        } else if (typeof value !== "object" || value === null || Array.isArray(value)) {
            r.problem(`${key} must be an object { regions, failoverOrder? }, e.g. ${example}`);
        } else {
            for (const k of Object.keys(value).filter((k) => k !== "regions" && k !== "failoverOrder")) r.problem(`${key}.${k} is not an environment field; allowed: regions, failoverOrder`);
        }
    }
}

export { RegionRole };

export interface RegionEntry {
    readonly name: string;
    readonly cidr: string;
    readonly role: RegionRole;
    /** Transit Gateway ASN; unique per region so peered TGWs never clash. @default 64512 + the CIDR's second octet */
    readonly asn: number;
}

export interface RegionRegistry {
    readonly regions: readonly RegionEntry[];
    readonly primary: RegionEntry;
    readonly secondaries: readonly RegionEntry[];
    /**
     * The successors of the primary, in the order they take over (`mall:failoverOrder`): every
     * secondary once, never the primary. Only the first healthy one promotes the stores.
     * @default the secondaries in registry order
     */
    readonly failoverOrder: readonly string[];
}

/**
 * The Transit Gateway's Amazon-side ASN when a registry entry sets none: 64512 plus the CIDR's
 * second octet (10.0.0.0/16 → 64512, 10.1.0.0/16 → 64513). The policy pack derives it the same
 * way (policy/lib/cidr.ts derivedAsn; a test keeps the two equal).
 */
export function derivedTransitGatewayAsn(cidr: Cidr): number {
    return 64512 + (Math.floor(cidr.base / 2 ** 16) % 256);
}

export const FAILOVER_ORDER_KEY = "mall:failoverOrder";

/** The successors before `region` in the failover order (none for the first, nor for the primary). */
export function successorsBefore(registry: Pick<RegionRegistry, "failoverOrder">, region: string): string[] {
    const at = registry.failoverOrder.indexOf(region);
    return at < 0 ? [] : registry.failoverOrder.slice(0, at);
}

/**
 * The registry's order. Pulumi hands structured config to the program as JSON with sorted keys (Go
 * maps), so the file's order never reaches a real run: regions are ordered by their CIDR instead
 * (each region added takes the next range). The order decides which secondary links DSQL with the
 * primary (the first), the default failover order, and which secondaries a stack reads (those
 * before it). A comparator; unusable CIDRs sort last (their problems stop the run anyway).
 */
export function byCidr<T>(cidrOf: (entry: T) => unknown): (a: T, b: T) => number {
    const base = (e: T) => {
        const c = cidrOf(e);
        return (typeof c === "string" ? parseCidr(c)?.base : undefined) ?? Number.MAX_SAFE_INTEGER;
    };
    return (a, b) => base(a) - base(b);
}

/** A raw registry map with its entries in registry order (byCidr). */
export function inRegistryOrder<T extends { readonly cidr?: unknown }>(raw: Readonly<Record<string, T>>): Record<string, T> {
    return Object.fromEntries(Object.entries(raw).sort(byCidr(([, v]) => v?.cidr)));
}

/** The secondaries registered before `self` (registry order): the stacks it links to besides the primary. */
export function secondariesBefore(regions: readonly { readonly name: string; readonly role?: string }[], self: string): string[] {
    const at = regions.findIndex((e) => e.name === self);
    return regions.slice(0, Math.max(at, 0)).filter((e) => e.role === "secondary").map((e) => e.name);
}

const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Reads and validates the registry; problems go to the reader. Undefined when unusable. The
 * subnet plan is checked for this stack's own entry only: other regions lay out their subnets
 * with their own mall:azCount and mall:subnetPrefix.
 */
export function readRegistry(
    r: ConfigReader,
    self: { region: string; azCount: number; subnetPrefix: number },
    environment: string = PRODUCTION,
    environments: Environments = { declared: new Map(), malformed: false },
): RegionRegistry | undefined {
    const production = environment === PRODUCTION;
    const registryName = registryKey(environment);
    const orderKey = failoverOrderKey(environment);
    // Every stack sees every project-level key: production's registry is not this environment's.
    const raw = production ? r.json(registryName, { required: true }) : (r.has(REGISTRY_KEY), entryOf(environments, environment)?.regions);
    const fix = production
        ? `declare it once in Pulumi.yaml under config, e.g. ${registryName}: { value: { us-east-1: { cidr: 10.0.0.0/16, role: primary } } }`
        : `declare it once in Pulumi.yaml under config, e.g. ${ENVIRONMENTS_KEY}: { value: { ${environment}: { regions: { us-east-1: { cidr: 10.16.0.0/16, role: primary } } } } }`;
    if (raw === undefined) {
        r.problem(`${registryName} is not set; ${fix}`);
        return undefined;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
        r.problem(`${registryName} must be a map of region name to { cidr, role }; ${fix}`);
        return undefined;
    }
    const before = r.problems.length;
    const entries: RegionEntry[] = [];
    /** Regions whose asn the registry sets (the others derive theirs from the CIDR). */
    const explicitAsn = new Set<string>();
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        const key = `${registryName}.${name}`;
        if (!REGION_NAME.test(name)) {
            r.problem(`${key}: "${name}" is not an AWS region name (like us-east-1)`);
        } else {
            const unknown = regionProblem(name);
            if (unknown) r.problem(`${key}: ${unknown}`);
        }
        if (typeof value !== "object" || value === null) {
            r.problem(`${key} must be an object { cidr, role }`);
            continue;
        }
        const v = value as Record<string, unknown>;
        const cidrText = typeof v.cidr === "string" ? v.cidr : undefined;
        const cidr = cidrText === undefined ? undefined : parseCidr(cidrText);
        if (cidrText === undefined) {
            r.problem(`${key}.cidr is not set; give the region a private /16 such as 10.${entries.length}.0.0/16`);
        } else if (!cidr) {
            r.problem(`${key}.cidr "${cidrText}" is not an IPv4 CIDR; use a network address like 10.1.0.0/16`);
        } else if (!isNetworkAddress(cidr)) {
            r.problem(`${key}.cidr "${cidrText}" has host bits set; did you mean ${formatCidr(networkOf(cidr))}?`);
        } else if (cidr.prefix < 16 || cidr.prefix > 28) {
            r.problem(`${key}.cidr "${cidrText}" must be between /16 and /28 (the VPC size limits); use a /16`);
        } else if (!PRIVATE_RANGES.some((p) => contains(p, cidr))) {
            r.problem(`${key}.cidr "${cidrText}" is not private address space (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); a VPC on public addresses cannot reach whoever owns them, use a range like 10.${entries.length}.0.0/16`);
        } else if (name === self.region) {
            const tooSmall = subnetPlanProblem({ vpcCidr: cidrText, azCount: self.azCount, subnetPrefix: self.subnetPrefix });
            if (tooSmall) {
                r.problem(
                    `${key}.cidr "${cidrText}" is too small for this stack's subnet plan: ${tooSmall}; lower mall:azCount, or raise mall:subnetPrefix (smaller subnets)${cidr.prefix > 16 ? ", or give the region a /16" : ""}`,
                );
            }
        }
        const role = v.role;
        if (role !== "primary" && role !== "secondary") {
            r.problem(`${key}.role ${role === undefined ? "is not set" : `"${String(role)}" is not allowed`}; it must be primary or secondary`);
        }
        // Unknowable while the CIDR is broken: NaN never clashes, so one mistake is reported once.
        const asn = v.asn === undefined ? (cidr ? derivedTransitGatewayAsn(cidr) : NaN) : v.asn;
        if (v.asn !== undefined && (typeof asn !== "number" || !Number.isInteger(asn) || asn < 64512 || asn > 65534)) {
            r.problem(`${key}.asn "${String(v.asn)}" must be a private ASN between 64512 and 65534`);
        }
        const unknown = Object.keys(v).filter((k) => !["cidr", "role", "asn"].includes(k));
        for (const k of unknown) r.problem(`${key}.${k} is not a registry field; allowed: cidr, role, asn`);
        entries.push({ name, cidr: cidrText ?? "", role: role as RegionRole, asn: asn as number });
        if (v.asn !== undefined) explicitAsn.add(name);
    }

    for (let i = 0; i < entries.length; i++) {
        for (let j = 0; j < i; j++) {
            const a = parseCidr(entries[j].cidr);
            const b = parseCidr(entries[i].cidr);
            const overlapping = Boolean(a && b && overlaps(a, b));
            if (overlapping) {
                r.problem(
                    `${registryName}.${entries[i].name}.cidr "${entries[i].cidr}" overlaps ${entries[j].name} (${entries[j].cidr}); pick a disjoint /16 (Transit Gateway peering cannot route overlapping CIDRs)`,
                );
            }
            const derived = !explicitAsn.has(entries[i].name) && !explicitAsn.has(entries[j].name);
            // Two derived ASNs of overlapping CIDRs clash because the CIDRs do: fixing the CIDR fixes both.
            if (entries[i].asn === entries[j].asn && !(derived && overlapping)) {
                r.problem(
                    derived
                        ? `${registryName}.${entries[i].name} and ${entries[j].name} derive the same Transit Gateway asn ${entries[i].asn} (64512 + the CIDRs' second octet, ${entries[i].cidr} and ${entries[j].cidr}); set a distinct asn on one of them`
                        : `${registryName}.${entries[i].name}.asn ${entries[i].asn} is also ${entries[j].name}'s; set a distinct asn on one of them`,
                );
            }
        }
    }
    entries.sort(byCidr((e) => e.cidr));
    const primaries = entries.filter((e) => e.role === "primary");
    if (primaries.length === 0) {
        r.problem(`${registryName} has no primary region; set role: primary on exactly one region`);
    } else if (primaries.length > 1) {
        r.problem(
            `${registryName} has ${primaries.length} primaries (${primaries.map((p) => p.name).join(", ")}); exactly one region must have role: primary, the others secondary`,
        );
    }
    const secondaries = entries.filter((e) => e.role === "secondary").map((e) => e.name);
    // Active-active: every region has a peer to fail over to, and the evacuation drill a peer's alarm to stop on.
    if (primaries.length === 1 && entries.length === 1) {
        r.problem(`${registryName} has one region (${primaries[0].name}); the platform is active-active and needs at least two: add a secondary (README "Adding a region")`);
    }
    const failoverOrder = production ? r.stringList(orderKey, secondaries) : environmentFailoverOrder(r, environment, entryOf(environments, environment), secondaries);
    if (primaries.length === 1 && failoverOrder.includes(primaries[0].name)) {
        r.problem(`${orderKey} names the primary ${primaries[0].name}; it lists the primary's successors only: ${JSON.stringify(secondaries)}`);
    }
    const unknown = failoverOrder.filter((n) => !entries.some((e) => e.name === n));
    if (unknown.length > 0) r.problem(`${orderKey} names ${unknown.join(", ")}, not in ${registryName} (${entries.map((e) => e.name).join(", ")})`);
    const twice = failoverOrder.filter((n, i) => failoverOrder.indexOf(n) !== i);
    if (twice.length > 0) r.problem(`${orderKey} lists ${[...new Set(twice)].join(", ")} more than once; each secondary takes over at one place in the order`);
    const missing = secondaries.filter((n) => !failoverOrder.includes(n));
    if (missing.length > 0) r.problem(`${orderKey} leaves out ${missing.join(", ")}; list every secondary once, e.g. ${JSON.stringify(secondaries)}`);
    if (r.problems.length > before) return undefined;
    return { regions: entries, primary: primaries[0], secondaries: entries.filter((e) => e.role === "secondary"), failoverOrder };
}

/** An environment's entry when it is an object (checkEnvironments reports one that is not). */
function entryOf(environments: Environments, environment: string): EnvironmentEntry | undefined {
    const v = environments.declared.get(environment);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as EnvironmentEntry) : undefined;
}

/**
 * A non-production environment's failover order (`mall:environments.<env>.failoverOrder`).
 * Production's `mall:failoverOrder` is project-level, so every stack sees it: here it is not this
 * environment's, and ignored.
 */
function environmentFailoverOrder(r: ConfigReader, environment: string, entry: EnvironmentEntry | undefined, secondaries: readonly string[]): string[] {
    r.has(FAILOVER_ORDER_KEY);
    const value = entry?.failoverOrder;
    if (value === undefined) return [...secondaries];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
        r.problem(`${failoverOrderKey(environment)} must be a list of region names, e.g. ${JSON.stringify(secondaries)}`);
        return [...secondaries];
    }
    return value as string[];
}
