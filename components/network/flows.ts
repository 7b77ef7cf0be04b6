/**
 * The flow table: every network flow the platform needs (or must never allow), as data derived
 * from the region registry and the data stores/service catalogue. tools/reachability proves each
 * row against the planned security groups, prefix lists and routes of all stacks together, and
 * docs/flows.md renders it. Pure: no Pulumi imports.
 *
 * A row that a later issue must change carries that issue's title as `owner` and an `expected`
 * other than "admitted": the tests pin exactly that set, so the owning issue flips its rows and no
 * other row can quietly stop holding.
 */
import { STORES, StoreId, WRITER_REGION_STORES, storeUsers } from "../data/plan";
import { IDENTITY_STORES } from "../identities/plan";

/** This issue: rows that hold today and must keep holding. */
export const OWNER_THIS = "Deploy-ready II: one reachability model of every flow the platform needs";
/** CloudFront's origin-facing list admits every AWS customer's distribution, not only ours (security S1). */
export const OWNER_EDGE = "Edge: an origin only our distribution can reach";
/** The DR canaries reach each region through CloudFront's probe behaviours (edge-dr #2). */
export const OWNER_DR = "DR II: failover on a managed orchestrator";
/** The EKS API is private-only; a hosted CI runner cannot reach it (eks B2). */
export const OWNER_DEPLOY = "Deploy-ready III: a deploy path that reaches the private EKS API";
/** A secondary's services cannot reach the writer's single-writer stores (spec-audit row 5). */
export const OWNER_WRITES = "Active-active I: every region can write";
/** What the spec still lacked: the metrics API, identities inside the stores (spec-audit). */
export const OWNER_AA2 = "Active-active II: what the spec still lacks";
/** Credential rotation opens exactly the stores whose passwords it changes (security S7). */
export const OWNER_SEC2 = "Security II: data protection that survives a compromised credential";

/**
 * Named sources that are not our resources, each mapped by the checker to what admits it:
 * - `internet`: any address; only a 0.0.0.0/0 (or ::/0) rule admits it;
 * - `cloudfront-origin-facing`: CloudFront's servers, the managed list
 *   `com.amazonaws.global.cloudfront.origin-facing`;
 * - `internet-via-any-distribution`: anyone on the internet through *any* AWS customer's
 *   distribution; admitted exactly when `cloudfront-origin-facing` is (the list cannot tell
 *   distributions apart), so it is public;
 * - `route53-healthcheckers`: Route 53 health checkers, `com.amazonaws.<region>.route53-healthchecks`;
 * - `lambda-egress`: Lambda (and Synthetics, which runs on Lambda) outside a VPC: AWS public
 *   addresses in no list we may admit, so only 0.0.0.0/0 admits it;
 * - `hosted-runner`: a GitHub-hosted CI runner (public, unlisted addresses): it must never reach the
 *   private EKS API; `pulumi up` runs on the in-VPC runners (`deploy-runner`, `preview-runner` groups).
 */
export type SymbolicSource =
    | "internet"
    | "cloudfront-origin-facing"
    | "internet-via-any-distribution"
    | "route53-healthcheckers"
    | "lambda-egress"
    | "hosted-runner";

/** Security groups by role; the checker knows which planned groups play each role. */
export type GroupRole = "eks-nodes" | "eks-api" | "origin" | `data:${DataStore}` | "msk-replicator" | "deploy-runner" | "preview-runner" | "vpc-endpoints" | "identities" | "rotation";

/** The stores whose credentials Secrets Manager rotates (components/security/rotation.ts). */
const ROTATED_STORES: readonly DataStore[] = ["aurora", "docdb"];

/** Stores with a data-tier security group (a port in components/data/plan.ts STORES). */
export type DataStore = Extract<StoreId, "aurora" | "docdb" | "cache" | "msk" | "search">;

