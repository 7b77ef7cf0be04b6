/** Encryption guardrails: one customer-managed key per service, rotated; TLS and at-rest everywhere. */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, requireValue } from "./lib/checks";
import { StackIndex, resourcePolicy, stackPolicy } from "./lib/define";
import { Plain, StackResource, UNKNOWN, advise, at, isUnknown, list, show, str, tags } from "./lib/props";
import { Statement, grantsAction, statementLabel, statements, strings } from "./lib/iamdoc";

const KMS_KEY = "aws:kms/key:Key";
const KMS_ALIAS = "aws:kms/alias:Alias";
const KMS_KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy";

/** One place a data store names its KMS key. */
interface KeyUse {
    /** Where, for messages (`encryptionInfo.encryptionAtRestKmsKeyArn`, `replicas[1].kmsKeyArn`). */
    readonly path: string;
    /** The top-level input whose propertyDependencies lead to the key. */
    readonly prop: string;
    readonly value: unknown;
}

const use = (props: Plain, path: string): KeyUse => ({ path, prop: path.split(".")[0], value: at(props, path) });

/** One use per element of a list input (`replicas[i].kmsKeyArn`); the whole list when it is unknown. */
function elementUses(props: Plain, listProp: string, field: string): KeyUse[] {
    const items = list(props, listProp);
    if (items === UNKNOWN) return [{ path: listProp, prop: listProp, value: UNKNOWN }];
    return items.map((item, i) => ({ path: `${listProp}[${i}].${field}`, prop: listProp, value: at(item, field) }));
}

/**
 * The data stores and where each names its key. `undefined` = this resource consumes no key (for
 * example an Aurora instance without Performance Insights: its storage is the cluster's).
 */
const KEY_USES: Record<string, (p: Plain) => KeyUse[] | undefined> = {
    "aws:rds/cluster:Cluster": (p) => [use(p, "kmsKeyId")],
    "aws:rds/instance:Instance": (p) => [use(p, "kmsKeyId")],
    "aws:rds/clusterInstance:ClusterInstance": (p) =>
        at(p, "performanceInsightsEnabled") === true ? [use(p, "performanceInsightsKmsKeyId")] : undefined,
    "aws:docdb/cluster:Cluster": (p) => [use(p, "kmsKeyId")],
    "aws:elasticache/replicationGroup:ReplicationGroup": (p) => [use(p, "kmsKeyId")],
    "aws:msk/cluster:Cluster": (p) => [use(p, "encryptionInfo.encryptionAtRestKmsKeyArn")],
    "aws:opensearch/domain:Domain": (p) => [use(p, "encryptAtRest.kmsKeyId")],
    "aws:dsql/cluster:Cluster": (p) => [use(p, "kmsEncryptionKey")],
    "aws:dynamodb/table:Table": (p) => [use(p, "serverSideEncryption.kmsKeyArn"), ...elementUses(p, "replicas", "kmsKeyArn")],
    "aws:dynamodb/tableReplica:TableReplica": (p) => [use(p, "kmsKeyArn")],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": s3Uses,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": s3Uses,
    "aws:sns/topic:Topic": (p) => [use(p, "kmsMasterKeyId")],
    "aws:sqs/queue:Queue": (p) => [use(p, "kmsMasterKeyId")],
    "aws:cloudwatch/logGroup:LogGroup": (p) => [use(p, "kmsKeyId")],
    "aws:eks/cluster:Cluster": (p) => {
        const configs = list(p, "encryptionConfig");
        if (configs === UNKNOWN) return [{ path: "encryptionConfig", prop: "encryptionConfig", value: UNKNOWN }];
        if (configs.length === 0) return [{ path: "encryptionConfig.provider.keyArn", prop: "encryptionConfig", value: undefined }];
        return configs.map((c, i) => ({ path: `encryptionConfig${configs.length > 1 ? `[${i}]` : ""}.provider.keyArn`, prop: "encryptionConfig", value: at(c, "provider.keyArn") }));
    },
    "eks:index:Cluster": (p) => [use(p, "encryptionConfigKeyArn")],
    "aws:secretsmanager/secret:Secret": (p) => [use(p, "kmsKeyId"), ...elementUses(p, "replicas", "kmsKeyId")],
    // The vault key encrypts the recovery points of the fully managed types (DSQL, S3, DynamoDB).
    "aws:backup/vault:Vault": (p) => [use(p, "kmsKeyArn")],
};

