/**
 * The network as planned, read from the `.plan/<stack>.json` records of every stack at once:
 * security groups with their rules (inline, SecurityGroupRule and the vpc/* rule resources),
 * route tables with their routes, Transit Gateway routes and associations, and managed prefix
 * lists by name. Pure: built from PlannedResource[] only.
 *
 * References resolve by `propertyDependencies` (a URN) where the property came from one resource,
 * else by id: the mocks' ids are deterministic (tools/plan/mock-ids.ts), which is the only way to
 * follow a literal id that crossed stacks through a StackReference.
 */
import { PlannedResource } from "../plan/contract";
import { managedPrefixLists, mockResourceId } from "../plan/mock-ids";

/** One stack's plan as the checker needs it. */
export interface StackPlanInput {
    readonly stack: string;
    readonly resources: readonly PlannedResource[];
    readonly outputs: Readonly<Record<string, unknown>>;
}

/** A planned resource with the stack and region it lives in. */
export interface Located {
    readonly stack: string;
    /** The region the resource is created in (its `region` input, else its stack's region). */
    readonly region: string;
    readonly resource: PlannedResource;
}

/** Where a rule's traffic comes from (ingress) or goes to (egress). */
export type Peer =
    | { readonly kind: "cidr"; readonly cidr: string }
    | { readonly kind: "group"; readonly urn: string }
    | { readonly kind: "prefix-list"; readonly id: string; readonly name: string | undefined }
    /** A reference that resolved to nothing in any plan (a typo, or a group in no stack). */
    | { readonly kind: "unresolved"; readonly ref: string };

export interface Rule {
    /** The resource that declares the rule (the group itself for inline rules). */
    readonly urn: string;
    readonly name: string;
    readonly direction: "ingress" | "egress";
    /** URN of the security group the rule belongs to. */
    readonly group: string;
    readonly protocol: string;
    readonly fromPort: number;
    readonly toPort: number;
    readonly peer: Peer;
}

export interface Route {
    readonly urn: string;
    readonly destination: string;
    /** `igw`, `nat`, `tgw`, `tgw-attachment` … and the target id. */
    readonly target: { readonly kind: string; readonly id: string };
}

export class NetworkModel {
    readonly resources: Located[] = [];
    private readonly byUrn = new Map<string, Located>();
    private readonly byId = new Map<string, Located>();
    readonly regionOfStack = new Map<string, string>();
    readonly stackOfRegion = new Map<string, string>();
    readonly vpcCidr = new Map<string, string>();
    readonly rules: Rule[] = [];
    /** Route table URN -> routes (VPC route tables and TGW route tables alike). */
    readonly routes = new Map<string, Route[]>();
    /** TGW attachment id -> TGW route table URNs it is associated with. */
    readonly associations = new Map<string, string[]>();
    private readonly prefixLists = new Map<string, string>();

    constructor(plans: readonly StackPlanInput[]) {
        for (const p of plans) {
            const region = String(p.outputs.region ?? p.stack);
            this.regionOfStack.set(p.stack, region);
            this.stackOfRegion.set(region, p.stack);
            if (typeof p.outputs.vpcCidr === "string") this.vpcCidr.set(region, p.outputs.vpcCidr);
            for (const [id, name] of managedPrefixLists(region)) this.prefixLists.set(id, name);
            for (const r of p.resources) {
                const located: Located = { stack: p.stack, region: typeof r.inputs.region === "string" ? r.inputs.region : region, resource: r };
                this.resources.push(located);
                this.byUrn.set(r.urn, located);
                const id = mockResourceId(p.stack, r.type, r.name);
                if (id) this.byId.set(id, located);
                // The accepter carries the attachment's own id.
                if (r.type === "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter") {
                    this.byId.set(String(r.inputs.transitGatewayAttachmentId), this.byId.get(String(r.inputs.transitGatewayAttachmentId)) ?? located);
                }
            }
        }
        for (const l of this.resources) this.index(l);
    }

