/**
 * Default-deny NetworkPolicies per service namespace (security review S4), generated from the flow
 * table (components/network/flows.ts), so the pod layer allows what the security-group layer does
 * for the stores, and no more: a namespace reaches a store only when one of its services uses it
 * and the table has the row from the region's nodes. The VPC CNI enforces them
 * (VPC_CNI_CONFIGURATION). `evaluateEgress`/`evaluateIngress` are the pure NetworkPolicy semantics
 * the tests prove the generated policies with. Pure: no Pulumi imports.
 */
import { SERVICES } from "../catalogue";
import { STORES, storeUsers } from "../data/plan";
import { FlowRegion, FlowRow, admittedToday } from "../network/flows";
import { contains, parseCidr } from "../network/cidr";
import { APP_LABEL } from "./workloads-plan";

/** The namespace label every namespace carries (Kubernetes sets it). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** The label of the service namespaces (components/eks/services.ts namespaceLabels). */
export const DOMAIN_LABEL = "mall.io/domain";
/** Where the OTel agents run (components/observability) and the ports pods send OTLP to. */
export const OBSERVABILITY_NAMESPACE = "observability";
export const OTLP_PORTS = [4317, 4318] as const;
/**
 * The Service (ClusterIP) ranges EKS picks when the cluster sets none: 172.20.0.0/16 for a VPC in
 * 10.0.0.0/8, else 10.100.0.0/16 (EKS API, KubernetesNetworkConfigRequest.serviceIpv4Cidr).
 */
export const EKS_SERVICE_CIDRS = ["172.20.0.0/16", "10.100.0.0/16"] as const;

export interface NetworkPolicyInputs {
    /** This stack's region. */
    readonly region: string;
    /** The registry: each region's VPC CIDR. */
    readonly regions: readonly FlowRegion[];
    /** The flow table of the registry. */
    readonly rows: readonly FlowRow[];
    /** This region's subnets by tier (components/network/subnet-plan.ts). */
    readonly subnets: { readonly public: readonly string[]; readonly private: readonly string[]; readonly data: readonly string[] };
    /** The namespaces, with the services in each (the catalogue's domains). */
    readonly namespaces: readonly string[];
    /** The api-gateway's port, which the origin ALB (public subnets) forwards to. */
    readonly gatewayPort: number;
}

type Port = { readonly protocol?: "TCP" | "UDP"; readonly port: number };
type Peer =
    | { readonly ipBlock: { readonly cidr: string; readonly except?: readonly string[] } }
    | { readonly namespaceSelector: { readonly matchLabels?: Readonly<Record<string, string>>; readonly matchExpressions?: readonly { key: string; operator: "Exists" }[] }; readonly podSelector?: { readonly matchLabels: Readonly<Record<string, string>> } };

export interface NetworkPolicy {
    readonly apiVersion: "networking.k8s.io/v1";
    readonly kind: "NetworkPolicy";
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly spec: {
        readonly podSelector: { readonly matchLabels?: Readonly<Record<string, string>> };
        readonly policyTypes: readonly ("Ingress" | "Egress")[];
        readonly ingress?: readonly { readonly from?: readonly Peer[]; readonly ports?: readonly Port[] }[];
        readonly egress?: readonly { readonly to?: readonly Peer[]; readonly ports?: readonly Port[] }[];
    };
}

/** The stores each namespace's services use (by flow-table role `data:<id>`). */
function storesOf(namespace: string): Set<string> {
    const services = new Set(SERVICES.filter((s) => s.domain === namespace).map((s) => s.name));
    return new Set(STORES.filter((st) => storeUsers(st).some((u) => services.has(u))).map((st) => st.id));
}

/**
 * The store destinations of `namespace` from the flow table: per admitted row from this region's
 * nodes to a store, the store's port and its addresses (this region's data subnets; another
 * region's VPC CIDR, whose subnet layout is that stack's own config).
 */