/** `alias/mall/us-east-1/s3` from an alias name or alias ARN, else undefined. */
function aliasName(v: string): string | undefined {
    const m = /(?:^|:)(alias\/.+)$/.exec(v);
    return m ? m[1] : undefined;
}

/** The region an alias ARN names (`arn:aws:kms:<region>:…:alias/…`), if it names one. */
function arnRegion(v: string): string | undefined {
    return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(v)?.[1];
}

function s3Uses(p: Plain): KeyUse[] {
    const rules = list(p, "rules");
    if (rules === UNKNOWN) return [{ path: "rules", prop: "rules", value: UNKNOWN }];
    if (rules.length === 0) return [{ path: "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId", prop: "rules", value: undefined }];
    return rules.map((r, i) => {
        const algorithm = at(r, "applyServerSideEncryptionByDefault.sseAlgorithm");
        const path = `rules[${i}].applyServerSideEncryptionByDefault.kmsMasterKeyId`;
        // SSE-S3 (AES256) never uses a customer key: report the algorithm, not a missing key id.
        if (typeof algorithm === "string" && !isUnknown(algorithm) && !algorithm.startsWith("aws:kms")) {
            return { path: `rules[${i}].applyServerSideEncryptionByDefault.sseAlgorithm`, prop: "rules", value: `sse:${algorithm}` };
        }
        return { path, prop: "rules", value: at(r, "applyServerSideEncryptionByDefault.kmsMasterKeyId") };
    });
}

/** The data-store types this policy covers (documented in docs/policies.md). */
export const KMS_CONSUMER_TYPES = Object.keys(KEY_USES);

function isAwsManaged(v: string): boolean {
    return /(^|:)alias\/aws\//.test(v) || v === "AWS_OWNED_KMS_KEY";
}

/**
 * The service a resource belongs to: its `service` tag (the program tags everything with
 * `service=<name>`), else the service of the bucket an S3 sub-resource configures, else the
 * resource's type family (`rds`, `sqs`, …).
 */
export function serviceOf(r: StackResource, idx: StackIndex): string {
    const t = tags(r.props);
    if (t.service) return t.service;
    const clusterTags = at(r.props, "clusterTags"); // eks:index:Cluster tags the control plane separately
    if (clusterTags && typeof clusterTags === "object" && typeof (clusterTags as Plain).service === "string") return (clusterTags as Plain).service as string;
    const bucket = idx.depsOf(r, "bucket")[0];
    if (bucket && tags(bucket.props).service) return tags(bucket.props).service;
    const [pkg, mod] = r.type.split(":");
    return pkg === "aws" ? mod.split("/")[0] : pkg;
}

/** What a principal does with a key's data: encrypt, decrypt, derive data keys, or have a service do so through a grant. */
const KEY_USE_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:CreateGrant",
];

/** The databases, caches, streams, search domains, tables and backup vaults: their keys are data keys wherever they are declared. */
const DATABASE_TYPES = new Set([
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:docdb/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:msk/cluster:Cluster",
    "aws:opensearch/domain:Domain",
    "aws:dsql/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:dynamodb/tableReplica:TableReplica",
    "aws:backup/vault:Vault",
]);
/** The data tier's component tag: its buckets, secrets and log groups are data too. */
export const DATA_COMPONENT = "global-data";

/** Condition keys that name the principal a statement admits (so "*" is not everyone). */
const PRINCIPAL_KEYS = ["aws:principalarn", "aws:userid", "aws:username"];
/** Operators that restrict a key to listed values: no negation (Not…), no IfExists (absent passes), no set operators. */
const NAMING_OPERATORS = ["stringequals", "arnequals", "arnlike", "stringlike"];

/**
 * Whether a condition names the principals it admits: a principal key under a positive operator,
 * every value exact (no `*` or `?`: a pattern admits whatever role is later created to match).
 */
