/**
 * The service catalogue: the mall's 20 microservices, their Kubernetes domain (namespace), the
 * stores each one owns or uses, and their disruption budget (ARCHITECTURE §3). One typed list that
 * the EKS wiring (service accounts, IRSA policies, PDBs), GlobalData (who gets which key and
 * database) and the edge reuse. Pure: no Pulumi imports.
 */

export type Store =
    /** Aurora PostgreSQL Global Database: own database, IAM auth. */
    | "aurora"
    /** Aurora DSQL multi-region linked clusters: ACID with RPO 0. */
    | "dsql"
    /** DocumentDB global cluster. */
    | "docdb"
    /** ElastiCache Valkey global datastore. */
    | "cache"
    /** OpenSearch domain. */
    | "search"
    /** DynamoDB global table of idempotency keys. */
    | "idempotency"
    /** S3 static-assets bucket (own prefix). */
    | "assets";

/**
 * The port the api-gateway pods listen on: the regional load balancer's target group, its health
 * check, the security-group rules and the TargetGroupBinding all use this one port (the stack's
 * `mall:apiTargetPort` overrides it end to end).
 */
export const API_GATEWAY_PORT = 8080;

export type Domain = "storefront" | "commerce" | "fulfilment" | "customer" | "platform";

export interface ServiceSpec {
    readonly name: string;
    /** Kubernetes namespace the service runs in. */
    readonly domain: Domain;
    readonly stores: readonly Store[];
    /** Kafka topic prefixes this service produces to (`order.` covers order.created …). Every service publishes. */
    readonly publishes: readonly string[];
    /** Kafka topic prefixes it consumes. */
    readonly consumes: readonly string[];
    /** PodDisruptionBudget minAvailable. */
    readonly minAvailable: number;
}

export interface TopicSpec {
    readonly name: string;
    readonly partitions: number;
    readonly retentionDays: number;
}

/** ARCHITECTURE §4: the Kafka topics, partitions and retention. */
export const TOPICS: readonly TopicSpec[] = [
    ...["created", "confirmed", "shipped", "delivered"].map((e) => ({ name: `order.${e}`, partitions: 6, retentionDays: 7 })),
    ...["completed", "refunded", "failed"].map((e) => ({ name: `payment.${e}`, partitions: 6, retentionDays: 7 })),
    ...["reserved", "released", "restocked"].map((e) => ({ name: `inventory.${e}`, partitions: 4, retentionDays: 7 })),
    ...["email", "push", "sms"].map((e) => ({ name: `notification.${e}`, partitions: 3, retentionDays: 3 })),
    { name: "dlq.all", partitions: 1, retentionDays: 30 },
    { name: "saga.orchestrator", partitions: 6, retentionDays: 7 },
];

/** The topic families (`order`, `payment` …), sorted: what replication filters and grants name. */
export const TOPIC_FAMILIES: readonly string[] = [...new Set(TOPICS.map((t) => t.name.split(".")[0]))].sort();

const svc = (
    name: string,
    domain: Domain,
    stores: readonly Store[],
    publishes: readonly string[],
    consumes: readonly string[],
    minAvailable = 1,
): ServiceSpec => ({ name, domain, stores, publishes: [...publishes, "dlq."], consumes, minAvailable });

/** The 20 services, in ARCHITECTURE §3's order. */
export const SERVICES: readonly ServiceSpec[] = [
    svc("product-catalog", "storefront", ["docdb"], [], ["inventory."], 2),
    svc("search", "storefront", ["search"], [], ["inventory."], 2),
    svc("cart", "commerce", ["cache"], [], ["inventory."], 2),
    svc("order", "commerce", ["dsql", "idempotency"], ["order.", "saga."], ["payment.", "inventory.", "saga."], 2),
    svc("payment", "commerce", ["dsql", "idempotency"], ["payment."], ["order.", "saga."], 2),
    svc("inventory", "fulfilment", ["dsql", "idempotency"], ["inventory."], ["order.", "saga."], 2),
    svc("user-account", "customer", ["aurora"], [], [], 2),
    svc("user-profile", "customer", ["docdb"], [], []),
    svc("wishlist", "customer", ["docdb"], [], ["inventory."]),
    svc("review", "storefront", ["docdb"], [], ["order."]),
    svc("shipping", "fulfilment", ["aurora"], ["order."], ["order.", "payment."]),
    svc("warehouse", "fulfilment", ["aurora"], ["inventory."], ["order."]),
    svc("returns", "commerce", ["aurora"], ["payment.", "inventory."], ["order."]),
    svc("pricing", "storefront", ["cache"], [], ["inventory."]),
    svc("recommendation", "storefront", ["docdb"], [], ["order."]),
    svc("notification", "customer", ["docdb", "search"], [], ["order.", "payment.", "notification."]),
    svc("seller", "storefront", ["assets"], [], ["order."]),
    svc("api-gateway", "platform", ["cache"], [], [], 2),
    svc("event-bus", "platform", [], ["saga.", "notification."], ["order.", "payment.", "inventory.", "saga.", "dlq."], 2),
    svc("analytics", "platform", ["docdb", "search"], [], ["order.", "payment.", "inventory."]),
];

export const DOMAINS: readonly Domain[] = ["storefront", "commerce", "fulfilment", "customer", "platform"];

export function servicesUsing(store: Store): ServiceSpec[] {
    return SERVICES.filter((s) => s.stores.includes(store));
}

export function service(name: string): ServiceSpec {
    const found = SERVICES.find((s) => s.name === name);
    if (!found) throw new Error(`no service "${name}" in the catalogue (components/catalogue.ts)`);
    return found;
}