export type Endpoint =
    | { readonly kind: "symbolic"; readonly name: SymbolicSource }
    /**
     * The security group(s) of a role in a region; for the MSK Replicator homed in `region`, `source`
     * names the region it replicates from and `side` the cluster its ENIs sit at.
     */
    | { readonly kind: "group"; readonly role: GroupRole; readonly region: string; readonly side?: string; readonly source?: string }
    /** A Synthetics canary homed in `region` probing `target` through CloudFront (`/probe/<target>/…`). */
    | { readonly kind: "canary"; readonly region: string; readonly target: string }
    /** A Lambda function of ours, by purpose (`failover-aurora`). */
    | { readonly kind: "lambda"; readonly region: string; readonly purpose: string }
    /** The viewer-facing CloudFront distribution (global). */
    | { readonly kind: "cloudfront" }
    /** A regional AWS API endpoint (`rds`, `elasticache`, `sns`). */
    | { readonly kind: "aws-api"; readonly region: string; readonly service: string };

/**
 * - `admitted`: must hold, holds today;
 * - `unadmitted`: must hold, does not yet: its owner makes it hold and flips it to `admitted`;
 * - `admitted-but-forbidden`: must not hold, holds today: its owner closes it and flips it to `forbidden`;
 * - `forbidden`: must not hold, does not.
 */
export type Expectation = "admitted" | "unadmitted" | "admitted-but-forbidden" | "forbidden";

export interface FlowRow {
    /** Stable identity, `from -> to:port`, used by the tests and the docs. */
    readonly id: string;
    readonly from: Endpoint;
    readonly to: Endpoint;
    readonly port: number;
    /** The transport; rows are TCP unless they say otherwise (CoreDNS answers over UDP). @default "tcp" */
    readonly protocol?: "tcp" | "udp";
    /** The issue that owns the row's current expectation (see OWNER_*). */
    readonly owner: string;
    /** Writer regions in which the row applies (every region for writer-independent flows). */
    readonly states: readonly string[];
    readonly expected: Expectation;
    /** Why the platform needs (or forbids) the flow. */
    readonly purpose: string;
}

/** One registry entry, as much of it as the flow table needs. */
export interface FlowRegion {
    readonly name: string;
    readonly cidr: string;
    readonly role: "primary" | "secondary";
}

/**
 * Single-writer stores with no write forwarding: a non-writer region's services must reach the
 * writer's cluster directly (components/data/plan.ts WRITE_PATHS `writer-region`). Aurora forwards
 * writes itself, DSQL and DynamoDB are multi-writer over HTTPS APIs, MSK is written locally and
 * replicated both ways.
 */
export const CROSS_REGION_WRITE_STORES: readonly DataStore[] = WRITER_REGION_STORES;

/**
 * Every region's failover function and the regional APIs it calls (lambdas/failover): ElastiCache,
 * which Region switch has no block for, CloudWatch (it re-reads the decision) and SNS. Region switch
 * itself calls the database APIs.
 */
export const FAILOVER_LAMBDA_APIS: Readonly<Record<string, readonly string[]>> = {
    "failover-elasticache": ["elasticache", "monitoring", "sns"],
};

/** `data:aurora@us-east-1`, `canary@us-east-1(us-west-2)`, `cloudfront-origin-facing`. */
export function endpointLabel(e: Endpoint): string {
    switch (e.kind) {
        case "symbolic":
            return e.name;
        case "group":
            return `${e.role}@${e.region}${e.source ? `<-${e.source}` : ""}${e.side ? `(${e.side})` : ""}`;
        case "canary":
            return `canary@${e.region}(${e.target})`;
        case "lambda":
            return `lambda:${e.purpose}@${e.region}`;
        case "cloudfront":
            return "cloudfront";
        case "aws-api":
            return `aws-api:${e.service}@${e.region}`;
    }
}