export function namesPrincipals(condition: unknown): boolean {
    if (!condition || typeof condition !== "object") return false;
    return Object.entries(condition as Plain).some(
        ([operator, block]) =>
            NAMING_OPERATORS.includes(operator.toLowerCase()) &&
            !!block &&
            typeof block === "object" &&
            Object.entries(block as Plain).some(([k, v]) => PRINCIPAL_KEYS.includes(k.toLowerCase()) && strings(v).length > 0 && strings(v).every((x) => !/[*?]/.test(x))),
    );
}

/** The accounts a key's statements restrict callers to (kms:CallerAccount). */
function callerAccounts(sts: Statement[]): string[] {
    return sts.flatMap((st) =>
        Object.values((st.Condition ?? {}) as Plain).flatMap((block) =>
            block && typeof block === "object" ? Object.entries(block as Plain).filter(([k]) => k.toLowerCase() === "kms:calleraccount").flatMap(([, v]) => strings(v)) : [],
        ),
    );
}

/** The accounts whose root administers the key (an Allow of kms:PutKeyPolicy to `arn:…:root` or a bare account id). */
function administeringAccounts(sts: Statement[]): Set<string> {
    const out = new Set<string>();
    for (const st of sts) {
        if (st.Effect !== "Allow" || !strings(st.Action).some((a) => grantsAction(a, "kms:PutKeyPolicy"))) continue;
        for (const p of awsPrincipals(st.Principal)) {
            const account = rootAccount(p);
            if (account) out.add(account);
        }
    }
    return out;
}

function awsPrincipals(principal: unknown): string[] {
    if (principal === "*") return ["*"];
    if (!principal || typeof principal !== "object") return [];
    return strings((principal as Plain).AWS);
}

function rootAccount(p: string): string | undefined {
    return /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(p)?.[1] ?? (/^\d{12}$/.test(p) ? p : undefined);
}

/**
 * Why a statement lets a whole account use the key's data, or undefined: it allows a use action
 * (or NotAction) to "*" without naming principals in its conditions (kms:CallerAccount and
 * kms:ViaService leave everyone in the account), or to the administering account's root (which
 * lets IAM alone decide).
 */
export function accountWideUse(st: Statement, ownAccounts: ReadonlySet<string>): string | undefined {
    if (st.Effect !== "Allow") return undefined;
    const uses = st.NotAction !== undefined ? ["(NotAction)"] : KEY_USE_ACTIONS.filter((u) => strings(st.Action).some((a) => grantsAction(a, u)));
    if (uses.length === 0) return undefined;
    if (st.NotPrincipal !== undefined) return `allows ${uses.join(", ")} to everyone but its NotPrincipal`;
    const named = namesPrincipals(st.Condition);
    for (const p of awsPrincipals(st.Principal)) {
        if (p === "*" && !named) return `allows ${uses.join(", ")} to every principal ("*") its conditions do not name`;
        const account = rootAccount(p);
        if (account && ownAccounts.has(account)) return `allows ${uses.join(", ")} to the account (${p}), so IAM alone decides who uses it`;
    }
    return undefined;
}

/** A resource's component tag, else its bucket's (S3 sub-resources carry none). */
function componentOf(r: StackResource, idx: StackIndex): string | undefined {
    const own = tags(r.props).component;
    if (own) return own;
    const bucket = idx.depsOf(r, "bucket")[0];
    return bucket ? tags(bucket.props).component : undefined;
}