    /** The resource an input property names: by its single property dependency, else by id. */
    resolve(from: PlannedResource, property: string, value: unknown): Located | undefined {
        const deps = from.propertyDependencies[property] ?? [];
        if (deps.length === 1) {
            const hit = this.byUrn.get(deps[0]);
            if (hit) return hit;
        }
        return typeof value === "string" ? this.byId.get(value) : undefined;
    }

    /** A resource by id (mock ids are unique across stacks). */
    byIdentifier(id: string): Located | undefined {
        return this.byId.get(id);
    }

    get(urn: string): Located | undefined {
        return this.byUrn.get(urn);
    }

    /** The id the mocks gave a planned resource. */
    idOf(l: Located): string | undefined {
        return mockResourceId(l.stack, l.resource.type, l.resource.name);
    }

    prefixListName(id: string): string | undefined {
        return this.prefixLists.get(id);
    }

    find(region: string, type: string, name?: string): Located[] {
        return this.resources.filter((l) => l.region === region && l.resource.type === type && (name === undefined || l.resource.name === name));
    }

    rulesOf(groupUrns: readonly string[], direction: "ingress" | "egress"): Rule[] {
        return this.rules.filter((r) => r.direction === direction && groupUrns.includes(r.group));
    }

    /** The CIDRs of a tier's subnets in `region` (where that tier's ENIs, hence its addresses, live). */
    tierCidrs(region: string, tier: string): string[] {
        return this.find(region, "aws:ec2/subnet:Subnet")
            .filter((l) => (l.resource.inputs.tags as Record<string, string> | undefined)?.tier === tier)
            .map((l) => String(l.resource.inputs.cidrBlock ?? ""))
            .filter((c) => c !== "");
    }

    /**
     * The route tables a tier's subnets actually use: each `tier`-tagged subnet's table by its
     * RouteTableAssociation (not by the table's own tag), and the subnets with no association,
     * which fall back to the VPC's main route table (only the local route: no NAT, no TGW).
     */
    routeTables(region: string, tier: string): { tables: Located[]; unassociated: string[] } {
        const subnets = this.find(region, "aws:ec2/subnet:Subnet").filter((l) => (l.resource.inputs.tags as Record<string, string> | undefined)?.tier === tier);
        const associations = this.find(region, "aws:ec2/routeTableAssociation:RouteTableAssociation");
        const tables = new Map<string, Located>();
        const unassociated: string[] = [];
        for (const s of subnets) {
            const a = associations.find((x) => (x.resource.propertyDependencies.subnetId ?? []).includes(s.resource.urn));
            const table = a && this.get((a.resource.propertyDependencies.routeTableId ?? [])[0] ?? "");
            if (table) tables.set(table.resource.urn, table);
            else unassociated.push(s.resource.name);
        }
        return { tables: [...tables.values()], unassociated };
    }

    private peer(from: PlannedResource, property: string, value: unknown, kind: "cidr" | "group" | "prefix-list"): Peer {
        if (kind === "cidr") return { kind, cidr: String(value) };
        if (kind === "prefix-list") return { kind, id: String(value), name: this.prefixListName(String(value)) };
        const hit = this.resolve(from, property, value);
        return hit ? { kind: "group", urn: hit.resource.urn } : { kind: "unresolved", ref: String(value) };
    }

