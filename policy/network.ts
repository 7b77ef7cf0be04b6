/** Network guardrails: nothing admits the internet; CIDRs never overlap (TGW peering needs it). */
import * as pulumi from "@pulumi/pulumi";
import { StackValidationPolicy } from "@pulumi/policy";
import { Range, contains, coversAll, derivedAsn, overlaps, parseCidr } from "./lib/cidr";
import { StackIndex, stackPolicy } from "./lib/define";
import { StackResource, UNKNOWN, at, list, str } from "./lib/props";

const SECURITY_GROUP_TYPES = ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"];
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList";
const PREFIX_LIST_ENTRY = "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry";

interface Admission {
    readonly range: Range;
    /** The resource whose input carries this range. */
    readonly source: StackResource;
}

/** Known CIDR strings of a list input; unknown lists or elements contribute nothing. */
function cidrs(obj: unknown, path: string): string[] {
    const v = list(obj, path);
    if (v === UNKNOWN) return [];
    return v.map(str).filter((s): s is string => s !== undefined);
}

/**
 * Ingress can reach a security group four ways in @pulumi/aws v7: inline `ingress` on
 * SecurityGroup / DefaultSecurityGroup, `SecurityGroupRule` with `type: "ingress"`, and
 * `vpc.SecurityGroupIngressRule` (`cidrIpv4`/`cidrIpv6`). `VpcSecurityGroupRulesExclusive` only
 * lists rule ids, so it admits nothing by itself. Network ACLs are deliberately out of scope: they
 * are stateless, so a public subnet's ACL must admit 0.0.0.0/0 for return traffic; the security
 * group is the control that decides what is reachable.
 */
/** Ranges that are not the internet: RFC 1918, shared address space (RFC 6598), loopback, link-local, IPv6 ULA, link-local and loopback. */
export const NON_PUBLIC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"].map((c) => parseCidr(c)!);

/** Whether a range reaches outside private address space. */
export function isPublic(r: Range): boolean {
    return !NON_PUBLIC_RANGES.some((p) => p.family === r.family && contains(p, r));
}

interface IngressConfig {
    allowedPrefixLists: string[];
}