export function storeDestinations(i: NetworkPolicyInputs, namespace: string): { readonly store: string; readonly region: string; readonly port: number; readonly cidrs: readonly string[] }[] {
    const uses = storesOf(namespace);
    const out = new Map<string, { store: string; region: string; port: number; cidrs: readonly string[] }>();
    for (const row of i.rows) {
        if (row.from.kind !== "group" || row.from.role !== "eks-nodes" || row.from.region !== i.region || !admittedToday(row.expected)) continue;
        if (row.to.kind !== "group" || !row.to.role.startsWith("data:")) continue;
        const store = row.to.role.slice("data:".length);
        if (!uses.has(store)) continue;
        const region = row.to.region;
        const cidrs = region === i.region ? i.subnets.data : [i.regions.find((r) => r.name === region)!.cidr];
        out.set(`${store}@${region}`, { store, region, port: row.port, cidrs });
    }
    return [...out.values()];
}

/** Whether the namespace's services write DSQL (its public endpoint on 5432, from the table's aws-api rows). */
function usesDsql(i: NetworkPolicyInputs, namespace: string): boolean {
    return storesOf(namespace).has("dsql") && i.rows.some((r) => r.from.kind === "group" && r.from.role === "eks-nodes" && r.from.region === i.region && r.to.kind === "aws-api" && r.to.service === "dsql");
}

const tcp = (port: number): Port => ({ protocol: "TCP", port });

/** The policies of one service namespace: deny by default, then each allow the table grants. */
export function planNamespacePolicies(i: NetworkPolicyInputs, namespace: string): NetworkPolicy[] {
    const policy = (name: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
    const all = {};
    const vpcs = i.regions.map((r) => r.cidr);
    // Anywhere but the registry's VPCs and the cluster's Service range: AWS's public APIs (and DSQL's
    // endpoint), never a store nor a ClusterIP (kubernetes.default included).
    const outside: Peer = { ipBlock: { cidr: "0.0.0.0/0", except: [...vpcs, ...EKS_SERVICE_CIDRS] } };
    const policies: NetworkPolicy[] = [
        policy("default-deny", { podSelector: all, policyTypes: ["Ingress", "Egress"] }),
        policy("allow-dns", {
            podSelector: all,
            policyTypes: ["Egress"],
            egress: [{ to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] }],
        }),
        // Service to service (the api-gateway to the backends, a backend to another): the callee's
        // allow-from-services decides which ports it takes.
        policy("allow-to-services", {
            podSelector: all,
            policyTypes: ["Egress"],
            egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: DOMAIN_LABEL, operator: "Exists" }] } }] }],
        }),
        policy("allow-telemetry", {
            podSelector: all,
            policyTypes: ["Egress"],
            egress: [{ to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: OBSERVABILITY_NAMESPACE } } }], ports: OTLP_PORTS.map(tcp) }],
        }),
        policy("allow-aws-apis", {
            podSelector: all,
            policyTypes: ["Egress"],
            // The interface endpoints sit in this region's private subnets; the rest of AWS's APIs (and
            // S3/DynamoDB through their gateway endpoints) have public addresses.
            egress: [{ to: [...i.subnets.private.map((cidr): Peer => ({ ipBlock: { cidr } })), outside], ports: [tcp(443)] }],
        }),
    ];
    const stores = storeDestinations(i, namespace);
    if (stores.length > 0) {
        policies.push(
            policy("allow-stores", {
                podSelector: all,
                policyTypes: ["Egress"],
                egress: stores.map((s) => ({ to: s.cidrs.map((cidr): Peer => ({ ipBlock: { cidr } })), ports: [tcp(s.port)] })),
            }),
        );
    }
    if (usesDsql(i, namespace)) {
        policies.push(policy("allow-dsql", { podSelector: all, policyTypes: ["Egress"], egress: [{ to: [outside], ports: [tcp(5432)] }] }));
    }
    policies.push(
        policy("allow-from-services", {
            podSelector: all,
            policyTypes: ["Ingress"],
            ingress: [
                {
                    from: [
                        { namespaceSelector: { matchExpressions: [{ key: DOMAIN_LABEL, operator: "Exists" }] } },
                        { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: OBSERVABILITY_NAMESPACE } } },
                    ],
                },
            ],
        }),
    );
    const gateway = SERVICES.find((s) => s.name === "api-gateway");
    if (gateway?.domain === namespace) {
        policies.push(
            policy("allow-origin", {
                podSelector: { matchLabels: { [APP_LABEL]: gateway.name } },
                policyTypes: ["Ingress"],
                // The origin ALB sits in the public subnets and forwards to the pods (IP targets).
                ingress: [{ from: i.subnets.public.map((cidr): Peer => ({ ipBlock: { cidr } })), ports: [tcp(i.gatewayPort)] }],
            }),
        );
    }
    return policies;
}

