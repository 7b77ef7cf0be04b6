/**
 * Pulumi mocks for the offline plan and the tests: realistic ids and ARNs, the invokes the
 * program uses, and StackReference outputs fed from stacks planned earlier. Deterministic (ids are
 * hashes of the resource's type and name), so plans diff cleanly between runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockContext {
    readonly stack: string;
    readonly region: string;
    /** Outputs of stacks already planned, by stack name (the last segment of `org/project/stack`). */
    readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
}

type State = Record<string, unknown>;
interface ResourceCall {
    readonly type: string;
    readonly name: string;
    readonly inputs: State;
    readonly id: string;
    readonly region: string;
    readonly arn: (resource: string, opts?: { global?: boolean; service?: string }) => string;
}

function hex(seed: string, length: number): string {
    return createHash("sha1").update(seed).digest("hex").slice(0, length);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** AWS id prefixes, so ids in the plan look like the real thing. */
const ID_PREFIX: Record<string, string> = {
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

/** Extra output state per resource type (what the provider would compute). */
const EXTRA_STATE: Record<string, (r: ResourceCall) => State> = {
    "aws:kms/key:Key": (r) => ({ keyId: r.id, arn: r.arn(`key/${r.id}`) }),
    "aws:kms/alias:Alias": (r) => ({ arn: r.arn(String(r.inputs.name ?? r.name)) }),
    "aws:iam/role:Role": (r) => ({ name: r.inputs.name ?? r.id, arn: r.arn(`role/${r.inputs.name ?? r.id}`, { global: true }), uniqueId: `AROA${hex(r.id, 17).toUpperCase()}` }),
    "aws:iam/policy:Policy": (r) => ({ arn: r.arn(`policy/${r.inputs.name ?? r.id}`, { global: true }) }),
    "aws:cloudwatch/logGroup:LogGroup": (r) => ({ name: r.inputs.name ?? r.id, arn: r.arn(`log-group:${r.inputs.name ?? r.id}`, { service: "logs" }) }),
    "aws:ec2/vpc:Vpc": (r) => ({ defaultRouteTableId: `rtb-${hex(r.id + "main", 17)}`, defaultSecurityGroupId: `sg-${hex(r.id + "default", 17)}` }),
    "aws:ec2/eip:Eip": (r) => ({ publicIp: `198.51.100.${parseInt(hex(r.id, 2), 16) % 254}` }),
    "aws:ec2/natGateway:NatGateway": (r) => ({ publicIp: `203.0.113.${parseInt(hex(r.id, 2), 16) % 254}` }),
    "aws:ec2transitgateway/transitGateway:TransitGateway": (r) => ({
        associationDefaultRouteTableId: `tgw-rtb-${hex(r.id + "assoc", 17)}`,
        ownerId: MOCK_ACCOUNT_ID,
    }),
    // @pulumi/eks v4 Cluster is a multi-language component: under mocks it is one resource, so its
    // outputs (what EksCluster reads) are synthesised here, shaped like the real ones.
    "eks:index:Cluster": (r) => eksClusterState(r),
    "aws:ec2/launchTemplate:LaunchTemplate": (r) => ({ latestVersion: 1, defaultVersion: 1, arn: r.arn(`launch-template/${r.id}`, { service: "ec2" }) }),
    "aws:eks/nodeGroup:NodeGroup": (r) => ({
        arn: r.arn(`nodegroup/${String(r.inputs.clusterName)}/${String(r.inputs.nodeGroupName ?? r.name)}/${uuid(r.id)}`, { service: "eks" }),
        status: "ACTIVE",
    }),
    "aws:eks/addon:Addon": (r) => ({ arn: r.arn(`addon/${String(r.inputs.clusterName)}/${String(r.inputs.addonName)}/${uuid(r.id)}`, { service: "eks" }) }),
    "aws:sqs/queue:Queue": (r) => {
        const name = String(r.inputs.name ?? r.id);
        return { name, arn: r.arn(name, { service: "sqs" }), url: `https://sqs.${r.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${name}` };
    },
    "aws:cloudwatch/eventRule:EventRule": (r) => ({ name: r.inputs.name ?? r.id, arn: r.arn(`rule/${String(r.inputs.name ?? r.id)}`, { service: "events" }) }),
};

function eksClusterState(r: ResourceCall): State {
    const name = String(r.inputs.name ?? r.name);
    const oidcId = hex(`${r.id}/${name}/oidc`, 32).toUpperCase();
    const issuer = `oidc.eks.${r.region}.amazonaws.com/id/${oidcId}`;
    const endpoint = `https://${oidcId}.gr7.${r.region}.eks.amazonaws.com`;
    const arn = `arn:aws:eks:${r.region}:${MOCK_ACCOUNT_ID}:cluster/${name}`;
    const ca = Buffer.from(`mock-ca-${name}`).toString("base64");
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": ca } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", name, "--region", r.region, "--output", "json"],
                    },
                },
            },
        ],
    };
    return {
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${issuer}`,
        oidcProviderUrl: `https://${issuer}`,
        oidcIssuer: issuer,
        clusterSecurityGroupId: `sg-${hex(`${r.id}/cluster-sg`, 17)}`,
        nodeSecurityGroupId: "",
        eksCluster: { name, arn, endpoint, version: r.inputs.version ?? "1.35", certificateAuthority: { data: ca }, id: name },
    };
}