export const noWorldOpenIngress: StackValidationPolicy = stackPolicy<IngressConfig>({
    name: "no-world-open-ingress",
    description:
        "Checks that no security group admits 0.0.0.0/0 or ::/0, by any rule or by ranges that together cover the internet; that no public range is admitted except through an AWS-managed prefix list or an allowed customer-managed one; and that default security groups carry no rules.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedPrefixLists: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Customer-managed prefix lists (by Pulumi name or by prefix-list name) whose public ranges security groups may admit.",
            },
        },
    },
    check: (resources, config, report) => {
        const idx = new StackIndex(resources);
        // Ranges per security group: key is the group's URN, else its known id, else the rule's URN.
        const perGroup = new Map<string, Admission[]>();
        const add = (key: string, a: Admission) => perGroup.set(key, [...(perGroup.get(key) ?? []), a]);
        const groupKey = (rule: StackResource): string => {
            const sg = idx.depsOf(rule, "securityGroupId", ...SECURITY_GROUP_TYPES)[0];
            if (sg) return sg.urn;
            const id = str(at(rule.props, "securityGroupId"));
            return id ? `id:${id}` : rule.urn;
        };
        const world = (r: Range) => (r.family === 4 ? "0.0.0.0/0" : "::/0");
        // A rule may admit a customer-managed prefix list declared in the stack: its CIDRs (inline
        // entries and separate entry resources) are that rule's sources. AWS-managed lists (the
        // CloudFront origin-facing one) are not resources here and are never the internet.
        const viaPrefixLists = (r: StackResource, prop: string): { cidr: string; via: string; list?: StackResource }[] =>
            idx.depsOf(r, prop, PREFIX_LIST).flatMap((pl) => {
                const inline = list(pl.props, "entries");
                const entries = inline === UNKNOWN ? [] : inline.map((e) => str(at(e, "cidr")));
                const separate = idx.dependents(pl, "prefixListId", PREFIX_LIST_ENTRY).map((e) => str(at(e.props, "cidr")));
                return [...entries, ...separate].filter((c): c is string => !!c).map((cidr) => ({ cidr, via: ` through prefix list ${pl.name}`, list: pl }));
            });

        // A public range that is not the whole internet: allowed only through an allowed prefix list.
        const allowed = (pl?: StackResource) => !!pl && (config.allowedPrefixLists.includes(pl.name) || config.allowedPrefixLists.includes(String(at(pl.props, "name"))));
        const publicRange = (subject: string, range: Range, c: string, via: string, urn: string, pl?: StackResource) => {
            if (coversAll([range], range.family) || !isPublic(range) || allowed(pl)) return;
            report(`${subject} must not admit the public range ${c}${via}: admit it through an AWS-managed prefix list, or a customer-managed one named in allowedPrefixLists`, urn);
        };
        // AWS's default group admits everything within itself: every VPC adopts it and strips its rules.
        for (const vpc of idx.ofType("aws:ec2/vpc:Vpc")) {
            if (idx.dependents(vpc, "vpcId", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").length === 0) {
                report(`VPC ${vpc.name} must adopt its default security group with no rules: declare an aws:ec2/defaultSecurityGroup:DefaultSecurityGroup with this VPC's vpcId and no ingress or egress`, vpc.urn);
            }
        }
        for (const sg of idx.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")) {
            const rules = ["ingress", "egress"].filter((k) => {
                const v = list(sg.props, k);
                return v !== UNKNOWN && v.length > 0;
            });
            if (rules.length > 0) report(`default security group ${sg.name} must carry no rules (nothing should use it); it has ${rules.join(" and ")} rules`, sg.urn);
        }
        for (const sg of idx.ofType(...SECURITY_GROUP_TYPES)) {
            const ingress = list(sg.props, "ingress");
            if (ingress === UNKNOWN) continue;
            const sources: { cidr: string; via: string; list?: StackResource }[] = [
                ...ingress.flatMap((rule) => [...cidrs(rule, "cidrBlocks"), ...cidrs(rule, "ipv6CidrBlocks")].map((cidr) => ({ cidr, via: "" }))),
                ...(ingress.length > 0 ? viaPrefixLists(sg, "ingress") : []),
            ];
            for (const { cidr: c, via, list: pl } of sources) {
                const range = parseCidr(c);
                if (!range) continue;
                if (coversAll([range], range.family)) {
                    report(`security group ${sg.name} must not admit the whole internet; its inline ingress allows ${c}${via}`, sg.urn);
                }
                publicRange(`security group ${sg.name}`, range, c, via, sg.urn, pl);
                add(sg.urn, { range, source: sg });
            }
        }
        const rules: [StackResource, { cidr: string; via: string; list?: StackResource }[]][] = [];
        const direct = (cs: string[]) => cs.map((cidr) => ({ cidr, via: "" }));
        for (const r of idx.ofType(SG_RULE)) {
            if (at(r.props, "type") !== "ingress") continue; // egress is not ingress; unknown type: cannot tell
            rules.push([r, [...direct([...cidrs(r.props, "cidrBlocks"), ...cidrs(r.props, "ipv6CidrBlocks")]), ...viaPrefixLists(r, "prefixListIds")]]);
        }
        for (const r of idx.ofType(SG_INGRESS_RULE)) {
            rules.push([r, [...direct([str(at(r.props, "cidrIpv4")), str(at(r.props, "cidrIpv6"))].filter((s): s is string => !!s)), ...viaPrefixLists(r, "prefixListId")]]);
        }
        for (const [rule, sources] of rules) {
            for (const { cidr: c, via, list: pl } of sources) {
                const range = parseCidr(c);
                if (!range) continue;
                if (coversAll([range], range.family)) {
                    report(`security group rule ${rule.name} must not admit the whole internet; it allows ${c}${via}`, rule.urn);
                }
                publicRange(`security group rule ${rule.name}`, range, c, via, rule.urn, pl);
                add(groupKey(rule), { range, source: rule });
            }
        }

        // Ranges that only together amount to the internet (e.g. 0.0.0.0/1 + 128.0.0.0/1).
        for (const [key, admissions] of perGroup) {
            for (const family of [4, 6] as const) {
                const ranges = admissions.map((a) => a.range).filter((r) => r.family === family);
                if (ranges.some((r) => coversAll([r], family)) || !coversAll(ranges, family)) continue;
                const sg = idx.byUrn.get(key);
                const subject = sg ? `security group ${sg.name}` : `security group ${key.replace(/^id:/, "")}`;
                const urn = sg?.urn ?? admissions[0].source.urn;
                const listed = ranges.map((r) => r.cidr).join(", ");
                report(`${subject} must not admit the whole internet; its ingress ranges ${listed} together cover ${world(ranges[0])}`, urn);
            }
        }
    },
});

