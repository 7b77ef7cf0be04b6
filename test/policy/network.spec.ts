import * as assert from "assert";
import { derivedAsn, parseCidr as policyCidr } from "../../policy/lib/cidr";
import { parseCidr as programCidr } from "../../components/network/cidr";
import { derivedTransitGatewayAsn } from "../../stacks/settings/registry";
import { PolicyReport } from "../../tools/plan/contract";
import { U, expectClean, expectFindings, res, run, stackConfig, urn } from "./fixtures";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const M = "mandatory";

describe("network policies (through the analyzer protocol)", () => {
    let report: PolicyReport;
    let badRegistry: PolicyReport;
    let staging: PolicyReport;
    before(async () => {
        report = await run([
            res(SG, "sg-open", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] }),
            res(SG, "sg-split", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1"] }] }),
            res(RULE, "sg-split-rule", { type: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["128.0.0.0/1"], securityGroupId: U },
                { deps: { securityGroupId: [urn(SG, "sg-split")] } }),
            res(SG, "sg-good", {
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"], prefixListIds: ["pl-3b927c52"] }],
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
            }),
            res(DEFAULT_SG, "default-sg", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
            res(INGRESS, "rule-v6", { securityGroupId: "sg-0123", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" }),
            res(RULE, "rule-egress", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg-0123" }),
            res(INGRESS, "rule-preview", { securityGroupId: U, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: U }),
            res("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-world", { name: "world", addressFamily: "IPv4", maxEntries: 2, entries: [{ cidr: "0.0.0.0/0" }] }),
            res("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-offices", { name: "offices", addressFamily: "IPv4", maxEntries: 5, entries: [{ cidr: "203.0.113.0/24" }] }),
            res("aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry", "pl-offices-everyone", { prefixListId: U, cidr: "0.0.0.0/0" }, { deps: { prefixListId: [urn("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-offices")] } }),
            res("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-partners", { name: "partners", addressFamily: "IPv4", maxEntries: 5, entries: [{ cidr: "198.51.100.0/24" }] }),
            res(INGRESS, "rule-via-world-list", { securityGroupId: "sg-0789", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: U }, { deps: { prefixListId: [urn("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-world")] } }),
            res(RULE, "rule-via-entry", { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, prefixListIds: [U], securityGroupId: "sg-0789" }, { deps: { prefixListIds: [urn("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-offices")] } }),
            res(INGRESS, "rule-via-partners", { securityGroupId: "sg-0790", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: U }, { deps: { prefixListId: [urn("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-partners")] } }),
            res(INGRESS, "rule-private", { securityGroupId: "sg-0456", ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.48.0/20" }),

            res(VPC, "vpc", { cidrBlock: "10.0.0.0/16" }),
            res(VPC, "vpc-bad", { cidrBlock: "10.1.0.0/16" }),
            res(VPC, "vpc-preview", { cidrBlock: U }),
            res(SUBNET, "subnet-a", { cidrBlock: "10.0.0.0/20", vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc")] } }),
            res(SUBNET, "subnet-b", { cidrBlock: "10.0.16.0/20", vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc")] } }),
            res(SUBNET, "subnet-outside", { cidrBlock: "10.0.255.0/24", vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc-preview")] } }),
            res(SUBNET, "subnet-stray", { cidrBlock: "10.3.0.0/20", vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc")] } }),
            res(SUBNET, "subnet-overlap", { cidrBlock: "10.0.8.0/24", vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc")] } }),
            res(SUBNET, "subnet-preview", { cidrBlock: U, vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc")] } }),
        ]);
        badRegistry = await run([res(VPC, "vpc", { cidrBlock: "10.0.0.0/16" })], {
            config: stackConfig({
                "us-east-1": { cidr: "10.0.0.0/16", role: "primary" },
                "us-west-2": { cidr: "10.0.128.0/17", role: "secondary" },
                "ap-northeast-2": { cidr: "10.2.0.0/33", role: "secondary" },
            }),
        });
        // A staging stack: production's registry is in its config too (project-level), but its own is staging's.
        staging = await run([res(VPC, "vpc", { cidrBlock: "10.16.0.0/16" }), res(VPC, "vpc-production", { cidrBlock: "10.0.0.0/16" })], {
            config: {
                ...stackConfig(),
                "mall:environment": "staging",
                "mall:environments": JSON.stringify({
                    staging: {
                        regions: {
                            "us-east-1": { cidr: "10.16.0.0/16", role: "primary" },
                            "us-west-2": { cidr: "10.17.0.0/16", role: "secondary" },
                            "ap-northeast-2": { cidr: "10.17.128.0/17", role: "secondary" },
                        },
                    },
                }),
            },
        });
    });

    describe("no-world-open-ingress", () => {
        const P = "no-world-open-ingress";
        it("flags inline ingress from 0.0.0.0/0", () =>
            expectFindings(report, P, urn(SG, "sg-open"), [[M, "security group sg-open must not admit the whole internet; its inline ingress allows 0.0.0.0/0"]]));
        it("flags ranges that only together cover the internet (inline + rule resource)", () =>
            expectFindings(report, P, urn(SG, "sg-split"), [
                [M, "security group sg-split must not admit the public range 0.0.0.0/1: admit it through an AWS-managed prefix list, or a customer-managed one named in allowedPrefixLists"],
                [M, "security group sg-split must not admit the whole internet; its ingress ranges 0.0.0.0/1, 128.0.0.0/1 together cover 0.0.0.0/0"],
            ]));
        it("follows customer prefix lists, their inline entries and separate entry resources", () => {
            expectFindings(report, P, urn(INGRESS, "rule-via-world-list"), [[M, "security group rule rule-via-world-list must not admit the whole internet; it allows 0.0.0.0/0 through prefix list pl-world"]]);
            expectFindings(report, P, urn(RULE, "rule-via-entry"), [
                [M, "security group rule rule-via-entry must not admit the public range 203.0.113.0/24 through prefix list pl-offices: admit it through an AWS-managed prefix list, or a customer-managed one named in allowedPrefixLists"],
                [M, "security group rule rule-via-entry must not admit the whole internet; it allows 0.0.0.0/0 through prefix list pl-offices"],
            ]);
        });
        it("admits a public range only through an AWS-managed prefix list or a customer-managed one the config names", async () => {
            expectFindings(report, P, urn(INGRESS, "rule-via-partners"), [[M, "security group rule rule-via-partners must not admit the public range 198.51.100.0/24 through prefix list pl-partners: admit it through an AWS-managed prefix list, or a customer-managed one named in allowedPrefixLists"]]);
            expectFindings(report, P, urn(RULE, "sg-split-rule"), [[M, "security group rule sg-split-rule must not admit the public range 128.0.0.0/1: admit it through an AWS-managed prefix list, or a customer-managed one named in allowedPrefixLists"]]);
            const partners = [
                res("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-partners", { name: "partners", addressFamily: "IPv4", maxEntries: 5, entries: [{ cidr: "198.51.100.0/24" }] }),
                res(INGRESS, "rule-via-partners", { securityGroupId: "sg-0790", ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: U }, { deps: { prefixListId: [urn("aws:ec2/managedPrefixList:ManagedPrefixList", "pl-partners")] } }),
                res(INGRESS, "rule-office", { securityGroupId: "sg-0791", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "203.0.113.7/32" }),
                res(INGRESS, "rule-shared", { securityGroupId: "sg-0791", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "100.64.1.0/24" }),
            ];
            for (const allowed of ["partners", "pl-partners"]) {
                const configured = await run(partners, { policyConfig: { [P]: { allowedPrefixLists: [allowed] } } });
                expectClean(configured, P, urn(INGRESS, "rule-via-partners"));
                expectFindings(configured, P, urn(INGRESS, "rule-office"), [[M, "security group rule rule-office must not admit the public range 203.0.113.7/32: admit it through an AWS-managed prefix list, or a customer-managed one named in allowedPrefixLists"]]);
                expectClean(configured, P, urn(INGRESS, "rule-shared"));
            }
        });
        it("flags the default security group", () =>
            expectFindings(report, P, urn(DEFAULT_SG, "default-sg"), [
                [M, "default security group default-sg must carry no rules (nothing should use it); it has ingress rules"],
                [M, "security group default-sg must not admit the whole internet; its inline ingress allows 0.0.0.0/0"],
            ]));
        it("flags a vpc.SecurityGroupIngressRule from ::/0", () =>
            expectFindings(report, P, urn(INGRESS, "rule-v6"), [[M, "security group rule rule-v6 must not admit the whole internet; it allows ::/0"]]));
        it("accepts private ranges, prefix lists and open egress", () => {
            expectClean(report, P, urn(SG, "sg-good"));
            expectClean(report, P, urn(RULE, "rule-egress"));
            expectClean(report, P, urn(INGRESS, "rule-private"));
        });
        it("raises nothing for a CIDR unknown during preview", () => expectClean(report, P, urn(INGRESS, "rule-preview")));
        it("requires every VPC to adopt its default security group with no rules", async () => {
            expectFindings(report, P, urn(VPC, "vpc"), [[M, "VPC vpc must adopt its default security group with no rules: declare an aws:ec2/defaultSecurityGroup:DefaultSecurityGroup with this VPC's vpcId and no ingress or egress"]]);
            const adopted = await run([res(VPC, "vpc", { cidrBlock: "10.0.0.0/16" }), res(DEFAULT_SG, "vpc-default", { vpcId: U }, { deps: { vpcId: [urn(VPC, "vpc")] } })]);
            expectClean(adopted, P, urn(VPC, "vpc"));
            expectClean(adopted, P, urn(DEFAULT_SG, "vpc-default"));
        });
    });

    describe("non-overlapping-cidrs", () => {
        const P = "non-overlapping-cidrs";
        it("accepts a VPC inside its region's registry CIDR, and disjoint subnets inside it", () => {
            expectClean(report, P, urn(VPC, "vpc"));
            expectClean(report, P, urn(SUBNET, "subnet-a"));
            expectClean(report, P, urn(SUBNET, "subnet-b"));
            expectClean(report, P, null);
        });
        it("flags a VPC that overlaps another region and leaves its own", () =>
            expectFindings(report, P, urn(VPC, "vpc-bad"), [
                [M, "VPC vpc-bad cidrBlock \"10.1.0.0/16\" must lie within us-east-1's registry CIDR 10.0.0.0/16"],
                [M, "VPC vpc-bad cidrBlock \"10.1.0.0/16\" must not overlap us-west-2's registry CIDR 10.1.0.0/16"],
            ]));
        it("flags a subnet outside its VPC (via the vpcId property dependency)", () =>
            expectFindings(report, P, urn(SUBNET, "subnet-stray"), [[M, "subnet subnet-stray cidrBlock \"10.3.0.0/20\" must lie within VPC vpc (10.0.0.0/16)"]]));
        it("flags overlapping subnets", () =>
            expectFindings(report, P, urn(SUBNET, "subnet-overlap"), [[M, "subnet subnet-overlap cidrBlock \"10.0.8.0/24\" must not overlap subnet subnet-a (10.0.0.0/20)"]]));
        it("keeps secondary CIDR blocks clear of other regions and of the stack's VPC ranges, and accepts subnets inside them", async () => {
            const ASSOC = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation";
            const vpcDep = { deps: { vpcId: [urn(VPC, "vpc")] } };
            const r = await run([
                res(VPC, "vpc", { cidrBlock: "10.0.0.0/16" }),
                res(ASSOC, "pods", { vpcId: U, cidrBlock: "100.64.0.0/16" }, vpcDep),
                res(SUBNET, "pods-a", { vpcId: U, cidrBlock: "100.64.0.0/19" }, vpcDep),
                res(ASSOC, "into-west", { vpcId: U, cidrBlock: "10.1.0.0/16" }, vpcDep),
                res(ASSOC, "over-pods", { vpcId: U, cidrBlock: "100.64.128.0/17" }, vpcDep),
            ]);
            expectClean(r, P, urn(ASSOC, "pods"));
            expectClean(r, P, urn(SUBNET, "pods-a"));
            expectFindings(r, P, urn(ASSOC, "into-west"), [[M, 'VPC CIDR association into-west cidrBlock "10.1.0.0/16" must not overlap us-west-2\'s registry CIDR 10.1.0.0/16']]);
            expectFindings(r, P, urn(ASSOC, "over-pods"), [[M, 'VPC CIDR association over-pods cidrBlock "100.64.128.0/17" must not overlap pods (100.64.0.0/16)']]);
        });
        it("refuses two regions with one Transit Gateway ASN, and a gateway using another region's", async () => {
            const r = await run([res("aws:ec2transitgateway/transitGateway:TransitGateway", "tgw", { amazonSideAsn: 64513 })], {
                config: stackConfig({
                    "us-east-1": { cidr: "10.0.0.0/16", role: "primary", asn: 64512 },
                    "us-west-2": { cidr: "10.1.0.0/16", role: "secondary", asn: 64513 },
                    "eu-west-1": { cidr: "10.2.0.0/16", role: "secondary", asn: 64513 },
                }),
            });
            expectFindings(r, P, null, [[M, "mall:regions.eu-west-1.asn 64513 must differ from us-west-2's; Transit Gateway peering needs a distinct ASN per region"]]);
            expectFindings(r, P, urn("aws:ec2transitgateway/transitGateway:TransitGateway", "tgw"), [[M, "transit gateway tgw amazonSideAsn 64513 is us-west-2's in mall:regions; each region needs its own"]]);
        });
        it("derives the ASN of an entry without one as the program does, so disjoint CIDRs sharing a second octet collide", async () => {
            // Both runs at once: each is a pack process.
            const [r, fixed] = await Promise.all([
                run([], {
                    config: stackConfig({
                        "us-east-1": { cidr: "10.16.0.0/16", role: "primary" },
                        "us-west-2": { cidr: "172.16.0.0/16", role: "secondary" },
                        "eu-west-1": { cidr: "10.18.0.0/16", role: "secondary", asn: 64529 },
                        "ap-northeast-2": { cidr: "192.168.0.0/16", role: "secondary", asn: 64530 },
                    }),
                }),
                run([], { config: stackConfig({ "us-east-1": { cidr: "10.16.0.0/16", role: "primary" }, "us-west-2": { cidr: "172.16.0.0/16", role: "secondary", asn: 64600 } }) }),
            ]);
            expectFindings(r, P, null, [
                [M, "mall:regions.us-west-2 has no asn, so the program derives 64528 from its cidr (172.16.0.0/16), which must differ from us-east-1's; Transit Gateway peering needs a distinct ASN per region: set asn on one of them"],
            ]);
            expectClean(fixed, P, null);
        });
        it("cannot judge containment while the VPC CIDR is unknown in preview, and says nothing", () => {
            expectClean(report, P, urn(VPC, "vpc-preview"));
            expectClean(report, P, urn(SUBNET, "subnet-outside"));
            expectClean(report, P, urn(SUBNET, "subnet-preview"));
        });
        it("reads the registry from stack config and flags overlapping or invalid entries", () =>
            expectFindings(badRegistry, P, null, [
                [M, "mall:regions.us-west-2.cidr \"10.0.128.0/17\" must not overlap us-east-1 (10.0.0.0/16); pick a disjoint range"],
                [M, "mall:regions.ap-northeast-2.cidr \"10.2.0.0/33\" must be a valid CIDR"],
                [M, "mall:regions.us-west-2 has no asn, so the program derives 64512 from its cidr (10.0.128.0/17), which must differ from us-east-1's; Transit Gateway peering needs a distinct ASN per region: set asn on one of them"],
            ]));
        it("reads the stack's environment's registry (mall:environments.<env>.regions), not production's", () => {
            expectClean(staging, P, urn(VPC, "vpc"));
            expectFindings(staging, P, urn(VPC, "vpc-production"), [[M, "VPC vpc-production cidrBlock \"10.0.0.0/16\" must lie within us-east-1's registry CIDR 10.16.0.0/16"]]);
            expectFindings(staging, P, null, [
                [M, "mall:environments.staging.regions.ap-northeast-2.cidr \"10.17.128.0/17\" must not overlap us-west-2 (10.17.0.0/16); pick a disjoint range"],
                [M, "mall:environments.staging.regions.ap-northeast-2 has no asn, so the program derives 64529 from its cidr (10.17.128.0/17), which must differ from us-west-2's; Transit Gateway peering needs a distinct ASN per region: set asn on one of them"],
            ]);
        });
    });
});

describe("derived Transit Gateway ASNs", () => {
    it("the pack derives the ASN the program derives, for every second octet and other families", () => {
        for (const cidr of ["10.0.0.0/16", "10.1.0.0/16", "10.255.0.0/16", "172.16.0.0/16", "172.31.0.0/16", "192.168.0.0/16", "10.16.128.0/17"]) {
            assert.strictEqual(derivedAsn(policyCidr(cidr)!), derivedTransitGatewayAsn(programCidr(cidr)!), cidr);
        }
        assert.strictEqual(derivedAsn(policyCidr("10.16.0.0/16")!), 64528);
        assert.strictEqual(derivedAsn(policyCidr("fd00::/48")!), undefined);
    });
});