    private index(l: Located): void {
        const r = l.resource;
        const i = r.inputs;
        const port = (v: unknown, d: number) => (typeof v === "number" ? v : d);
        const push = (direction: "ingress" | "egress", group: string, protocol: unknown, fromPort: unknown, toPort: unknown, peer: Peer, urn = r.urn) => {
            const p = String(protocol ?? "-1");
            const all = p === "-1" || p === "all";
            this.rules.push({ urn, name: r.name, direction, group, protocol: all ? "-1" : p, fromPort: all ? 0 : port(fromPort, 0), toPort: all ? 65535 : port(toPort, 65535), peer });
        };
        switch (r.type) {
            case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
                const group = this.resolve(r, "securityGroupId", i.securityGroupId);
                if (!group) return;
                const direction = r.type.includes("Ingress") ? "ingress" : "egress";
                const peer: Peer | undefined =
                    i.cidrIpv4 !== undefined ? this.peer(r, "cidrIpv4", i.cidrIpv4, "cidr")
                    : i.cidrIpv6 !== undefined ? this.peer(r, "cidrIpv6", i.cidrIpv6, "cidr")
                    : i.prefixListId !== undefined ? this.peer(r, "prefixListId", i.prefixListId, "prefix-list")
                    : i.referencedSecurityGroupId !== undefined ? this.peer(r, "referencedSecurityGroupId", i.referencedSecurityGroupId, "group")
                    : undefined;
                if (peer) push(direction, group.resource.urn, i.ipProtocol, i.fromPort, i.toPort, peer);
                return;
            }
            case "aws:ec2/securityGroupRule:SecurityGroupRule": {
                const group = this.resolve(r, "securityGroupId", i.securityGroupId);
                if (!group) return;
                const direction = i.type === "egress" ? "egress" : "ingress";
                for (const c of [...((i.cidrBlocks as string[]) ?? []), ...((i.ipv6CidrBlocks as string[]) ?? [])]) push(direction, group.resource.urn, i.protocol, i.fromPort, i.toPort, { kind: "cidr", cidr: c });
                for (const p of (i.prefixListIds as string[]) ?? []) push(direction, group.resource.urn, i.protocol, i.fromPort, i.toPort, this.peer(r, "prefixListIds", p, "prefix-list"));
                if (i.self === true) push(direction, group.resource.urn, i.protocol, i.fromPort, i.toPort, { kind: "group", urn: group.resource.urn });
                if (i.sourceSecurityGroupId !== undefined) push(direction, group.resource.urn, i.protocol, i.fromPort, i.toPort, this.peer(r, "sourceSecurityGroupId", i.sourceSecurityGroupId, "group"));
                return;
            }
            case "aws:ec2/securityGroup:SecurityGroup": {
                for (const direction of ["ingress", "egress"] as const) {
                    for (const rule of (i[direction] as Record<string, unknown>[] | undefined) ?? []) {
                        const add = (peer: Peer) => push(direction, r.urn, rule.protocol, rule.fromPort, rule.toPort, peer);
                        for (const c of [...((rule.cidrBlocks as string[]) ?? []), ...((rule.ipv6CidrBlocks as string[]) ?? [])]) add({ kind: "cidr", cidr: c });
                        for (const p of (rule.prefixListIds as string[]) ?? []) add({ kind: "prefix-list", id: p, name: this.prefixListName(p) });
                        for (const g of (rule.securityGroups as string[]) ?? []) {
                            const hit = this.byId.get(g);
                            add(hit ? { kind: "group", urn: hit.resource.urn } : { kind: "unresolved", ref: g });
                        }
                        if (rule.self === true) add({ kind: "group", urn: r.urn });
                    }
                }
                return;
            }
            case "aws:ec2/route:Route":
            case "aws:ec2transitgateway/route:Route": {
                const tableProp = r.type === "aws:ec2/route:Route" ? "routeTableId" : "transitGatewayRouteTableId";
                const table = this.resolve(r, tableProp, i[tableProp]);
                if (!table) return;
                const target =
                    i.gatewayId !== undefined ? { kind: "igw", id: String(i.gatewayId) }
                    : i.natGatewayId !== undefined ? { kind: "nat", id: String(i.natGatewayId) }
                    : i.transitGatewayId !== undefined ? { kind: "tgw", id: String(i.transitGatewayId) }
                    : i.transitGatewayAttachmentId !== undefined ? { kind: "tgw-attachment", id: String(i.transitGatewayAttachmentId) }
                    : i.blackhole === true ? { kind: "blackhole", id: "" }
                    : { kind: "other", id: "" };
                const list = this.routes.get(table.resource.urn) ?? [];
                list.push({ urn: r.urn, destination: String(i.destinationCidrBlock ?? ""), target });
                this.routes.set(table.resource.urn, list);
                return;
            }
            case "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": {
                const table = this.resolve(r, "transitGatewayRouteTableId", i.transitGatewayRouteTableId);
                if (!table) return;
                const id = String(i.transitGatewayAttachmentId);
                this.associations.set(id, [...(this.associations.get(id) ?? []), table.resource.urn]);
                return;
            }
        }
    }
}
