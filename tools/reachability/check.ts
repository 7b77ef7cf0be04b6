/**
 * The reachability checker: proves each row of the flow table (components/network/flows.ts)
 * admitted or not over the plans of every stack together, and lists every data-tier ingress that
 * no row explains. Pure and fast (one pass to index, then lookups).
 *
 * What "admitted" means here: the destination's security groups admit the source on the port
 * (security-group reference, a CIDR covering the source's VPC, or the managed prefix list a named
 * source lives in), the source's groups let it out, and, across regions, both directions route:
 * the source tier's VPC route tables send the peer CIDR to the Transit Gateway, each TGW route
 * table the attachment is associated with forwards it (over the peering attachment) to the peer's
 * VPC attachment, and the same back. Security groups cannot reference a group in another region,
 * so a cross-region source must be admitted by CIDR.
 */
import { Cidr, contains, parseCidr } from "../../components/network/cidr";
import { CLOUDFRONT_ORIGIN_FACING_LIST, healthCheckersList } from "../plan/mock-ids";
import { parseProbePath, probePaths } from "../../components/edge/plan";
import { Endpoint, FlowRow, GroupRole, admittedToday, flowTable, FlowRegion, rowsFor } from "../../components/network/flows";
import { Located, NetworkModel, Route, Rule, StackPlanInput } from "./model";

export interface FlowResult {
    readonly row: FlowRow;
    readonly admitted: boolean;
    /** Whether `admitted` is what the row's `expected` says it is today. */
    readonly ok: boolean;
    /** The rules and routes that admit it, or what is missing. */
    readonly why: string[];
}

export interface CheckOptions {
    /** The region holding the writers (the promoted state: a secondary). @default the primary */
    readonly writerRegion?: string;
    /** The table to check. @default flowTable over the plans' regions */
    readonly table?: readonly FlowRow[];
}

/** A planned group set by role: its security-group URNs, region and subnet tier. */
interface Groups {
    readonly urns: string[];
    readonly region: string;
    readonly tier: string;
    readonly missing?: string;
}

const ANY_V4 = "0.0.0.0/0";
const ANY_V6 = "::/0";

/** The registry as the plans saw it: region, CIDR and role from each stack's outputs. */
export function regionsOf(plans: readonly (StackPlanInput & { readonly role?: string })[]): FlowRegion[] {
    return plans.map((p) => ({
        name: String(p.outputs.region ?? p.stack),
        cidr: String(p.outputs.vpcCidr ?? ""),
        role: (p.role ?? p.outputs.role) === "primary" ? ("primary" as const) : ("secondary" as const),
    }));
}

function primaryOf(plans: readonly StackPlanInput[]): string {
    const r = regionsOf(plans).find((x) => x.role === "primary");
    if (!r) throw new Error(`no primary among the plans (${plans.map((p) => p.stack).join(", ")})`);
    return r.name;
}

