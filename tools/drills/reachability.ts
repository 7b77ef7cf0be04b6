/**
 * Whether a probe's packets are admitted by the load balancer it reaches. The simulator asks the
 * shared reachability model (`flowReachability`, over tools/reachability `checkFlows`); the plain
 * security-group reading (`planReachability`) answers for probes the flow table has no row for.
 */
import { healthCheckersList, managedPrefixListId } from "../plan/mock-ids";
import { checkFlows, regionsOf } from "../reachability/check";
import { StackPlanInput } from "../reachability/model";
import { DrillModel, StoreKind } from "./model";

export interface Probe {
    /** A Synthetics canary (Lambda egress, or NAT gateways with vpcConfig) or a Route 53 health checker. */
    readonly kind: "canary" | "health-check";
    readonly fromRegion: string;
    /** The load balancer DNS name the probe connects to. */
    readonly target: string;
    /** Canary only: runs inside a VPC (egress through that Region's NAT gateways). */
    readonly inVpc?: boolean;
}

export type ProbeReachability = (probe: Probe) => boolean;

/**
 * Whether a Region's services reach a store's member in `to` to write it (a single writer there,
 * or DSQL's public endpoint): the cross-Region write paths of the flow table (components/network/flows.ts).
 */
export type WritePaths = (from: string, store: StoreKind, to: string) => boolean;

/** Hand-made stacks have no flow table: no cross-Region write path beyond Aurora's forwarding. */
export const noWritePaths: WritePaths = () => false;

const WRITE_ROW_STORES: Readonly<Record<string, StoreKind>> = { "data:docdb": "docdb", "data:cache": "elasticache" };

/**
 * The admitted write rows of the shared model, over every writer state (a row applies when its
 * target holds the writer): `eks-nodes@r -> data:docdb|cache@w` and `eks-nodes@r -> aws-api:dsql@x`.
 */
export function flowWritePaths(stacks: readonly StackPlanInput[]): WritePaths {
    const admitted = new Set<string>();
    for (const { name: writer } of regionsOf(stacks)) {
        for (const r of checkFlows(stacks, { writerRegion: writer })) {
            const { from, to } = r.row;
            if (!r.admitted || from.kind !== "group" || from.role !== "eks-nodes") continue;
            if (to.kind === "group" && WRITE_ROW_STORES[to.role]) admitted.add(`${from.region}|${WRITE_ROW_STORES[to.role]}|${to.region}`);
            if (to.kind === "aws-api" && to.service === "dsql") admitted.add(`${from.region}|dsql|${to.region}`);
        }
    }
    return (from, store, to) => admitted.has(`${from}|${store}|${to}`);
}

interface Ingress {
    readonly fromPort?: number;
    readonly toPort?: number;
    readonly protocol: string;
    readonly cidrs: string[];
    /** The managed prefix list's id (`pl-…`) the rule names. */
    readonly prefixListId?: string;
}

/** Open to the whole IPv4 Internet: the only rule that admits sources whose addresses a plan cannot know (probes egress over IPv4). */
const ANY_V4 = "0.0.0.0/0";

/**
 * The fallback for stacks without outputs (hand-made ones), with the shared model's semantics
 * (tools/reachability `checkFlows`): a canary (public Lambda egress, or a VPC canary's NAT EIPs,
 * whose addresses a plan cannot know) is admitted only by a rule opening 443 to 0.0.0.0/0; a health
 * checker by that too, or by a rule naming the Region's `route53-healthchecks` managed prefix list,
 * recognised by its id (tools/plan/mock-ids `managedPrefixListId`), never by a description.
 */
export function planReachability(model: DrillModel): ProbeReachability {
    const rulesOf = new Map<string, Ingress[]>();
    for (const { resource: r } of model.byUrn.values()) {
        if (r.type !== "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && !(r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.inputs.type === "ingress")) continue;
        const sg = (r.propertyDependencies.securityGroupId ?? [])[0];
        if (!sg) continue;
        const i = r.inputs;
        const cidrs = [i.cidrIpv4, i.cidrIpv6, ...(Array.isArray(i.cidrBlocks) ? i.cidrBlocks : []), ...(Array.isArray(i.ipv6CidrBlocks) ? i.ipv6CidrBlocks : [])].filter((c): c is string => typeof c === "string");
        const prefixListId = typeof i.prefixListId === "string" ? i.prefixListId : Array.isArray(i.prefixListIds) && typeof i.prefixListIds[0] === "string" ? i.prefixListIds[0] : undefined;
        const rule: Ingress = {
            fromPort: typeof i.fromPort === "number" ? i.fromPort : undefined,
            toPort: typeof i.toPort === "number" ? i.toPort : undefined,
            protocol: String(i.ipProtocol ?? i.protocol ?? "-1"),
            cidrs,
            ...(prefixListId ? { prefixListId } : {}),
        };
        rulesOf.set(sg, [...(rulesOf.get(sg) ?? []), rule]);
    }
    const covers443 = (r: Ingress) => (r.protocol === "-1" || r.protocol === "tcp" || r.protocol === "6") && (r.fromPort === undefined || (r.fromPort <= 443 && (r.toPort ?? r.fromPort) >= 443));
    return (probe) => {
        const lb = model.loadBalancers.find((l) => l.dnsNames.includes(probe.target));
        // A target the plan does not know (a name outside these stacks) is not ours to judge.
        if (!lb) return true;
        // A load balancer without security groups filters nothing.
        if (lb.securityGroupUrns.length === 0) return true;
        const rules = lb.securityGroupUrns.flatMap((sg) => rulesOf.get(sg) ?? []).filter(covers443);
        const open = rules.some((r) => r.cidrs.includes(ANY_V4));
        if (probe.kind === "canary") return open;
        const checkers = managedPrefixListId(lb.region, healthCheckersList(lb.region));
        return open || (checkers !== undefined && rules.some((r) => r.prefixListId === checkers));
    };
}

/**
 * The shared reachability model's answer (tools/reachability `checkFlows`): a canary is admitted
 * when its `canary@home(target) -> origin@target:443` row is, a health checker when the
 * `route53-healthcheckers -> origin@target:443` row is. The simulator and the flow table therefore
 * cannot disagree about a probe; a probe the table has no row for falls back to `fallback`.
 */
export function flowReachability(stacks: readonly StackPlanInput[], model: DrillModel, fallback: ProbeReachability = planReachability(model)): ProbeReachability {
    const admitted = new Map<string, boolean>();
    for (const r of checkFlows(stacks)) {
        const { from, to } = r.row;
        if (to.kind !== "group" || to.role !== "origin" || r.row.port !== 443) continue;
        if (from.kind === "canary") admitted.set(`canary|${from.region}|${to.region}`, r.admitted);
        else if (from.kind === "symbolic" && from.name === "route53-healthcheckers") admitted.set(`health-check|*|${to.region}`, r.admitted);
    }
    return (probe) => {
        const lb = model.loadBalancers.find((l) => l.dnsNames.includes(probe.target));
        if (!lb) return fallback(probe);
        const key = probe.kind === "canary" ? `canary|${probe.fromRegion}|${lb.region}` : `health-check|*|${lb.region}`;
        return admitted.get(key) ?? fallback(probe);
    };
}
