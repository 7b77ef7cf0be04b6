/**
 * Whether a probe's packets are admitted by the load balancer it reaches. The simulator asks the
 * shared reachability model (`flowReachability`, over tools/reachability `checkFlows`); the plain
 * security-group reading (`planReachability`) answers for probes the flow table has no row for.
 */
import * as ipaddr from "ipaddr.js";
import { checkFlows } from "../reachability/check";
import { StackPlanInput } from "../reachability/model";
import { DrillModel } from "./model";

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

interface Ingress {
    readonly fromPort?: number;
    readonly toPort?: number;
    readonly protocol: string;
    readonly cidrs: string[];
    /** The managed prefix list's name when the plan shows it (rule description), else its id. */
    readonly prefixList?: string;
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"].map((c) => ipaddr.parseCIDR(c));

/** A CIDR admits some Internet address unless it lies wholly inside a private or link-local range. */
function isPublic(cidr: string): boolean {
    try {
        const [addr, bits] = ipaddr.parseCIDR(cidr);
        return !PRIVATE.some(([net, netBits]) => addr.kind() === net.kind() && bits >= netBits && addr.match(net, netBits));
    } catch {
        return false;
    }
}

/**
 * Default: a canary (public Lambda egress, or a VPC canary's NAT EIPs, whose addresses a plan
 * cannot know) is admitted only by a rule opening 443 to a public CIDR; a health checker only by a
 * rule naming a `route53-healthchecks` prefix list. Prefix-list ids come from an invoke, not a
 * resource, so the list is recognised by the name the rule's description carries.
 */
export function planReachability(model: DrillModel): ProbeReachability {
    const rulesOf = new Map<string, Ingress[]>();
    for (const { resource: r } of model.byUrn.values()) {
        if (r.type !== "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && !(r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.inputs.type === "ingress")) continue;
        const sg = (r.propertyDependencies.securityGroupId ?? [])[0];
        if (!sg) continue;
        const i = r.inputs;
        const cidrs = [i.cidrIpv4, i.cidrIpv6, ...(Array.isArray(i.cidrBlocks) ? i.cidrBlocks : []), ...(Array.isArray(i.ipv6CidrBlocks) ? i.ipv6CidrBlocks : [])].filter((c): c is string => typeof c === "string");
        const prefixId = typeof i.prefixListId === "string" ? i.prefixListId : Array.isArray(i.prefixListIds) ? String(i.prefixListIds[0] ?? "") : undefined;
        const rule: Ingress = {
            fromPort: typeof i.fromPort === "number" ? i.fromPort : undefined,
            toPort: typeof i.toPort === "number" ? i.toPort : undefined,
            protocol: String(i.ipProtocol ?? i.protocol ?? "-1"),
            cidrs,
            ...(prefixId ? { prefixList: `${prefixId} ${String(i.description ?? "")}` } : {}),
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
        if (probe.kind === "health-check") return rules.some((r) => r.prefixList?.includes("route53-healthchecks") || r.cidrs.some(isPublic));
        return rules.some((r) => r.cidrs.some(isPublic));
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