/** The data stores with a security group, with their ports, in STORES order. */
export function dataStores(): { readonly id: DataStore; readonly port: number; readonly label: string }[] {
    return STORES.filter((s) => s.port !== undefined && storeUsers(s).length > 0).map((s) => ({ id: s.id as DataStore, port: s.port!, label: s.label }));
}

/**
 * Every row for the registry's regions, for every writer state. Rows are in a fixed order:
 * edge, per region (ingress, EKS, data), replication, DR, cross-region writes.
 * @param failoverOrder the primary's successors in order (which canaries a secondary runs: its
 * own, the primary's and every earlier successor's). @default the secondaries in registry order
 */
export function flowTable(regions: readonly FlowRegion[], failoverOrder?: readonly string[]): FlowRow[] {
    const names = regions.map((r) => r.name);
    const primary = regions.find((r) => r.role === "primary");
    if (!primary) throw new Error(`the region registry has no primary (regions: ${names.join(", ") || "none"})`);
    const secondaries = regions.filter((r) => r.role === "secondary");
    const rows: FlowRow[] = [];
    const add = (from: Endpoint, to: Endpoint, port: number, expected: Expectation, owner: string, purpose: string, states: readonly string[] = names) =>
        rows.push({ id: `${endpointLabel(from)} -> ${endpointLabel(to)}:${port}`, from, to, port, owner, states, expected, purpose });
    const addUdp = (from: Endpoint, to: Endpoint, port: number, expected: Expectation, owner: string, purpose: string) =>
        rows.push({ id: `${endpointLabel(from)} -> ${endpointLabel(to)}:${port}/udp`, from, to, port, protocol: "udp", owner, states: names, expected, purpose });
    const sym = (name: SymbolicSource): Endpoint => ({ kind: "symbolic", name });
    const group = (role: GroupRole, region: string, side?: string, source?: string): Endpoint => ({ kind: "group", role, region, ...(source ? { source } : {}), ...(side ? { side } : {}) });

    add(sym("internet"), { kind: "cloudfront" }, 443, "admitted", OWNER_THIS, "viewers reach the storefront and API through CloudFront");
    for (const r of names) {
        add(sym("cloudfront-origin-facing"), group("origin", r), 443, "admitted", OWNER_THIS, "CloudFront reaches the regional API origin");
        add(sym("route53-healthcheckers"), group("origin", r), 443, "admitted", OWNER_THIS, "Route 53 health checks drive latency routing and failover");
        add(sym("internet-via-any-distribution"), group("origin", r), 443, "forbidden", OWNER_EDGE, "any AWS customer's distribution reaches the API past our WAF: the listener forwards only with this distribution's secret header (the health path excepted)");
        add(sym("internet"), group("origin", r), 443, "forbidden", OWNER_THIS, "no listener reachable without CloudFront (ARCHITECTURE §2)");
        add(group("origin", r), group("eks-nodes", r), 8080, "admitted", OWNER_THIS, "the origin ALB forwards to the api-gateway pods");
        add(group("eks-nodes", r), group("eks-api", r), 443, "admitted", OWNER_THIS, "nodes and pods reach the Kubernetes API");
        add(group("eks-api", r), group("eks-nodes", r), 10250, "admitted", OWNER_THIS, "the control plane reaches the kubelets (logs, exec, metrics)");
        add(group("eks-api", r), group("eks-nodes", r), 10251, "admitted", OWNER_AA2, "the API server's aggregation layer calls metrics-server (metrics.k8s.io, the add-on's container port)");
        add(group("eks-nodes", r), group("eks-nodes", r), 10250, "admitted", OWNER_AA2, "metrics-server scrapes every kubelet's resource metrics");
        add(group("eks-api", r), group("eks-nodes", r), 443, "admitted", OWNER_THIS, "the control plane calls admission webhooks served on 443");
        add(group("eks-api", r), group("eks-nodes", r), 9443, "admitted", OWNER_THIS, "the control plane calls the Load Balancer Controller's webhook (TargetGroupBinding)");
        addUdp(group("eks-nodes", r), group("eks-nodes", r), 53, "admitted", OWNER_THIS, "pods resolve names through CoreDNS");
        add(group("eks-nodes", r), group("vpc-endpoints", r), 443, "admitted", OWNER_THIS, "nodes and pods reach ECR, STS, logs, KMS, Secrets Manager … through the interface endpoints");
        add(group("deploy-runner", r), group("eks-api", r), 443, "admitted", OWNER_DEPLOY, "the in-VPC deploy runner's `pulumi up` manages the in-cluster resources (Helm, CRs)");
        add(group("preview-runner", r), group("eks-api", r), 443, "admitted", OWNER_DEPLOY, "pull-request previews read the cluster (read-only access entry)");
        add(sym("hosted-runner"), group("eks-api", r), 443, "forbidden", OWNER_DEPLOY, "the API endpoint is private: nothing outside the VPC reaches it");
        for (const s of dataStores()) {
            add(group("eks-nodes", r), group(`data:${s.id}`, r), s.port, "admitted", OWNER_THIS, `services reach their local ${s.label}`);
        }
        // The runners run workflow (and pull-request) code inside the VPC: they reach the API and the
        // Kafka brokers (topics as code, IAM-authorised: the preview role only describes), never a store.
        for (const runner of ["deploy-runner", "preview-runner"] as const) {
            for (const s of dataStores()) {
                if (s.id === "msk") {
                    add(group(runner, r), group("data:msk", r), s.port, "admitted", OWNER_WRITES, `the ${runner} ${runner === "deploy-runner" ? "creates and alters" : "describes"} the spec's topics (topics as code)`);
                } else {
                    add(group(runner, r), group(`data:${s.id}`, r), s.port, "forbidden", OWNER_DEPLOY, `a job on the ${runner} cannot open the ${s.label}`);
                }
            }
        }
        // The identities bootstrap (components/identities) opens exactly the stores whose users it creates.
        for (const s of dataStores()) {
            const opens = (IDENTITY_STORES as readonly string[]).includes(s.id);
            add(
                group("identities", r),
                group(`data:${s.id}`, r),
                s.port,
                opens ? "admitted" : "forbidden",
                OWNER_AA2,
                opens ? `the identities bootstrap creates each service's identity in the ${s.label}` : `the identities bootstrap cannot open the ${s.label}`,
            );
        }
        add(group("identities", r), group("vpc-endpoints", r), 443, "admitted", OWNER_AA2, "the identities bootstrap reads the master and service secrets (Secrets Manager) and assumes the OpenSearch master role (STS)");
    }
    // Credential rotation (S7, components/security/rotation.ts) runs in the primary, where the
    // secrets are: it opens Aurora and DocumentDB there to change passwords, and nothing else.
    for (const s of dataStores()) {
        const opens = (ROTATED_STORES as readonly string[]).includes(s.id);
        add(
            group("rotation", primary.name),
            group(`data:${s.id}`, primary.name),
            s.port,
            opens ? "admitted" : "forbidden",
            OWNER_SEC2,
            opens ? `credential rotation changes the ${s.label}'s passwords` : `credential rotation cannot open the ${s.label}`,
        );
    }
    add(group("rotation", primary.name), group("vpc-endpoints", primary.name), 443, "admitted", OWNER_SEC2, "credential rotation reads and writes the secrets' versions (Secrets Manager)");
    for (const other of secondaries) {
        for (const id of ROTATED_STORES) {
            const s = dataStores().find((d) => d.id === id)!;
            add(group("rotation", primary.name), group(`data:${id}`, other.name), s.port, "forbidden", OWNER_SEC2, `credential rotation changes passwords on the writer's cluster in ${primary.name} only, not the ${other.name} ${s.label}`);
        }
    }
    // Events both ways: a replicator per ordered pair of regions, homed in its target region.
    for (const source of names) {
        for (const target of names.filter((n) => n !== source)) {
            for (const side of [source, target]) {
                add(group("msk-replicator", target, side, source), group("data:msk", side), 9098, "admitted", OWNER_WRITES, `MSK Replicator ${source} → ${target} reaches the ${side} cluster`);
            }
        }
    }
    const order = failoverOrder ?? secondaries.map((r) => r.name);
    const probes = (home: string, target: string) => home === target || home === primary.name || target === primary.name || order.indexOf(target) < order.indexOf(home);
    for (const home of names) {
        for (const target of names.filter((t) => probes(home, t))) {
            add({ kind: "canary", region: home, target }, group("origin", target), 443, "admitted", OWNER_DR, `the ${home} canary asks https://mall.<domain>/probe/${target}/${home === target ? "ready" : "alive"} through CloudFront (the internet path)`);
        }
    }
    for (const r of names) {
        for (const [purpose, apis] of Object.entries(FAILOVER_LAMBDA_APIS)) {
            for (const service of apis) {
                add({ kind: "lambda", region: r, purpose }, { kind: "aws-api", region: r, service }, 443, "admitted", OWNER_THIS, `${purpose} calls ${service} in its own region`);
            }
        }
    }
    // The runners share the private subnets that other regions' single-writer stores admit by CIDR:
    // their egress must keep workflow and pull-request code away from those stores.
    for (const r of names) {
        for (const other of names.filter((n) => n !== r)) {
            for (const runner of ["deploy-runner", "preview-runner"] as const) {
                for (const store of dataStores().filter((d) => CROSS_REGION_WRITE_STORES.includes(d.id))) {
                    add(group(runner, r), group(`data:${store.id}`, other), store.port, "forbidden", OWNER_WRITES, `a job on the ${r} ${runner} cannot open the ${other} ${store.label}, which admits ${r}'s private subnets`);
                }
            }
            for (const store of dataStores().filter((d) => CROSS_REGION_WRITE_STORES.includes(d.id))) {
                add(group("identities", r), group(`data:${store.id}`, other), store.port, "forbidden", OWNER_AA2, `the ${r} identities bootstrap writes only its own region's stores, not the ${other} ${store.label} that admits ${r}'s private subnets`);
            }
        }
    }
    for (const writer of names) {
        for (const r of names.filter((n) => n !== writer)) {
            for (const store of dataStores().filter((d) => CROSS_REGION_WRITE_STORES.includes(d.id))) {
                add(group("eks-nodes", r), group(`data:${store.id}`, writer), store.port, "admitted", OWNER_WRITES, `${r} services write to the ${writer} ${store.label} (read-only secondaries; the writer directory names it)`, [writer]);
            }
        }
    }
    // DSQL is written over its public, IAM-authenticated endpoint: in the linked pair (the primary and
    // the first secondary) each region its own cluster, outside it the primary's.
    const pair = [primary.name, ...(secondaries[0] ? [secondaries[0].name] : [])];
    for (const r of names) {
        const at = pair.includes(r) ? r : primary.name;
        add(group("eks-nodes", r), { kind: "aws-api", region: at, service: "dsql" }, 5432, "admitted", OWNER_WRITES, `${r} services write to the ${at} DSQL cluster${at === r ? "" : " (outside the linked pair)"}`);
        add(group("identities", r), { kind: "aws-api", region: at, service: "dsql" }, 5432, "admitted", OWNER_AA2, `the ${r} identities bootstrap maps ${r}'s service roles in the ${at} DSQL cluster`);
    }
    return rows;
}

/** The rows that apply when `writerRegion` holds the writers. */
export function rowsFor(table: readonly FlowRow[], writerRegion: string): FlowRow[] {
    return table.filter((r) => r.states.includes(writerRegion));
}

/** Whether a row's expectation says the flow is admitted in the plan today. */
export function admittedToday(e: Expectation): boolean {
    return e === "admitted" || e === "admitted-but-forbidden";
}