interface RegistryEntry {
    readonly cidr: string;
    readonly role: string;
    /** The Transit Gateway's Amazon-side ASN when set explicitly (the program derives it otherwise). */
    readonly asn?: number;
}

/**
 * Reads the stack's environment's region registry from the config the engine passes in
 * PULUMI_CONFIG (structured values arrive as JSON strings), so `pulumi preview --policy-pack
 * policy` needs no extra flag: production's is `mall:regions`, another environment's (named by
 * `mall:environment`) `mall:environments.<env>.regions`.
 */
function readRegistry(): { registry: Record<string, RegistryEntry>; region?: string; error?: string; key: string } {
    const region = new pulumi.Config("aws").get("region");
    const mall = new pulumi.Config("mall");
    const environment = mall.get("environment") ?? "production";
    const key = environment === "production" ? "mall:regions" : `mall:environments.${environment}.regions`;
    const rawValue = environment === "production" ? mall.get("regions") : mall.get("environments");
    if (rawValue === undefined) return { registry: {}, region, key, error: `stack config ${key} must be set (the ${environment} region registry); it is missing` };
    try {
        const parsed = JSON.parse(rawValue) as unknown;
        const value = environment === "production" ? parsed : (parsed as Record<string, { regions?: unknown } | undefined> | null)?.[environment]?.regions;
        if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
        return { registry: value as Record<string, RegistryEntry>, region, key };
    } catch {
        return { registry: {}, region, key, error: `stack config ${key} must be a JSON object of region → { cidr, role }; it is ${JSON.stringify(rawValue)}` };
    }
}