function short(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

function groupsOf(m: NetworkModel, role: GroupRole, region: string, side?: string, source?: string): Groups {
    const named = (name: string, tier: string): Groups => {
        const hits = m.find(region, "aws:ec2/securityGroup:SecurityGroup", name);
        return { urns: hits.map((h) => h.resource.urn), region, tier, ...(hits.length ? {} : { missing: `no security group ${name} planned in ${region}` }) };
    };
    if (role === "eks-nodes") return named("eks-node-sg", "private");
    if (role === "eks-api") return named("eks-cluster-sg", "private");
    if (role === "deploy-runner") return named("runner-deploy-sg", "private");
    if (role === "preview-runner") return named("runner-preview-sg", "private");
    if (role === "vpc-endpoints") return named("network-endpoints-sg", "private");
    if (role === "identities") return named("identities-sg", "private");
    if (role === "rotation") return named("rotation-sg", "private");
    if (role.startsWith("data:")) return named(`data-${role.slice(5)}-sg`, "data");
    if (role === "origin") {
        const lb = originLoadBalancer(m, region);
        if (!lb) return { urns: [], region, tier: "public", missing: `no RegionalIngress load balancer planned in ${region}` };
        const urns = ((lb.resource.inputs.securityGroups as string[]) ?? []).map((id) => m.byIdentifier(id)?.resource.urn).filter((u): u is string => !!u);
        return { urns, region, tier: "public" };
    }
    // msk-replicator: the replicator homed in `region` (reading from `source`), its ENIs on `side`'s cluster.
    const rep = m
        .find(region, "aws:msk/replicator:Replicator")
        .find((l) => !source || String((l.resource.inputs.replicationInfoList as Record<string, any> | undefined)?.sourceKafkaClusterArn ?? "").includes(`:${source}:`));
    const at = side ?? region;
    if (!rep) return { urns: [], region: at, tier: "data", missing: `no MSK Replicator planned in ${region}${source ? ` reading from ${source}` : ""}` };
    const cluster = ((rep.resource.inputs.kafkaClusters as Record<string, any>[]) ?? []).find((k) => String(k.amazonMskCluster?.mskClusterArn ?? "").includes(`:${at}:`));
    if (!cluster) return { urns: [], region: at, tier: "data", missing: `the ${region} replicator has no cluster in ${at}` };
    const urns = ((cluster.vpcConfig?.securityGroupsIds as string[]) ?? []).map((id) => m.byIdentifier(id)?.resource.urn).filter((u): u is string => !!u);
    return { urns, region: at, tier: "data", ...(urns.length ? {} : { missing: `the ${region} replicator's ${at} side has no security group (no vpcConfig)` }) };
}

function covers(rule: Rule, port: number, protocol: "tcp" | "udp" = "tcp"): boolean {
    const proto = rule.protocol === "-1" || (protocol === "tcp" ? rule.protocol === "tcp" || rule.protocol === "6" : rule.protocol === "udp" || rule.protocol === "17");
    return proto && rule.fromPort <= port && port <= rule.toPort;
}

function cidrContains(outer: string, inner: string): boolean {
    if (outer === ANY_V6) return inner === ANY_V6;
    const o = parseCidr(outer);
    const i = parseCidr(inner);
    return !!o && !!i && contains(o, i);
}

function isAny(rule: Rule): boolean {
    return rule.peer.kind === "cidr" && (rule.peer.cidr === ANY_V4 || rule.peer.cidr === ANY_V6);
}

function describeRule(m: NetworkModel, r: Rule): string {
    const p = r.peer;
    const peer =
        p.kind === "cidr" ? p.cidr
        : p.kind === "group" ? short(p.urn)
        : p.kind === "prefix-list" ? `${p.name ?? "unknown list"} (${p.id})`
        : `unresolved ${p.ref}`;
    const ports = r.protocol === "-1" ? "all" : r.fromPort === r.toPort ? String(r.fromPort) : `${r.fromPort}-${r.toPort}`;
    const where = m.get(r.group)?.region ?? "";
    return `${r.direction} ${short(r.group)}@${where} ${ports} ${r.direction === "ingress" ? "from" : "to"} ${peer} (${r.name})`;
}

/** The longest-prefix route covering `dst`, or undefined. */
function lookup(routes: readonly Route[] | undefined, dst: Cidr): Route | undefined {
    let best: Route | undefined;
    let bestLen = -1;
    for (const r of routes ?? []) {
        const c = parseCidr(r.destination);
        if (c && contains(c, dst) && c.prefix > bestLen) {
            best = r;
            bestLen = c.prefix;
        }
    }
    return best;
}

/** Problems on the way from `from`'s `tier` subnets to `to`'s VPC over the Transit Gateways (one direction). */
function tgwPath(m: NetworkModel, from: string, tier: string, to: string, trail: string[]): string[] {
    const problems: string[] = [];
    const dstText = m.vpcCidr.get(to);
    const dst = dstText ? parseCidr(dstText) : undefined;
    if (!dst) return [`no VPC CIDR for ${to} in its stack outputs`];
    const { tables, unassociated } = m.routeTables(from, tier);
    if (unassociated.length > 0) problems.push(`${from} ${tier} subnets ${unassociated.join(", ")} have no route table association: the VPC's main table routes only the VPC itself`);
    if (tables.length === 0) return [...problems, `no ${tier} route tables in use in ${from}`];
    const tgw = m.find(from, "aws:ec2transitgateway/transitGateway:TransitGateway")[0];
    const tgwId = tgw && m.idOf(tgw);
    for (const t of tables) {
        const r = lookup(m.routes.get(t.resource.urn), dst);
        if (!r || r.target.kind !== "tgw" || r.target.id !== tgwId) problems.push(`${from} route table ${t.resource.name} sends ${dstText} ${r ? `to ${r.target.kind} ${r.target.id}` : "nowhere"}, not to the ${from} Transit Gateway`);
    }
    if (problems.length) return problems;
    trail.push(`${from} ${tier} route tables send ${dstText} to the Transit Gateway`);
    const vpcAttachment = (region: string) => {
        const a = m.find(region, "aws:ec2transitgateway/vpcAttachment:VpcAttachment")[0];
        return a && m.idOf(a);
    };
    const target = vpcAttachment(to);
    let attachment = vpcAttachment(from);
    let region = from;
    for (let hop = 0; hop < 4 && attachment; hop++) {
        const tableUrn = (m.associations.get(attachment) ?? []).find((u) => m.get(u)?.region === region);
        if (!tableUrn) return [`attachment ${attachment} is associated with no Transit Gateway route table in ${region}`];
        const r = lookup(m.routes.get(tableUrn), dst);
        if (!r || r.target.kind !== "tgw-attachment") return [`${region} TGW route table ${m.get(tableUrn)!.resource.name} has no route to ${dstText}`];
        trail.push(`${region} TGW ${m.get(tableUrn)!.resource.name}: ${r.destination} → ${r.target.id}`);
        if (r.target.id === target && region === to) return [];
        const peering = m.byIdentifier(r.target.id);
        if (!peering || peering.resource.type !== "aws:ec2transitgateway/peeringAttachment:PeeringAttachment") return [`${region} TGW routes ${dstText} to ${r.target.id}, neither ${to}'s VPC attachment nor a peering attachment`];
        region = region === peering.region ? String(peering.resource.inputs.peerRegion) : peering.region;
        attachment = r.target.id;
    }
    return [`no Transit Gateway path from ${from} to ${to}`];
}

interface Source {
    readonly label: string;
    /** Security groups the traffic leaves from (for egress and group references). */
    readonly groups?: Groups;
    /** Prefix-list name that holds the source's addresses, when it is a managed list. */
    readonly prefixList?: string;
}

function symbolicSource(name: string, region: string): Source {
    if (name === "cloudfront-origin-facing" || name === "internet-via-any-distribution") return { label: name, prefixList: CLOUDFRONT_ORIGIN_FACING_LIST };
    if (name === "route53-healthcheckers") return { label: name, prefixList: healthCheckersList(region) };
    return { label: name };
}

/** Ingress rules on `dst` that admit `src` on `port`. */
function admitting(m: NetworkModel, src: Source, dst: Groups, port: number, protocol: "tcp" | "udp" = "tcp"): Rule[] {
    // A source's addresses are its tier's subnets (nodes and pods in the private tier, replicator
    // ENIs in the data tier), not its whole VPC: a rule admits it when it covers one of them, and
    // sourceCoverage below demands that together they cover all.
    const srcCidrs = src.groups ? m.tierCidrs(src.groups.region, src.groups.tier) : [];
    return m.rulesOf(dst.urns, "ingress").filter((r) => {
        if (!covers(r, port, protocol)) return false;
        if (isAny(r)) return true;
        const p = r.peer;
        if (p.kind === "prefix-list") return src.prefixList !== undefined && p.name === src.prefixList;
        if (!src.groups) return false;
        // Group references work within a region only.
        if (p.kind === "group") return src.groups.region === dst.region && src.groups.urns.includes(p.urn);
        return p.kind === "cidr" && srcCidrs.some((c) => cidrContains(p.cidr, c));
    });
}

/** The source tier's subnets that no admitting CIDR rule covers (group references cover the whole source). */
function uncovered(m: NetworkModel, src: Source, rules: readonly Rule[]): string[] {
    if (!src.groups || rules.some((r) => isAny(r) || r.peer.kind === "group")) return [];
    const cidrs = rules.flatMap((r) => (r.peer.kind === "cidr" ? [r.peer.cidr] : []));
    return m.tierCidrs(src.groups.region, src.groups.tier).filter((c) => !cidrs.some((rule) => cidrContains(rule, c)));
}

function egressing(m: NetworkModel, src: Groups, dst: Groups, port: number, protocol: "tcp" | "udp" = "tcp"): Rule[] {
    const dstCidr = m.vpcCidr.get(dst.region);
    return m.rulesOf(src.urns, "egress").filter((r) => {
        if (!covers(r, port, protocol)) return false;
        const p = r.peer;
        if (p.kind === "group") return src.region === dst.region && dst.urns.includes(p.urn);
        return p.kind === "cidr" && !!dstCidr && cidrContains(p.cidr, dstCidr);
    });
}

function checkToGroups(m: NetworkModel, row: FlowRow, src: Source, to: Extract<Endpoint, { kind: "group" }>): { admitted: boolean; why: string[] } {
    const dst = groupsOf(m, to.role, to.region, to.side);
    if (dst.missing) return { admitted: false, why: [dst.missing] };
    if (src.groups?.missing) return { admitted: false, why: [src.groups.missing] };
    const why: string[] = [];
    const ins = admitting(m, src, dst, row.port, row.protocol);
    if (ins.length === 0) {
        const present = m.rulesOf(dst.urns, "ingress").map((r) => describeRule(m, r));
        return { admitted: false, why: [`no ingress rule on ${dst.urns.map(short).join(", ")}@${dst.region} admits ${src.label} on ${row.port}`, ...present.map((p) => `present: ${p}`)] };
    }
    why.push(...ins.map((r) => describeRule(m, r)));
    const missed = uncovered(m, src, ins);
    if (missed.length > 0) return { admitted: false, why: [...why, `${src.label}'s ${src.groups!.tier} subnets ${missed.join(", ")} are admitted by no rule`] };
    if (src.groups) {
        const outs = egressing(m, src.groups, dst, row.port, row.protocol);
        if (outs.length === 0) return { admitted: false, why: [...why, `no egress rule on ${src.groups.urns.map(short).join(", ")}@${src.groups.region} lets it out to ${dst.region} on ${row.port}`] };
        why.push(...outs.map((r) => describeRule(m, r)));
        if (src.groups.region !== dst.region) {
            const there = tgwPath(m, src.groups.region, src.groups.tier, dst.region, why);
            const back = there.length ? [] : tgwPath(m, dst.region, dst.tier, src.groups.region, why);
            if (there.length || back.length) return { admitted: false, why: [...why, ...there, ...back] };
        }
    } else if (to.role === "origin") {
        // A public source also needs an internet-facing load balancer with an internet route.
        const lb = originLoadBalancer(m, to.region)!;
        if (lb.resource.inputs.internal === true) return { admitted: false, why: [...why, `${lb.resource.name} in ${to.region} is internal`] };
        const { tables: publicTables, unassociated } = m.routeTables(to.region, "public");
        const noIgw = publicTables.filter((t) => lookup(m.routes.get(t.resource.urn), parseCidr(ANY_V4)!)?.target.kind !== "igw");
        if (publicTables.length === 0 || noIgw.length || unassociated.length) return { admitted: false, why: [...why, `the ${to.region} public subnets have no default route to the internet gateway`] };
        const l7 = listenerAdmits(m, lb, row, src.label);
        if (!l7.admitted) return { admitted: false, why: [...why, ...l7.why] };
        why.push(`${lb.resource.name} is internet-facing; public subnets route 0.0.0.0/0 to the internet gateway`, ...l7.why);
    }
    return { admitted: true, why };
}

/** The RegionalIngress component's load balancer in `region` (whatever its type). */
function originLoadBalancer(m: NetworkModel, region: string) {
    return m.find(region, "aws:lb/loadBalancer:LoadBalancer").find((l) => l.resource.urn.includes("mall:edge:RegionalIngress$"));
}

/** One way a listener forwards: its conditions, as the checker reads them. */
interface ForwardPath {
    readonly name: string;
    /** Header names the request must carry (`http-header` conditions; values are secret). */
    readonly headers: string[];
    /** Path patterns it is limited to; empty = any path. */
    readonly paths: string[];
}

const forwards = (actions: unknown): boolean => Array.isArray(actions) && actions.some((a) => (a as { type?: string }).type === "forward");

/** Every forwarding path of the listeners on `port` of `lb`: the default action, then each rule. */
function forwardPaths(m: NetworkModel, lb: Located, port: number): { listeners: number; paths: ForwardPath[] } {
    const { listeners, rules } = listenerRules(m, lb, port);
    const paths: ForwardPath[] = [];
    for (const l of listeners) {
        if (forwards(l.resource.inputs.defaultActions)) paths.push({ name: `${l.resource.name} default action`, headers: [], paths: [] });
    }
    for (const rule of rules.filter((r) => forwards(r.actions))) paths.push({ name: rule.name, headers: rule.headers, paths: rule.paths });
    return { listeners: listeners.length, paths };
}

/** A listener rule as the checker reads it: the header names and path patterns it requires, its actions. */
interface ReadRule {
    readonly name: string;
    readonly priority: number;
    readonly headers: string[];
    readonly paths: string[];
    readonly actions: unknown;
}

/** The listeners on `port` of `lb` and their rules, in priority order (the order the ALB matches them). */
function listenerRules(m: NetworkModel, lb: Located, port: number): { listeners: Located[]; rules: ReadRule[] } {
    const listeners = m.find(lb.region, "aws:lb/listener:Listener").filter((l) => (l.resource.propertyDependencies.loadBalancerArn ?? []).includes(lb.resource.urn) && Number(l.resource.inputs.port) === port);
    const rules = m
        .find(lb.region, "aws:lb/listenerRule:ListenerRule")
        .filter((r) => listeners.some((l) => (r.resource.propertyDependencies.listenerArn ?? []).includes(l.resource.urn)))
        .map((r): ReadRule => {
            const conditions = (r.resource.inputs.conditions as Record<string, { httpHeaderName?: string; values?: unknown }>[] | undefined) ?? [];
            return {
                name: r.resource.name,
                priority: Number(r.resource.inputs.priority),
                headers: conditions.flatMap((c) => (c.httpHeader?.httpHeaderName ? [c.httpHeader.httpHeaderName.toLowerCase()] : [])),
                paths: conditions.flatMap((c) => (Array.isArray(c.pathPattern?.values) ? (c.pathPattern.values as string[]) : [])),
                actions: r.resource.inputs.actions,
            };
        })
        .sort((a, b) => a.priority - b.priority);
    return { listeners, rules };
}

/** Header names every API (custom) origin of every enabled distribution adds: what our CloudFront proves itself with. */
function distributionHeaders(m: NetworkModel): string[] {
    const origins = m.resources
        .filter((l) => l.resource.type === "aws:cloudfront/distribution:Distribution" && l.resource.inputs.enabled !== false)
        .flatMap((l) => ((l.resource.inputs.origins as { customOriginConfig?: unknown; customHeaders?: { name?: string }[] }[] | undefined) ?? []).filter((o) => o.customOriginConfig));
    if (origins.length === 0) return [];
    const sets = origins.map((o) => new Set((o.customHeaders ?? []).map((h) => String(h.name).toLowerCase())));
    return [...sets[0]].filter((h) => sets.every((x) => x.has(h)));
}

/** The Route 53 health checks' paths in `region`: what a forward limited to them exposes is the health answer only. */
function healthPaths(m: NetworkModel, region: string): string[] {
    return m.resources.filter((l) => l.resource.type === "aws:route53/healthCheck:HealthCheck" && m.regionOfStack.get(l.stack) === region).map((l) => String(l.resource.inputs.resourcePath ?? "/"));
}

/**
 * Layer 7: does the listener forward this source to the API? Our distribution carries its origin
 * headers; a health checker or canary asks for the health path only; anyone else (another
 * customer's distribution, the internet) carries no secret. A forward limited to the health
 * path with no header condition is the health answer, not the API: it admits a prober, and only
 * that.
 */
function listenerAdmits(m: NetworkModel, lb: Located, row: FlowRow, label: string): { admitted: boolean; why: string[] } {
    const { listeners, paths } = forwardPaths(m, lb, row.port);
    if (listeners === 0) return { admitted: false, why: [`no listener on ${row.port} of ${lb.resource.name} in ${lb.region}`] };
    const health = healthPaths(m, lb.region);
    const healthOnly = (p: ForwardPath) => p.paths.length > 0 && p.paths.every((x) => health.includes(x));
    const prober = label === "route53-healthcheckers" || row.from.kind === "canary";
    const carried = label === "cloudfront-origin-facing" ? distributionHeaders(m) : [];
    const open = paths.filter((p) => p.headers.every((h) => carried.includes(h)) && (prober ? healthOnly(p) || p.paths.length === 0 : !healthOnly(p)));
    const describe = (p: ForwardPath) => `${p.name} forwards${p.headers.length ? ` with header ${p.headers.join(", ")}` : ""}${p.paths.length ? ` on ${p.paths.join(", ")}` : " on any path"}`;
    if (open.length === 0) {
        const need = paths.filter((p) => !healthOnly(p)).map(describe);
        return {
            admitted: false,
            why: [
                prober
                    ? `no forward of ${lb.resource.name} answers the health path (${health.join(", ") || "none planned"}) without a secret header`
                    : `${label} carries ${carried.length ? `only ${carried.join(", ")}` : "no origin secret"}; ${lb.resource.name} forwards to the API only ${need.length ? need.join("; ") : "never"}`,
                ...(prober ? [] : paths.filter(healthOnly).map((p) => `${describe(p)} (the health answer only)`)),
            ],
        };
    }
    return { admitted: true, why: open.map(describe) };
}

/**
 * A group reaching a public AWS endpoint in any region (DSQL's `<id>.dsql.<region>.on.aws`): its
 * groups let the port out to anywhere, and every subnet of its tier routes 0.0.0.0/0 to a NAT gateway.
 */
function publicEndpoint(m: NetworkModel, row: FlowRow, src: Groups, to: Extract<Endpoint, { kind: "aws-api" }>): { admitted: boolean; why: string[] } {
    if (src.missing) return { admitted: false, why: [src.missing] };
    const out = m.rulesOf(src.urns, "egress").filter((r) => covers(r, row.port) && isAny(r));
    if (out.length === 0) return { admitted: false, why: [`no egress rule on ${src.urns.map(short).join(", ")}@${src.region} lets ${row.port} out to the public ${to.service}.${to.region} endpoint`] };
    const { tables, unassociated } = m.routeTables(src.region, src.tier);
    const noNat = tables.filter((t) => lookup(m.routes.get(t.resource.urn), parseCidr(ANY_V4)!)?.target.kind !== "nat");
    if (tables.length === 0 || noNat.length > 0 || unassociated.length > 0) {
        return { admitted: false, why: [`the ${src.region} ${src.tier} route tables ${noNat.map((t) => t.resource.name).join(", ") || "(none)"} have no default route to a NAT gateway`] };
    }
    return { admitted: true, why: [...out.map((r) => describeRule(m, r)), `the ${src.region} ${src.tier} subnets route 0.0.0.0/0 to their NAT gateways`] };
}

function checkRow(m: NetworkModel, row: FlowRow): { admitted: boolean; why: string[] } {
    const { from, to } = row;
    if (to.kind === "cloudfront") {
        const d = m.resources.filter((l) => l.resource.type === "aws:cloudfront/distribution:Distribution" && l.resource.inputs.enabled !== false);
        return d.length ? { admitted: true, why: d.map((l) => `distribution ${l.resource.name} is enabled (CloudFront serves the public)`) } : { admitted: false, why: ["no enabled CloudFront distribution planned"] };
    }
    if (to.kind === "aws-api" && from.kind === "group") return publicEndpoint(m, row, groupsOf(m, from.role, from.region), to);
    if (to.kind === "aws-api") {
        if (from.kind !== "lambda") return { admitted: false, why: [`the checker knows no ${from.kind} source to AWS APIs`] };
        const store = from.purpose.replace(/^failover-/, "");
        const fn = m.find(from.region, "aws:lambda/function:Function").find((l) => (l.resource.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables?.FAILOVER_STORE === store);
        if (!fn) return { admitted: false, why: [`no ${from.purpose} Lambda planned in ${from.region}`] };
        const vpc = fn.resource.inputs.vpcConfig as { securityGroupIds?: string[] } | undefined;
        if (!vpc) return { admitted: true, why: [`${fn.resource.name} runs outside any VPC: lambda-egress reaches the public ${to.service}.${to.region} endpoint`] };
        const groups = (vpc.securityGroupIds ?? []).map((id) => m.byIdentifier(id)?.resource.urn).filter((u): u is string => !!u);
        const out = m.rulesOf(groups, "egress").filter((r) => covers(r, row.port) && isAny(r));
        return out.length
            ? { admitted: true, why: [...out.map((r) => describeRule(m, r)), `${fn.resource.name} is in a VPC: its subnets need a NAT route or a ${to.service} interface endpoint`] }
            : { admitted: false, why: [`${fn.resource.name} is in a VPC and its groups do not let 443 out`] };
    }
    if (to.kind !== "group") return { admitted: false, why: [`the checker knows no destination of kind ${to.kind}`] };
    if (from.kind === "symbolic" && from.name === "hosted-runner" && to.role === "eks-api") {
        const c = m.find(to.region, "eks:index:Cluster")[0];
        if (!c) return { admitted: false, why: [`no EKS cluster planned in ${to.region}`] };
        const i = c.resource.inputs;
        const cidrs = (i.publicAccessCidrs as string[] | undefined) ?? [ANY_V4];
        if (i.endpointPublicAccess !== true) return { admitted: false, why: [`${c.resource.name} in ${to.region} has endpointPublicAccess false: only the VPC reaches the API, and the hosted runner is outside it`] };
        if (!cidrs.includes(ANY_V4)) return { admitted: false, why: [`${c.resource.name} admits only ${cidrs.join(", ")}; the hosted runner's addresses are not listed`] };
        return { admitted: true, why: [`${c.resource.name} has a public endpoint open to ${cidrs.join(", ")}`] };
    }
    if (from.kind === "symbolic") return checkToGroups(m, row, symbolicSource(from.name, to.region), to);
    if (from.kind === "group") {
        const groups = groupsOf(m, from.role, from.region, from.side, from.source);
        return checkToGroups(m, row, { label: `${from.role}@${groups.region}`, groups }, to);
    }
    if (from.kind === "canary") return canaryPath(m, row, from, to);
    return { admitted: false, why: [`the checker knows no source of kind ${from.kind} to a security group`] };
}

/**
 * A canary's probe of a region, over the internet path: the canary in `from.region` asks our
 * distribution (by one of its aliases) for `/probe/<target>/…`; a behaviour on exactly that
 * pattern sends it to an origin whose name is an alias of `target`'s origin load balancer; the
 * origin admits CloudFront (security groups, internet route, the secret forward), and a listener
 * rule on that probe path, requiring only headers the distribution carries, answers it (a fixed
 * 2xx, or a forward). A canary that calls the origin directly is lambda-egress, which only
 * 0.0.0.0/0 admits.
 */
function canaryPath(m: NetworkModel, row: FlowRow, from: Extract<Endpoint, { kind: "canary" }>, to: Extract<Endpoint, { kind: "group" }>): { admitted: boolean; why: string[] } {
    const canaries = m.find(from.region, "aws:synthetics/canary:Canary").map((l) => ({ l, url: probeUrl(l) })).filter((c) => c.url);
    const canary = canaries.find((c) => parseProbePath(c.url!.pathname)?.region === from.target);
    if (!canary) {
        const direct = canaries.find((c) => c.url!.hostname.startsWith(`api-${from.target}.`));
        if (!direct) return { admitted: false, why: [`no canary in ${from.region} probes ${probePaths.pattern(from.target)} (or api-${from.target})`] };
        const how = direct.l.resource.inputs.vpcConfig ? `${direct.l.resource.name} leaves through the ${from.region} NAT gateways` : `${direct.l.resource.name} has no vpcConfig: it runs as lambda-egress`;
        const r = checkToGroups(m, row, symbolicSource("lambda-egress", to.region), to);
        return { admitted: r.admitted, why: [`${direct.l.resource.name} calls the origin directly`, how, ...r.why] };
    }
    const { l, url } = canary as { l: Located; url: URL };
    const why = [`${l.resource.name} asks https://${url.hostname}${url.pathname}`];
    const dist = m.resources.find(
        (d) => d.resource.type === "aws:cloudfront/distribution:Distribution" && d.resource.inputs.enabled !== false && ((d.resource.inputs.aliases as string[] | undefined) ?? []).includes(url.hostname),
    );
    if (!dist) return { admitted: false, why: [...why, `no enabled distribution has the alias ${url.hostname}`] };
    const behaviours = (dist.resource.inputs.orderedCacheBehaviors as { pathPattern?: string; targetOriginId?: string; allowedMethods?: string[] }[] | undefined) ?? [];
    const first = behaviours.find((b) => pathMatches(b.pathPattern ?? "", url.pathname));
    if (!first || first.pathPattern !== probePaths.pattern(from.target)) {
        return { admitted: false, why: [...why, `${dist.resource.name}'s first behaviour matching ${url.pathname} is ${first?.pathPattern ?? "the default"}, not ${probePaths.pattern(from.target)}`] };
    }
    const origin = ((dist.resource.inputs.origins as { originId?: string; domainName?: string; customOriginConfig?: unknown }[] | undefined) ?? []).find((o) => o.originId === first.targetOriginId);
    if (!origin?.customOriginConfig) return { admitted: false, why: [...why, `behaviour ${first.pathPattern} targets ${first.targetOriginId}, which is no custom origin`] };
    const lb = originLoadBalancer(m, to.region);
    if (!lb) return { admitted: false, why: [...why, `no origin load balancer planned in ${to.region}`] };
    const record = m.find(to.region, "aws:route53/record:Record").find((r) => r.resource.inputs.name === origin.domainName && (r.resource.propertyDependencies.aliases ?? []).includes(lb.resource.urn));
    if (!record) return { admitted: false, why: [...why, `origin ${origin.domainName} is no alias of ${lb.resource.name} in ${to.region}`] };
    why.push(`${dist.resource.name} sends ${first.pathPattern} to ${origin.domainName} (${record.resource.name} → ${lb.resource.name})`);
    const network = checkToGroups(m, { ...row, from: { kind: "symbolic", name: "cloudfront-origin-facing" } }, symbolicSource("cloudfront-origin-facing", to.region), to);
    if (!network.admitted) return { admitted: false, why: [...why, ...network.why] };
    const carried = distributionHeaders(m);
    for (const rule of listenerRules(m, lb, row.port).rules) {
        if ((rule.paths.length > 0 && !rule.paths.some((p) => pathMatches(p, url.pathname))) || !rule.headers.every((h) => carried.includes(h))) continue;
        const actions = (rule.actions as { type?: string; fixedResponse?: { statusCode?: string } }[] | undefined) ?? [];
        const fixed = actions.find((a) => a.type === "fixed-response");
        if (fixed && !/^2/.test(String(fixed.fixedResponse?.statusCode))) return { admitted: false, why: [...why, ...network.why, `${rule.name} answers ${url.pathname} with ${String(fixed.fixedResponse?.statusCode)}`] };
        return { admitted: true, why: [...why, ...network.why, `${rule.name} (priority ${rule.priority}) ${fixed ? `answers ${url.pathname} with ${String(fixed.fixedResponse?.statusCode)}` : `forwards ${url.pathname}`}`] };
    }
    return { admitted: false, why: [...why, ...network.why, `no rule of ${lb.resource.name}'s listener answers ${url.pathname} with the headers ${dist.resource.name} carries`] };
}

function probeUrl(l: Located): URL | undefined {
    const raw = (l.resource.inputs.runConfig as { environmentVariables?: Record<string, string> } | undefined)?.environmentVariables?.PROBE_URL;
    try {
        return raw ? new URL(raw) : undefined;
    } catch {
        return undefined;
    }
}

/** CloudFront and ALB path patterns: `*` any run of characters, `?` one; case-sensitive. */
function pathMatches(pattern: string, path: string): boolean {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    return re.test(path);
}

/** Checks every row of the table that applies when `writerRegion` holds the writers. */
export function checkFlows(plans: readonly StackPlanInput[], options: CheckOptions = {}): FlowResult[] {
    const m = new NetworkModel(plans);
    const writer = options.writerRegion ?? primaryOf(plans);
    const declared = plans.find((p) => p.outputs.role === "primary" || (p as { role?: string }).role === "primary")?.outputs.failoverOrder;
    const table = options.table ?? flowTable(regionsOf(plans), Array.isArray(declared) ? (declared as string[]) : undefined);
    return rowsFor(table, writer).map((row) => {
        const { admitted, why } = checkRow(m, row);
        return { row, admitted, ok: admitted === admittedToday(row.expected), why };
    });
}

/** One data-tier ingress no row explains. */
export interface Exposure {
    /** The rule's resource URN. */
    readonly urn: string;
    readonly region: string;
    readonly group: string;
    readonly rule: string;
}

/**
 * Every ingress rule into a data-tier security group (the groups GlobalData declares) that is not
 * exactly the source of a row meant to hold (`admitted` or `unadmitted`) in some writer state: same
 * port, and as source the row's own security group (same region), or its VPC CIDR or one of its
 * tier's subnets (another region).
 * A broader CIDR, another group, a prefix list or all ports is exposure.
 */
/** Where each data store names its security groups (the inputs whose dependencies are the attached groups). */
const DATA_STORE_SG_FIELDS: Readonly<Record<string, readonly string[]>> = {
    "aws:rds/cluster:Cluster": ["vpcSecurityGroupIds"],
    "aws:docdb/cluster:Cluster": ["vpcSecurityGroupIds"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["securityGroupIds"],
    "aws:msk/cluster:Cluster": ["brokerNodeGroupInfo"],
    "aws:opensearch/domain:Domain": ["vpcOptions"],
};

export function dataTierExposure(plans: readonly StackPlanInput[], options: CheckOptions = {}): Exposure[] {
    const m = new NetworkModel(plans);
    // Rules are in place before a switchover (nothing is rewritten when the writer moves), so a rule
    // is explained by a row meant to hold in ANY writer state, not only the current one.
    const rows = (options.table ?? flowTable(regionsOf(plans))).filter((r) => r.expected === "admitted" || r.expected === "unadmitted");
    // The data tier is every group the data component declares AND every group attached to a store,
    // wherever it was declared: a store wearing another group must not escape the check.
    const attached = new Set(
        m.resources.flatMap((l) => {
            const fields = DATA_STORE_SG_FIELDS[l.resource.type];
            return fields ? fields.flatMap((f) => l.resource.propertyDependencies[f] ?? []) : [];
        }),
    );
    const dataGroups = m.resources.filter(
        (l) => l.resource.type === "aws:ec2/securityGroup:SecurityGroup" && (l.resource.urn.includes("mall:data:GlobalData$") || attached.has(l.resource.urn)),
    );
    const out: Exposure[] = [];
    for (const g of dataGroups) {
        for (const rule of m.rulesOf([g.resource.urn], "ingress")) {
            const explained = rows.some((row) => {
                if (row.to.kind !== "group" || !row.to.role.startsWith("data:") || row.from.kind !== "group") return false;
                const dst = groupsOf(m, row.to.role, row.to.region);
                if (!dst.urns.includes(g.resource.urn)) return false;
                if (!(rule.protocol === "tcp" || rule.protocol === "6") || rule.fromPort !== row.port || rule.toPort !== row.port) return false;
                const src = groupsOf(m, row.from.role, row.from.region, row.from.side, row.from.source);
                if (rule.peer.kind === "group") return src.region === dst.region && src.urns.includes(rule.peer.urn);
                return rule.peer.kind === "cidr" && src.region !== dst.region && (rule.peer.cidr === m.vpcCidr.get(src.region) || m.tierCidrs(src.region, src.tier).includes(rule.peer.cidr));
            });
            if (!explained) out.push({ urn: rule.urn, region: g.region, group: g.resource.name, rule: describeRule(m, rule) });
        }
    }
    return out;
}

