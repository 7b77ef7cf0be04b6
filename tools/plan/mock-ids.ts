/**
 * How the offline plan's mocks name things, as pure functions: the mocks use them to answer the
 * program, and readers of `.plan/<stack>.json` (tools/reachability) use them to turn the literal
 * ids a resource's inputs carry back into the resources they name. The plan records inputs, not
 * outputs, so an id is the only link a cross-stack reference (a StackReference output) leaves.
 * No Pulumi imports.
 */
import { createHash } from "crypto";

/** The first `length` hex digits of sha1(seed): the mocks' deterministic id material. */
export function hex(seed: string, length: number): string {
    return createHash("sha1").update(seed).digest("hex").slice(0, length);
}

/** AWS id prefixes, so ids in the plan look like the real thing. */
export const ID_PREFIX: Readonly<Record<string, string>> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2transitgateway/routeTable:RouteTable": "tgw-rtb",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
    "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": "tgw-attach",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
};

/**
 * The id the mocks give a resource of `type` named `name` in `stack`, for the types in ID_PREFIX
 * (undefined for the others: their ids carry no AWS shape and nothing references them by id).
 */
export function mockResourceId(stack: string, type: string, name: string): string | undefined {
    const prefix = ID_PREFIX[type];
    return prefix ? `${prefix}-${hex(`${stack}/${type}/${name}`, 17)}` : undefined;
}

/** The CloudFront origin-facing list: a global name, one (real) id per region. */
export const CLOUDFRONT_ORIGIN_FACING_LIST = "com.amazonaws.global.cloudfront.origin-facing";
/** The Route 53 health checkers' list of a region. */
export function healthCheckersList(region: string): string {
    return `com.amazonaws.${region}.route53-healthchecks`;
}

/** CloudFront's origin-facing list ids are the real ones; other regions get a hash. */
const CLOUDFRONT_ORIGIN_FACING: Readonly<Record<string, string>> = { "us-east-1": "pl-3b927c52", "us-west-2": "pl-82a045eb" };

/**
 * The id the mocks answer `getManagedPrefixList({ name, region })` with, or undefined when the
 * offline plan knows no such list (the mock then fails the plan, naming it).
 */
export function managedPrefixListId(region: string, name: string): string | undefined {
    if (name === CLOUDFRONT_ORIGIN_FACING_LIST) return CLOUDFRONT_ORIGIN_FACING[region] ?? `pl-${hex(region + name, 8)}`;
    if (name === healthCheckersList(region)) return `pl-${hex(region + name, 8)}`;
    return undefined;
}

/** Every managed prefix list the mocks know in `region`, by id. */
export function managedPrefixLists(region: string): ReadonlyMap<string, string> {
    const names = [CLOUDFRONT_ORIGIN_FACING_LIST, healthCheckersList(region)];
    return new Map(names.map((n) => [managedPrefixListId(region, n)!, n]));
}