export const perServiceKmsKeys: StackValidationPolicy = stackPolicy({
    name: "per-service-kms-keys",
    description:
        "Checks that every data store (and backup vault) encrypts with a customer-managed KMS key, that no key serves two services, and that no data key lets a whole account use it (its policy names its users).",
    enforcementLevel: "mandatory",
    check: (resources, _config, report) => {
        const idx = new StackIndex(resources);
        // key identity → consumers (service, resource)
        const users = new Map<string, { service: string; r: StackResource }[]>();
        for (const r of resources) {
            const uses = KEY_USES[r.type]?.(r.props);
            if (!uses) continue;
            const service = serviceOf(r, idx);
            const identities = new Set<string>();
            for (const u of uses) {
                // Preview or plan: the engine tells us which key (or alias of a key) the input came from.
                // Dependencies are per top-level input, so for one element of a list (a replica) they
                // speak for the element only while its own value is unknown.
                const element = u.path !== u.prop && u.path.startsWith(`${u.prop}[`);
                const deps = element && u.value !== UNKNOWN ? [] : idx.depsOf(r, u.prop, KMS_KEY, KMS_ALIAS);
                if (deps.length > 0) {
                    for (const d of deps) {
                        const target = d.type === KMS_ALIAS ? idx.depsOf(d, "targetKeyId", KMS_KEY)[0] : d;
                        identities.add((target ?? d).urn);
                    }
                    continue;
                }
                const v = u.value;
                if (v === undefined) {
                    report(`${describe(r)} must set ${u.path} to a customer-managed KMS key; it is unset`, r.urn);
                } else if (typeof v === "string" && v.startsWith("sse:")) {
                    report(`${describe(r)} must encrypt with a customer-managed KMS key (aws:kms); ${u.path} is "${v.slice(4)}"`, r.urn);
                } else if (v === UNKNOWN || v === "[secret]" || typeof v !== "string") {
                    // An unknown value that does not come from a key in this stack (a StackReference
                    // output, a lookup) cannot be proven either way during preview. The update
                    // re-runs this check with known values, so preview only advises.
                    advise(report, "per-service-kms-keys", `${describe(r)} ${u.path} cannot be proven customer-managed during preview: it is ${show(v)} and depends on no aws:kms/key:Key in this stack`, r.urn);
                } else if (isAwsManaged(v)) {
                    report(`${describe(r)} must use a customer-managed KMS key, not the AWS-managed "${v}"`, r.urn);
                } else {
                    // A key named through its alias is the key the alias names: an alias this stack
                    // declares resolves to its target key; any other is identified by alias and region.
                    const alias = aliasName(v);
                    const region = arnRegion(v);
                    const declared = alias
                        ? idx.ofType(KMS_ALIAS).find((a) => at(a.props, "name") === alias && (region === undefined || [undefined, region].includes(at(a.props, "region") as string | undefined)))
                        : undefined;
                    const target = declared ? idx.depsOf(declared, "targetKeyId", KMS_KEY)[0] : undefined;
                    identities.add(target?.urn ?? (alias ? `${region ?? "?"}/${alias}` : v)); // a known ARN or id outside this stack: identity is the value
                }
            }
            for (const id of identities) users.set(id, [...(users.get(id) ?? []), { service, r }]);
        }
        // A data key names who uses it (security review S6): neither "*" nor the account's root may
        // be allowed to encrypt, decrypt or create grants without a condition naming the principal.
        for (const [id, us] of users) {
            const key = idx.byUrn.get(id);
            if (!key || key.type !== KMS_KEY) continue;
            const data = us.some(({ r }) => DATABASE_TYPES.has(r.type) || componentOf(r, idx) === DATA_COMPONENT);
            if (!data) continue;
            const policies = [at(key.props, "policy"), ...idx.ofType(KMS_KEY_POLICY).filter((kp) => idx.depsOf(kp, "keyId", KMS_KEY).some((k) => k.urn === key.urn)).map((kp) => at(kp.props, "policy"))];
            for (const doc of policies) {
                const sts = statements(doc);
                if (sts === UNKNOWN) {
                    advise(report, "per-service-kms-keys", `KMS key ${key.name}'s policy is not known during preview; the update checks that it names the users of its data`, key.urn);
                    continue;
                }
                if (sts === undefined) {
                    report(`KMS key ${key.name} encrypts data (${us.map((u) => u.r.name).join(", ")}) and must have a policy that names its users; it has none, so the account decides`, key.urn);
                    continue;
                }
                const own = administeringAccounts(sts);
                for (const a of callerAccounts(sts)) own.add(a);
                const arnAccount = /^arn:aws[a-z-]*:kms:[^:]*:(\d{12}):/.exec(String(at(key.props, "arn") ?? ""))?.[1];
                if (arnAccount) own.add(arnAccount);
                sts.forEach((st, i) => {
                    const why = accountWideUse(st, own);
                    if (why) report(`KMS key ${key.name} encrypts data (${us.map((u) => u.r.name).join(", ")}) and must name the principals that use it; its ${statementLabel(st, i)} ${why}`, key.urn);
                });
            }
        }
        for (const [id, us] of users) {
            const services = [...new Set(us.map((u) => u.service))].sort();
            if (services.length < 2) continue;
            const key = idx.byUrn.get(id);
            const subject = key ? `KMS key ${key.name}` : `KMS key ${id}`;
            const who = us.map((u) => `${u.r.name} (${u.service})`).join(", ");
            report(`${subject} must serve a single service; it encrypts ${services.join(", ")}: ${who}`, key?.urn ?? us[0].r.urn);
        }
    },
});