/** Every service namespace's policies. */
export function planNetworkPolicies(i: NetworkPolicyInputs): NetworkPolicy[] {
    return i.namespaces.flatMap((ns) => planNamespacePolicies(i, ns));
}

// ---------------------------------------------------------------------------------------------
// The NetworkPolicy semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/)

/** A pod or an address a connection goes to or comes from. */
export type Party = { readonly namespace: string; readonly namespaceLabels: Readonly<Record<string, string>>; readonly podLabels: Readonly<Record<string, string>> } | { readonly ip: string };

function matchesLabels(selector: { readonly matchLabels?: Readonly<Record<string, string>>; readonly matchExpressions?: readonly { key: string; operator: "Exists" }[] } | undefined, labels: Readonly<Record<string, string>>): boolean {
    if (!selector) return true;
    return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && (selector.matchExpressions ?? []).every((e) => e.key in labels);
}

function peerMatches(peer: Peer, party: Party, policyNamespace: string): boolean {
    if ("ipBlock" in peer) {
        if (!("ip" in party)) return false;
        const ip = parseCidr(`${party.ip}/32`)!;
        return contains(parseCidr(peer.ipBlock.cidr)!, ip) && !(peer.ipBlock.except ?? []).some((e) => contains(parseCidr(e)!, ip));
    }
    if ("ip" in party) return false;
    // A peer with only a podSelector selects pods of the policy's own namespace.
    const nsOk = peer.namespaceSelector ? matchesLabels(peer.namespaceSelector, party.namespaceLabels) : party.namespace === policyNamespace;
    return nsOk && matchesLabels(peer.podSelector, party.podLabels);
}

/** A rule's ports: absent or empty means every port (a port without a protocol is TCP). */
const portMatches = (ports: readonly Port[] | undefined, port: number, protocol: "TCP" | "UDP") => !ports || ports.length === 0 || ports.some((p) => p.port === port && (p.protocol ?? "TCP") === protocol);
/** A rule's peers: absent or empty means every source or destination. */
const peersMatch = (peers: readonly Peer[] | undefined, party: Party, namespace: string) => !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, party, namespace));

/**
 * Whether `policies` let a pod (labels `podLabels` in `namespace`) open `port`/`protocol` to `to`:
 * allowed when no policy selecting the pod restricts egress, else when any of their egress rules
 * admits the destination and port.
 */
export function evaluateEgress(policies: readonly NetworkPolicy[], from: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> }, to: Party, port: number, protocol: "TCP" | "UDP" = "TCP"): boolean {
    const selecting = policies.filter((p) => p.metadata.namespace === from.namespace && p.spec.policyTypes.includes("Egress") && matchesLabels(p.spec.podSelector, from.podLabels));
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p.spec.egress ?? []).some((r) => peersMatch(r.to, to, p.metadata.namespace) && portMatches(r.ports, port, protocol)));
}

/** Whether `policies` let `from` open `port` to a pod (labels `podLabels` in `namespace`): the ingress side. */
export function evaluateIngress(policies: readonly NetworkPolicy[], to: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> }, from: Party, port: number, protocol: "TCP" | "UDP" = "TCP"): boolean {
    const selecting = policies.filter((p) => p.metadata.namespace === to.namespace && p.spec.policyTypes.includes("Ingress") && matchesLabels(p.spec.podSelector, to.podLabels));
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p.spec.ingress ?? []).some((r) => peersMatch(r.from, from, p.metadata.namespace) && portMatches(r.ports, port, protocol)));
}