export const nonOverlappingCidrs: StackValidationPolicy = stackPolicy({
    name: "non-overlapping-cidrs",
    description:
        "Checks that registry CIDRs and ASNs are distinct, each VPC stays inside its region's registry CIDR and clear of other regions, secondary CIDR blocks overlap nothing, and subnets lie inside their VPC without overlapping.",
    enforcementLevel: "mandatory",
    check: (resources, _config, report) => {
        const idx = new StackIndex(resources);
        const { registry, region: stackRegion, error, key } = readRegistry();
        if (error) report(error);

        const regions: [string, Range][] = [];
        for (const [name, entry] of Object.entries(registry)) {
            const cidr = entry && typeof entry === "object" ? entry.cidr : undefined;
            const range = typeof cidr === "string" ? parseCidr(cidr) : undefined;
            if (!range) {
                report(`${key}.${name}.cidr ${JSON.stringify(cidr ?? null)} must be a valid CIDR`);
                continue;
            }
            for (const [other, o] of regions) {
                if (overlaps(range, o)) report(`${key}.${name}.cidr "${range.cidr}" must not overlap ${other} (${o.cidr}); pick a disjoint range`);
            }
            regions.push([name, range]);
        }
        // Transit Gateway peering needs a distinct Amazon-side ASN per region, set or derived alike.
        const asns = new Map<number, string>();
        for (const [name, entry] of Object.entries(registry)) {
            const explicit = entry && typeof entry === "object" ? entry.asn : undefined;
            const range = regions.find(([n]) => n === name)?.[1];
            const asn = typeof explicit === "number" ? explicit : range && derivedAsn(range);
            if (asn === undefined) continue;
            const other = asns.get(asn);
            const subject = typeof explicit === "number" ? `${key}.${name}.asn ${asn}` : `${key}.${name} has no asn, so the program derives ${asn} from its cidr (${range!.cidr}), which`;
            if (other) report(`${subject} must differ from ${other}'s; Transit Gateway peering needs a distinct ASN per region${typeof explicit === "number" ? "" : ": set asn on one of them"}`);
            else asns.set(asn, name);
        }
        for (const tgw of idx.ofType("aws:ec2transitgateway/transitGateway:TransitGateway")) {
            const asn = at(tgw.props, "amazonSideAsn");
            const n = typeof asn === "string" ? Number(asn) : asn;
            const region = str(at(tgw.props, "region")) ?? stackRegion;
            const owner = typeof n === "number" ? asns.get(n) : undefined;
            if (owner && owner !== region) report(`transit gateway ${tgw.name} amazonSideAsn ${n} is ${owner}'s in ${key}; each region needs its own`, tgw.urn);
        }

        const vpcRanges = new Map<string, Range>();
        for (const vpc of idx.ofType("aws:ec2/vpc:Vpc")) {
            const cidr = str(at(vpc.props, "cidrBlock"));
            const range = cidr ? parseCidr(cidr) : undefined;
            if (!range) continue; // unknown (e.g. IPAM-allocated) during preview: nothing to prove yet
            vpcRanges.set(vpc.urn, range);
            const region = str(at(vpc.props, "region")) ?? stackRegion;
            for (const [name, r] of regions) {
                if (name === region) {
                    if (!contains(r, range)) report(`VPC ${vpc.name} cidrBlock "${range.cidr}" must lie within ${name}'s registry CIDR ${r.cidr}`, vpc.urn);
                } else if (overlaps(range, r)) {
                    report(`VPC ${vpc.name} cidrBlock "${range.cidr}" must not overlap ${name}'s registry CIDR ${r.cidr}`, vpc.urn);
                }
            }
        }

        // Secondary CIDR blocks: clear of other regions' registry CIDRs and of every other VPC range here.
        const secondary = new Map<string, Range[]>();
        const assocs: [StackResource, Range][] = [];
        for (const a of idx.ofType("aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation")) {
            const cidr = str(at(a.props, "cidrBlock"));
            const range = cidr ? parseCidr(cidr) : undefined;
            if (!range) continue;
            const vpc = idx.depsOf(a, "vpcId", "aws:ec2/vpc:Vpc")[0];
            const region = (vpc && str(at(vpc.props, "region"))) ?? str(at(a.props, "region")) ?? stackRegion;
            for (const [name, r] of regions) {
                if (name !== region && overlaps(range, r)) report(`VPC CIDR association ${a.name} cidrBlock "${range.cidr}" must not overlap ${name}'s registry CIDR ${r.cidr}`, a.urn);
            }
            for (const [other, o] of [...[...vpcRanges].map(([u, r]) => [idx.byUrn.get(u)!, r] as [StackResource, Range]), ...assocs]) {
                if (overlaps(range, o)) report(`VPC CIDR association ${a.name} cidrBlock "${range.cidr}" must not overlap ${other.name} (${o.cidr})`, a.urn);
            }
            assocs.push([a, range]);
            if (vpc) secondary.set(vpc.urn, [...(secondary.get(vpc.urn) ?? []), range]);
        }

        const subnets: [StackResource, Range][] = [];
        for (const subnet of idx.ofType("aws:ec2/subnet:Subnet")) {
            const cidr = str(at(subnet.props, "cidrBlock"));
            const range = cidr ? parseCidr(cidr) : undefined;
            if (!range) continue;
            const vpc = idx.depsOf(subnet, "vpcId", "aws:ec2/vpc:Vpc")[0];
            const vpcRange = vpc && vpcRanges.get(vpc.urn);
            if (vpc && vpcRange && !contains(vpcRange, range) && !(secondary.get(vpc.urn) ?? []).some((r) => contains(r, range))) {
                report(`subnet ${subnet.name} cidrBlock "${range.cidr}" must lie within VPC ${vpc.name} (${vpcRange.cidr})`, subnet.urn);
            }
            for (const [other, o] of subnets) {
                if (overlaps(range, o)) report(`subnet ${subnet.name} cidrBlock "${range.cidr}" must not overlap subnet ${other.name} (${o.cidr})`, subnet.urn);
            }
            subnets.push([subnet, range]);
        }
    },
});