interface RotationConfig {
    maxRotationPeriodDays: number;
}

export const kmsKeyRotation: ResourceValidationPolicy = resourcePolicy<RotationConfig>({
    name: "kms-key-rotation",
    description: "Checks that every symmetric customer-managed KMS key has automatic rotation on, within the allowed period.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxRotationPeriodDays: { type: "number", default: 365, minimum: 90, maximum: 2560, description: "Longest allowed rotationPeriodInDays." },
        },
    },
    types: [KMS_KEY],
    check: (r, config, report) => {
        // AWS rotates only symmetric encryption keys in AWS KMS key material: asymmetric and HMAC
        // key specs, signing/MAC key usages and custom (CloudHSM / external) key stores cannot
        // rotate automatically, so they are exempt rather than failed.
        const spec = str(at(r.props, "customerMasterKeySpec"));
        const usage = str(at(r.props, "keyUsage"));
        if (spec && spec !== "SYMMETRIC_DEFAULT") return;
        if (usage && usage !== "ENCRYPT_DECRYPT") return;
        if (str(at(r.props, "customKeyStoreId")) || str(at(r.props, "xksKeyId"))) return;
        requireValue("kms-key-rotation", r, "enableKeyRotation", true, report);
        const period = at(r.props, "rotationPeriodInDays");
        if (typeof period === "number" && period > config.maxRotationPeriodDays) {
            report(`${describe(r)} must rotate at least every ${config.maxRotationPeriodDays} days; rotationPeriodInDays is ${period}`, r.urn);
        }
    },
});

/** Origin protocols older than TLS 1.2 (CloudFront still offers them to custom origins). */
const WEAK_ORIGIN_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1"];

interface TransitConfig {
    openSearchTlsPolicies: string[];
}

