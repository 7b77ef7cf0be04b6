import * as assert from "assert";
import { RegionalVpc } from "../../components/network/regional-vpc";
import { TransitGatewayPeering } from "../../components/network/tgw-peering";
import { Resources, planComponent, testContext } from "../harness";

const AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];
const ENDPOINTS = ["ecr.api", "ecr.dkr", "sts", "logs"];

function vpc(overrides: Partial<ConstructorParameters<typeof RegionalVpc>[1]> = {}) {
    return new RegionalVpc("net", {
        context: testContext("us-east-1"),
        cidr: "10.0.0.0/16",
        availabilityZones: AZS,
        interfaceEndpoints: ENDPOINTS,
        transitGatewayAsn: 64512,
        ...overrides,
    });
}

describe("RegionalVpc", () => {
    let r: Resources;
    before(async () => {
        r = await planComponent(() => vpc({ subnetTags: { private: { "karpenter.sh/discovery": "mall-us-east-1" } } }));
    });

    it("declares exactly the expected resources", () => {
        assert.deepStrictEqual(r.countsByType(), {
            "aws:ec2/vpc:Vpc": 1,
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
            "aws:ec2/subnet:Subnet": 9,
            "aws:ec2/internetGateway:InternetGateway": 1,
            "aws:ec2/routeTable:RouteTable": 5,
            "aws:ec2/route:Route": 4,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 9,
            "aws:ec2/eip:Eip": 3,
            "aws:ec2/natGateway:NatGateway": 3,
            "aws:ec2/vpcEndpoint:VpcEndpoint": 6,
            "aws:ec2/securityGroup:SecurityGroup": 1,
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
            "aws:kms/key:Key": 1,
            "aws:kms/alias:Alias": 1,
            "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicy:RolePolicy": 1,
            "aws:ec2/flowLog:FlowLog": 1,
            "aws:ec2transitgateway/transitGateway:TransitGateway": 1,
            "aws:ec2transitgateway/routeTable:RouteTable": 1,
            "aws:ec2transitgateway/vpcAttachment:VpcAttachment": 1,
            "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": 1,
            "aws:ec2transitgateway/route:Route": 1,
        });
    });

    it("creates the VPC with DNS on (private endpoint DNS needs it)", () => {
        const v = r.one("aws:ec2/vpc:Vpc", "net-vpc").inputs;
        assert.strictEqual(v.cidrBlock, "10.0.0.0/16");
        assert.strictEqual(v.enableDnsHostnames, true);
        assert.strictEqual(v.enableDnsSupport, true);
        assert.deepStrictEqual(v.tags, {
            project: "mall",
            stack: "us-east-1",
            region: "us-east-1",
            environment: "production",
            "managed-by": "pulumi",
            service: "network",
            component: "regional-vpc",
            Name: "mall-us-east-1-vpc",
        });
    });

    it("lays the 9 subnets out per the plan, in their AZs, with tier and discovery tags", () => {
        const got = r.ofType("aws:ec2/subnet:Subnet").map((s) => ({
            name: s.name,
            cidr: s.inputs.cidrBlock,
            az: s.inputs.availabilityZone,
            publicIp: s.inputs.mapPublicIpOnLaunch,
            tier: (s.inputs.tags as Record<string, string>).tier,
        }));
        got.sort((a, b) => a.name.localeCompare(b.name));
        assert.deepStrictEqual(got, [
            { name: "net-data-a", cidr: "10.0.96.0/20", az: "us-east-1a", publicIp: false, tier: "data" },
            { name: "net-data-b", cidr: "10.0.112.0/20", az: "us-east-1b", publicIp: false, tier: "data" },
            { name: "net-data-c", cidr: "10.0.128.0/20", az: "us-east-1c", publicIp: false, tier: "data" },
            { name: "net-private-a", cidr: "10.0.48.0/20", az: "us-east-1a", publicIp: false, tier: "private" },
            { name: "net-private-b", cidr: "10.0.64.0/20", az: "us-east-1b", publicIp: false, tier: "private" },
            { name: "net-private-c", cidr: "10.0.80.0/20", az: "us-east-1c", publicIp: false, tier: "private" },
            { name: "net-public-a", cidr: "10.0.0.0/20", az: "us-east-1a", publicIp: false, tier: "public" },
            { name: "net-public-b", cidr: "10.0.16.0/20", az: "us-east-1b", publicIp: false, tier: "public" },
            { name: "net-public-c", cidr: "10.0.32.0/20", az: "us-east-1c", publicIp: false, tier: "public" },
        ]);
        const privateTags = r.one("aws:ec2/subnet:Subnet", "net-private-b").inputs.tags as Record<string, string>;
        assert.strictEqual(privateTags["karpenter.sh/discovery"], "mall-us-east-1");
        assert.strictEqual(privateTags["kubernetes.io/role/internal-elb"], "1");
        assert.strictEqual((r.one("aws:ec2/subnet:Subnet", "net-public-a").inputs.tags as Record<string, string>)["kubernetes.io/role/elb"], "1");
    });

    it("puts one NAT per AZ in the public tier and routes each private AZ to its own NAT", () => {
        const nat = (suffix: string) => r.one("aws:ec2/natGateway:NatGateway", `net-nat-${suffix}`);
        for (const s of ["a", "b", "c"]) {
            assert.deepStrictEqual(nat(s).propertyDependencies.subnetId, [r.urn(`net-public-${s}`)]);
            assert.deepStrictEqual(r.one("aws:ec2/route:Route", `net-private-${s}-default`).propertyDependencies.natGatewayId, [r.urn(`net-nat-${s}`)]);
            assert.strictEqual(r.one("aws:ec2/route:Route", `net-private-${s}-default`).inputs.destinationCidrBlock, "0.0.0.0/0");
        }
        assert.deepStrictEqual(r.one("aws:ec2/route:Route", "net-public-default").propertyDependencies.gatewayId, [r.urn("net-igw")]);
    });

    it("gives the data tier no internet route", () => {
        const dataTable = r.urn("net-data-rt");
        const routes = r.ofType("aws:ec2/route:Route").filter((x) => x.propertyDependencies.routeTableId?.includes(dataTable));
        assert.deepStrictEqual(routes, []);
    });

    it("adds S3 and DynamoDB gateway endpoints on the private and data route tables", () => {
        for (const svc of ["s3", "dynamodb"]) {
            const e = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", `net-${svc}-gateway`);
            assert.strictEqual(e.inputs.serviceName, `com.amazonaws.us-east-1.${svc}`);
            assert.strictEqual(e.inputs.vpcEndpointType, "Gateway");
            assert.deepStrictEqual(
                [...e.propertyDependencies.routeTableIds].sort(),
                ["net-private-a-rt", "net-private-b-rt", "net-private-c-rt", "net-data-rt"].map((n) => r.urn(n)).sort(),
            );
        }
    });

    it("adds interface endpoints with private DNS behind an SG that admits 443 from the VPC only", () => {
        for (const svc of ENDPOINTS) {
            const e = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", `net-${svc.replace(".", "-")}-endpoint`);
            assert.strictEqual(e.inputs.serviceName, `com.amazonaws.us-east-1.${svc}`);
            assert.strictEqual(e.inputs.vpcEndpointType, "Interface");
            assert.strictEqual(e.inputs.privateDnsEnabled, true);
            assert.deepStrictEqual(e.propertyDependencies.securityGroupIds, [r.urn("net-endpoints-sg")]);
            assert.strictEqual((e.inputs.subnetIds as string[]).length, 3);
        }
        const rule = r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "net-endpoints-https").inputs;
        assert.deepStrictEqual(
            { ipProtocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort, cidrIpv4: rule.cidrIpv4 },
            { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16" },
        );
        assert.strictEqual(r.count("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"), 0);
    });

    it("sends flow logs to a log group encrypted with its own protected, rotating key", () => {
        const key = r.one("aws:kms/key:Key", "net-flow-logs-key");
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.strictEqual(key.protect, true);
        const policy = JSON.parse(String(key.inputs.policy));
        assert.deepStrictEqual(policy.Statement[1].Principal, { Service: "logs.us-east-1.amazonaws.com" });
        const group = r.one("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs");
        assert.strictEqual(group.inputs.name, "/mall/us-east-1/vpc-flow-logs");
        assert.strictEqual(group.inputs.retentionInDays, 365);
        assert.strictEqual(group.protect, true);
        assert.deepStrictEqual(group.propertyDependencies.kmsKeyId, [key.urn]);
        const flow = r.one("aws:ec2/flowLog:FlowLog", "net-flow-log").inputs;
        assert.strictEqual(flow.trafficType, "ALL");
        assert.strictEqual(flow.logDestinationType, "cloud-watch-logs");
        const write = JSON.parse(String(r.one("aws:iam/rolePolicy:RolePolicy", "net-flow-logs-write").inputs.policy));
        assert.deepStrictEqual(write.Statement[0].Action, ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
        // AWS's documented flow-logs role policy also lists the account's log groups (a list action:
        // it takes the log-group:* resource, not one group's ARN). Review net-data #8.
        assert.deepStrictEqual(write.Statement[1], {
            Sid: "FindLogGroup",
            Effect: "Allow",
            Action: ["logs:DescribeLogGroups"],
            Resource: ["arn:aws:logs:us-east-1:123456789012:log-group:*"],
        });
        assert.ok(!JSON.stringify(write).includes('"*"'), "the flow-log role is scoped to its log group");
    });

    it("creates the Transit Gateway with explicit routing, ECMP and DNS support", () => {
        const tgw = r.one("aws:ec2transitgateway/transitGateway:TransitGateway", "net-tgw").inputs;
        assert.strictEqual(tgw.amazonSideAsn, 64512);
        assert.strictEqual(tgw.vpnEcmpSupport, "enable");
        assert.strictEqual(tgw.dnsSupport, "enable");
        assert.strictEqual(tgw.defaultRouteTableAssociation, "disable");
        assert.strictEqual(tgw.defaultRouteTablePropagation, "disable");
        const attach = r.one("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "net-tgw-attachment");
        assert.deepStrictEqual([...attach.propertyDependencies.subnetIds].sort(), ["a", "b", "c"].map((s) => r.urn(`net-private-${s}`)).sort());
        const local = r.one("aws:ec2transitgateway/route:Route", "net-tgw-local");
        assert.strictEqual(local.inputs.destinationCidrBlock, "10.0.0.0/16");
        assert.deepStrictEqual(local.propertyDependencies.transitGatewayAttachmentId, [attach.urn]);
    });

    it("shares NAT gateways when configured down for cost", async () => {
        const two = await planComponent(() => vpc({ natGateways: 2 }));
        assert.strictEqual(two.count("aws:ec2/natGateway:NatGateway"), 2);
        assert.deepStrictEqual(two.one("aws:ec2/route:Route", "net-private-c-default").propertyDependencies.natGatewayId, [two.urn("net-nat-a")]);
    });

    it("refuses more AZs than the region has", () => {
        assert.throws(
            () => vpc({ availabilityZones: ["us-east-1a", "us-east-1b"] }),
            /^Error: RegionalVpc net: us-east-1 has 2 available AZs \(us-east-1a, us-east-1b\), fewer than azCount 3; pass a lower azCount$/,
        );
    });
});

describe("TransitGatewayPeering", () => {
    let r: Resources;
    before(async () => {
        r = await planComponent(
            () => {
                const local = new RegionalVpc("net", {
                    context: testContext("us-west-2", "secondary"),
                    cidr: "10.1.0.0/16",
                    availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
                    transitGatewayAsn: 64513,
                });
                new TransitGatewayPeering("peering-us-east-1", {
                    context: testContext("us-west-2", "secondary"),
                    local: {
                        region: "us-west-2",
                        cidr: "10.1.0.0/16",
                        transitGatewayId: local.transitGatewayId,
                        transitGatewayRouteTableId: local.transitGatewayRouteTableId,
                        vpcRouteTableIds: local.peerRouteTableIds,
                        vpcAttachment: local.transitGatewayAttachment,
                    },
                    peer: {
                        region: "us-east-1",
                        cidr: "10.0.0.0/16",
                        transitGatewayId: "tgw-primary",
                        transitGatewayRouteTableId: "tgw-rtb-primary",
                        vpcRouteTableIds: ["rtb-p1", "rtb-p2"],
                    },
                });
            },
            { region: "us-west-2" },
        );
    });

    it("requests peering from the secondary to the primary's TGW", () => {
        const a = r.one("aws:ec2transitgateway/peeringAttachment:PeeringAttachment", "peering-us-east-1-attachment");
        assert.strictEqual(a.inputs.peerTransitGatewayId, "tgw-primary");
        assert.strictEqual(a.inputs.peerRegion, "us-east-1");
        assert.strictEqual(a.inputs.region, undefined, "the requester lives in the secondary's own region");
        assert.deepStrictEqual(a.propertyDependencies.transitGatewayId, [r.urn("net-tgw")]);
    });

    it("accepts it in the primary's region", () => {
        const acc = r.one("aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter", "peering-us-east-1-accepter");
        assert.strictEqual(acc.inputs.region, "us-east-1");
        assert.deepStrictEqual(acc.propertyDependencies.transitGatewayAttachmentId, [r.urn("peering-us-east-1-attachment")]);
    });

    it("routes each side's CIDR over the peering, after acceptance, in the right region", () => {
        const accepter = r.urn("peering-us-east-1-accepter");
        const peerRoute = r.one("aws:ec2transitgateway/route:Route", "peering-us-east-1-peer-tgw-route");
        assert.deepStrictEqual(
            { region: peerRoute.inputs.region, dest: peerRoute.inputs.destinationCidrBlock, table: peerRoute.inputs.transitGatewayRouteTableId },
            { region: "us-east-1", dest: "10.1.0.0/16", table: "tgw-rtb-primary" },
        );
        const localRoute = r.one("aws:ec2transitgateway/route:Route", "peering-us-east-1-local-tgw-route");
        assert.deepStrictEqual({ region: localRoute.inputs.region, dest: localRoute.inputs.destinationCidrBlock }, { region: "us-west-2", dest: "10.0.0.0/16" });
        for (const name of ["peering-us-east-1-peer-tgw-route", "peering-us-east-1-local-tgw-route", "peering-us-east-1-peer-association", "peering-us-east-1-local-association"]) {
            assert.ok(r.all.find((x) => x.name === name)!.dependencies.includes(accepter), `${name} waits for the accepter`);
        }
        assert.strictEqual(r.one("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation", "peering-us-east-1-peer-association").inputs.region, "us-east-1");
    });

    it("sends the peer CIDR to the TGW from both VPCs' private and data route tables", () => {
        const peerSide = r.ofType("aws:ec2/route:Route").filter((x) => x.name.startsWith("peering-us-east-1-peer-vpc-route"));
        assert.deepStrictEqual(
            peerSide.map((x) => [x.inputs.region, x.inputs.routeTableId, x.inputs.destinationCidrBlock, x.inputs.transitGatewayId]),
            [
                ["us-east-1", "rtb-p1", "10.1.0.0/16", "tgw-primary"],
                ["us-east-1", "rtb-p2", "10.1.0.0/16", "tgw-primary"],
            ],
        );
        const localSide = r.ofType("aws:ec2/route:Route").filter((x) => x.name.startsWith("peering-us-east-1-local-vpc-route"));
        assert.strictEqual(localSide.length, 4, "3 private + 1 data route tables");
        for (const route of localSide) {
            assert.strictEqual(route.inputs.destinationCidrBlock, "10.0.0.0/16");
            assert.ok(route.dependencies.includes(r.urn("net-tgw-attachment")), "waits for the VPC attachment");
        }
    });
});