/** Invoke token -> result. A missing entry fails the plan with a message saying where to add it. */
const INVOKES: Record<string, (inputs: State, ctx: MockContext) => State> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-plan`,
        userId: "AIDAOFFLINEPLAN",
        id: MOCK_ACCOUNT_ID,
    }),
    "aws:index/getRegion:getRegion": (inputs, ctx) => {
        const region = String(inputs.region ?? inputs.name ?? ctx.region);
        return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    },
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs, ctx) => {
        const region = String(inputs.region ?? ctx.region);
        const letters = ["a", "b", "c", "d", "e", "f"];
        return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
            groupNames: letters.map(() => region),
        };
    },
};

export class PlanMocks implements pulumi.runtime.Mocks {
    constructor(private readonly ctx: MockContext) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        if (args.type === "pulumi:pulumi:StackReference") {
            const fqn = String(args.inputs.name ?? args.name);
            const outputs = this.ctx.stackOutputs.get(fqn.split("/").pop() ?? fqn) ?? {};
            return { id: fqn, state: { name: fqn, outputs, secretOutputNames: [] } };
        }
        const region = String(args.inputs.region ?? this.ctx.region);
        const prefix = ID_PREFIX[args.type];
        const seed = `${this.ctx.stack}/${args.type}/${args.name}`;
        const id = args.id || (prefix ? `${prefix}-${hex(seed, 17)}` : args.type === "aws:kms/key:Key" ? uuid(seed) : `${args.name}-${hex(seed, 8)}`);
        const [pkg, mod] = args.type.split(":");
        const service = (mod ?? "").split("/")[0];
        const call: ResourceCall = {
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            id,
            region,
            arn: (resource, opts) =>
                `arn:aws:${opts?.service ?? service}:${opts?.global ? "" : region}:${MOCK_ACCOUNT_ID}:${resource}`,
        };
        const state: State = { ...args.inputs, id };
        if (pkg === "aws" && args.custom !== false) {
            const kind = (args.type.split(":")[2] ?? "resource").replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase());
            state.arn = call.arn(`${kind}/${id}`);
            if (args.inputs.tags) state.tagsAll = args.inputs.tags;
        }
        Object.assign(state, EXTRA_STATE[args.type]?.(call) ?? {});
        return { id: args.custom === false ? undefined : id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): State {
        const handler = INVOKES[args.token];
        if (!handler) {
            throw new Error(`the offline plan has no mock for invoke ${args.token}; add one to INVOKES in tools/plan/mocks.ts`);
        }
        return handler(args.inputs, this.ctx);
    }
}