export const encryptionInTransitAndAtRest: ResourceValidationPolicy = resourcePolicy<TransitConfig>({
    name: "encryption-in-transit-and-at-rest",
    description:
        "Checks that data stores encrypt at rest and require TLS in transit, that brokers and caches require client authentication, and that CloudFront reaches custom origins over TLS 1.2 or later.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            openSearchTlsPolicies: {
                type: "array",
                items: { type: "string" },
                default: ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"],
                description: "OpenSearch tlsSecurityPolicy values that enforce TLS 1.2 or later.",
            },
        },
    },
    types: [
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:msk/cluster:Cluster",
        "aws:opensearch/domain:Domain",
        "aws:rds/cluster:Cluster",
        "aws:rds/instance:Instance",
        "aws:rds/globalCluster:GlobalCluster",
        "aws:docdb/cluster:Cluster",
        "aws:docdb/globalCluster:GlobalCluster",
        "aws:dynamodb/table:Table",
        "aws:cloudfront/distribution:Distribution",
    ],
    check: (r, config, report) => {
        const name = "encryption-in-transit-and-at-rest";
        switch (r.type) {
            case "aws:cloudfront/distribution:Distribution": {
                const origins = list(r.props, "origins");
                if (origins === UNKNOWN) break;
                origins.forEach((o, i) => {
                    const custom = at(o, "customOriginConfig");
                    if (custom === undefined || custom === UNKNOWN) return;
                    const id = show(at(o, "originId"));
                    const policy = at(custom, "originProtocolPolicy");
                    if (policy === "http-only") report(`${describe(r)} must reach origin ${id} over HTTPS: set origins[${i}].customOriginConfig.originProtocolPolicy to https-only; it is "http-only"`, r.urn);
                    const protocols = list(custom, "originSslProtocols");
                    if (protocols === UNKNOWN) return;
                    const weak = protocols.filter((p) => typeof p === "string" && WEAK_ORIGIN_PROTOCOLS.includes(p));
                    if (weak.length > 0) report(`${describe(r)} must not offer ${weak.join(", ")} to origin ${id}: set origins[${i}].customOriginConfig.originSslProtocols to ["TLSv1.2"]`, r.urn);
                });
                break;
            }
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                // A secondary member of a global datastore takes its encryption from the global
                // datastore (AWS rejects the fields on it); the primary member, checked here like
                // any group, is where the datastore's encryption is decided.
                const global = at(r.props, "globalReplicationGroupId");
                if (typeof global === "string" && global !== "") break;
                requireValue(name, r, "atRestEncryptionEnabled", true, report);
                requireValue(name, r, "transitEncryptionEnabled", true, report);
                // "preferred" accepts plaintext clients too (a migration mode), so it is not TLS-only.
                const mode = at(r.props, "transitEncryptionMode");
                if (mode === "preferred") report(`${describe(r)} must set transitEncryptionMode to "required"; it is "preferred"`, r.urn);
                // Clients authenticate: an AUTH token or RBAC user groups (a global secondary takes the primary's).
                const token = at(r.props, "authToken");
                const groups = list(r.props, "userGroupIds");
                if (token === undefined && groups !== UNKNOWN && groups.length === 0) {
                    report(`${describe(r)} must require client authentication: set authToken (Valkey/Redis AUTH) or userGroupIds (RBAC); it has neither`, r.urn);
                }
                break;
            }
            case "aws:msk/cluster:Cluster": {
                // AWS defaults: clientBroker TLS, inCluster true; only an explicit weaker value fails.
                requireValue(name, r, "encryptionInfo.encryptionInTransit.clientBroker", "TLS", report, true);
                requireValue(name, r, "encryptionInfo.encryptionInTransit.inCluster", true, report, true);
                // Without clientAuthentication MSK admits unauthenticated clients.
                const auth = at(r.props, "clientAuthentication");
                if (auth === UNKNOWN) break;
                const cas = list(auth, "tls.certificateAuthorityArns");
                const methods = [at(auth, "sasl.iam"), at(auth, "sasl.scram"), cas === UNKNOWN ? UNKNOWN : cas.length > 0];
                if (methods.includes(UNKNOWN) || at(auth, "unauthenticated") === UNKNOWN) {
                    advise(report, name, `${describe(r)} clientAuthentication cannot be verified during preview (unknown)`, r.urn);
                    break;
                }
                if (at(auth, "unauthenticated") === true) report(`${describe(r)} must not admit unauthenticated clients: set clientAuthentication.unauthenticated to false`, r.urn);
                else if (!methods.some((m) => m === true)) report(`${describe(r)} must require client authentication: set clientAuthentication.sasl.iam (or SCRAM, or TLS certificate authorities); it has none`, r.urn);
                break;
            }
            case "aws:opensearch/domain:Domain": {
                requireValue(name, r, "encryptAtRest.enabled", true, report);
                requireValue(name, r, "nodeToNodeEncryption.enabled", true, report);
                requireValue(name, r, "domainEndpointOptions.enforceHttps", true, report);
                // No default is assumed: older domains defaulted to Policy-Min-TLS-1-0-2019-07.
                const tls = at(r.props, "domainEndpointOptions.tlsSecurityPolicy");
                if (tls === UNKNOWN) break;
                if (typeof tls !== "string" || !config.openSearchTlsPolicies.includes(tls)) {
                    report(`${describe(r)} must set domainEndpointOptions.tlsSecurityPolicy to one of ${config.openSearchTlsPolicies.join(", ")}; it is ${show(tls)}`, r.urn);
                }
                break;
            }
            case "aws:dynamodb/table:Table":
                requireValue(name, r, "serverSideEncryption.enabled", true, report);
                break;
            default:
                // A global cluster created from an existing cluster inherits that cluster's encryption,
                // which this policy checks on the source itself.
                requireValue(name, r, "storageEncrypted", true, report, at(r.props, "sourceDbClusterIdentifier") !== undefined);
        }
    },
});
