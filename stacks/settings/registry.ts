/**
 * The region registry (`mall:regions`, project-level config in Pulumi.yaml): region -> CIDR and
 * role. Written once; the program derives peers and routes from it and the policy pack reads the
 * same key to prove that no two CIDRs overlap.
 */
import { formatCidr, isNetworkAddress, networkOf, overlaps, parseCidr } from "../../components/network/cidr";
import { subnetPlanProblem } from "../../components/network/subnet-plan";
import { ConfigReader } from "./reader";

export const REGISTRY_KEY = "mall:regions";
import type { RegionRole } from "../../components/common/context";

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

export const FAILOVER_ORDER_KEY = "mall:failoverOrder";

/** The successors before `region` in the failover order (none for the first, nor for the primary). */
export function successorsBefore(registry: Pick<RegionRegistry, "failoverOrder">, region: string): string[] {
    const at = registry.failoverOrder.indexOf(region);
    return at < 0 ? [] : registry.failoverOrder.slice(0, at);
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
export function readRegistry(r: ConfigReader, self: { region: string; azCount: number; subnetPrefix: number }): RegionRegistry | undefined {
    const raw = r.json(REGISTRY_KEY, { required: true });
    const fix = `declare it once in Pulumi.yaml under config, e.g. ${REGISTRY_KEY}: { value: { us-east-1: { cidr: 10.0.0.0/16, role: primary } } }`;
    if (raw === undefined) {
        r.problem(`${REGISTRY_KEY} is not set; ${fix}`);
        return undefined;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
        r.problem(`${REGISTRY_KEY} must be a map of region name to { cidr, role }; ${fix}`);
        return undefined;
    }
    const before = r.problems.length;
    const entries: RegionEntry[] = [];
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        const key = `${REGISTRY_KEY}.${name}`;
        if (!REGION_NAME.test(name)) {
            r.problem(`${key}: "${name}" is not an AWS region name (like us-east-1)`);
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
        const derivedAsn = cidr ? 64512 + (Math.floor(cidr.base / 2 ** 16) % 256) : NaN;
        const asn = v.asn === undefined ? derivedAsn : v.asn;
        if (v.asn !== undefined && (typeof asn !== "number" || !Number.isInteger(asn) || asn < 64512 || asn > 65534)) {
            r.problem(`${key}.asn "${String(v.asn)}" must be a private ASN between 64512 and 65534`);
        }
        const unknown = Object.keys(v).filter((k) => !["cidr", "role", "asn"].includes(k));
        for (const k of unknown) r.problem(`${key}.${k} is not a registry field; allowed: cidr, role, asn`);
        entries.push({ name, cidr: cidrText ?? "", role: role as RegionRole, asn: asn as number });
    }

    for (let i = 0; i < entries.length; i++) {
        for (let j = 0; j < i; j++) {
            const a = parseCidr(entries[j].cidr);
            const b = parseCidr(entries[i].cidr);
            if (a && b && overlaps(a, b)) {
                r.problem(
                    `${REGISTRY_KEY}.${entries[i].name}.cidr "${entries[i].cidr}" overlaps ${entries[j].name} (${entries[j].cidr}); pick a disjoint /16 (Transit Gateway peering cannot route overlapping CIDRs)`,
                );
            }
            if (entries[i].asn === entries[j].asn) {
                r.problem(
                    `${REGISTRY_KEY}.${entries[i].name}.asn ${entries[i].asn} is also ${entries[j].name}'s; set a distinct asn on one of them`,
                );
            }
        }
    }
    const primaries = entries.filter((e) => e.role === "primary");
    if (primaries.length === 0) {
        r.problem(`${REGISTRY_KEY} has no primary region; set role: primary on exactly one region`);
    } else if (primaries.length > 1) {
        r.problem(
            `${REGISTRY_KEY} has ${primaries.length} primaries (${primaries.map((p) => p.name).join(", ")}); exactly one region must have role: primary, the others secondary`,
        );
    }
    const secondaries = entries.filter((e) => e.role === "secondary").map((e) => e.name);
    const failoverOrder = r.stringList(FAILOVER_ORDER_KEY, secondaries);
    if (primaries.length === 1 && failoverOrder.includes(primaries[0].name)) {
        r.problem(`${FAILOVER_ORDER_KEY} names the primary ${primaries[0].name}; it lists the primary's successors only: ${JSON.stringify(secondaries)}`);
    }
    const unknown = failoverOrder.filter((n) => !entries.some((e) => e.name === n));
    if (unknown.length > 0) r.problem(`${FAILOVER_ORDER_KEY} names ${unknown.join(", ")}, not in ${REGISTRY_KEY} (${entries.map((e) => e.name).join(", ")})`);
    const twice = failoverOrder.filter((n, i) => failoverOrder.indexOf(n) !== i);
    if (twice.length > 0) r.problem(`${FAILOVER_ORDER_KEY} lists ${[...new Set(twice)].join(", ")} more than once; each secondary takes over at one place in the order`);
    const missing = secondaries.filter((n) => !failoverOrder.includes(n));
    if (missing.length > 0) r.problem(`${FAILOVER_ORDER_KEY} leaves out ${missing.join(", ")}; list every secondary once, e.g. ${JSON.stringify(secondaries)}`);
    if (r.problems.length > before) return undefined;
    return { regions: entries, primary: primaries[0], secondaries: entries.filter((e) => e.role === "secondary"), failoverOrder };
}
