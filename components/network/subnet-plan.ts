/**
 * The subnet plan of a regional VPC (ARCHITECTURE §2): three tiers × N AZs of equal blocks,
 * laid out tier-major from the start of the VPC CIDR, so with a /16, /20 blocks and 3 AZs:
 * public 10.x.0/16/32, private 10.x.48/64/80, data 10.x.96/112/128 (the seed deck's numbers).
 * Pure: the component loops over these records; config validation uses `subnetPlanProblem`.
 */
import { Cidr, formatCidr, nthSubnet, parseCidr } from "./cidr";

export const TIERS = ["public", "private", "data"] as const;
export type Tier = (typeof TIERS)[number];

/** What each tier is for; written into the subnets' tags. */
export const TIER_PURPOSE: Record<Tier, string> = {
    public: "load balancers and NAT gateways; no instances",
    private: "EKS nodes and pods",
    data: "Aurora, DocumentDB, ElastiCache, MSK, OpenSearch",
};

/** Default subnet size: a /20 (4,096 addresses) per tier per AZ. */
export const DEFAULT_SUBNET_PREFIX = 20;

export interface PlannedSubnet {
    readonly tier: Tier;
    /** 0-based AZ index; the component maps it to a zone name. */
    readonly azIndex: number;
    /** AZ letter suffix used in names: a, b, c … */
    readonly azSuffix: string;
    readonly cidr: string;
}

export interface SubnetPlanInput {
    readonly vpcCidr: string;
    readonly azCount: number;
    /** Prefix length of every subnet. @default 20 */
    readonly subnetPrefix?: number;
}

/** Why the plan cannot be laid out in `vpcCidr`, or undefined when it can. */
export function subnetPlanProblem(input: SubnetPlanInput): string | undefined {
    const vpc = parseCidr(input.vpcCidr);
    const prefix = input.subnetPrefix ?? DEFAULT_SUBNET_PREFIX;
    if (!vpc) return `"${input.vpcCidr}" is not an IPv4 CIDR`;
    if (!Number.isInteger(input.azCount) || input.azCount < 1) return `AZ count ${input.azCount} must be a positive integer`;
    if (prefix <= vpc.prefix) {
        return `a /${vpc.prefix} cannot hold /${prefix} subnets`;
    }
    const needed = TIERS.length * input.azCount;
    const available = 2 ** (prefix - vpc.prefix);
    if (needed > available) {
        return `${TIERS.length} tiers × ${input.azCount} AZs of /${prefix} need ${needed} blocks, a /${vpc.prefix} holds ${available}`;
    }
    return undefined;
}

export function planSubnets(input: SubnetPlanInput): PlannedSubnet[] {
    const problem = subnetPlanProblem(input);
    if (problem) throw new Error(`cannot plan subnets for ${input.vpcCidr}: ${problem}`);
    const vpc = parseCidr(input.vpcCidr) as Cidr;
    const prefix = input.subnetPrefix ?? DEFAULT_SUBNET_PREFIX;
    return TIERS.flatMap((tier, t) =>
        Array.from({ length: input.azCount }, (_, az) => ({
            tier,
            azIndex: az,
            azSuffix: azSuffix(az),
            cidr: formatCidr(nthSubnet(vpc, prefix, t * input.azCount + az)),
        })),
    );
}

export function azSuffix(index: number): string {
    return String.fromCharCode("a".charCodeAt(0) + index);
}

/**
 * Which NAT gateway serves each AZ's private route table: AZ i uses NAT i when there is one
 * per AZ (AZ independence); with fewer, AZs share round-robin.
 */
export function natForAz(azIndex: number, natCount: number): number {
    return azIndex % natCount;
}
