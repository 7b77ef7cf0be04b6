/**
 * The cache's users (security review S5): one ElastiCache RBAC user per service that uses the
 * cache, instead of one full-access AUTH token shared by cart, pricing and the internet-facing
 * api-gateway. Each user reaches only its own service's keys (`~<service>:*` and the spec's key
 * families it owns, CACHE_KEY_FAMILIES), no pub/sub channel, and no command of the `@dangerous` category; its password lives in its own secret,
 * which only that service's role reads (components/eks/iam-plan.ts).
 *
 * Why this works with the global datastore (docs/security.md "A credential per service for the
 * cache" has the sources): RBAC needs Valkey 7.2+ or Redis OSS 6.0+ and in-transit encryption
 * (ElastiCache user guide, "Role-Based Access Control"); the global datastore console procedures
 * offer the user-group access control list for the primary and for each secondary cluster, and
 * the provider does not count `userGroupIds` among the fields a member inherits (its
 * `global_replication_group_id` ConflictsWith list). Users and user groups are regional, and the
 * datastore does not replicate them: every region gets the same users with the same passwords, so
 * a client keeps working after a promotion, and a region's clients reach the writer's region with
 * the credentials they already hold. The primary's stack declares them all (per-resource
 * `region`), as it declares the secrets' replica keys: adding a region re-runs the primary first.
 *
 * Pure: the components, the service ConfigMaps and the tests read these records.
 */
import { SERVICES } from "../catalogue";

/** What RBAC users and groups are created with (Valkey 7.2: both VALKEY and REDIS groups work; VALKEY needs every user to authenticate). */
export const CACHE_USER_ENGINE = "valkey";
/** The cache's services, in catalogue order. */
export const CACHE_SERVICES: readonly string[] = SERVICES.filter((s) => s.stores.includes("cache")).map((s) => s.name);

/** Reads that take no key, so a key pattern does not restrict them: every user is denied them. */
export const KEYLESS_READS = ["scan", "randomkey", "dbsize"] as const;
/** Commands no service user may be granted by name (dangerous, administrative or scripting). */
const FORBIDDEN_COMMANDS = ["keys", "flushall", "flushdb", "eval", "evalsha", "fcall", "function", "config", "debug", "monitor", "shutdown", "acl", "module", "script", "save", "bgsave", "replicaof", "slaveof", "migrate", "restore", "sort"];

/** The key prefix of a service's own keys, which its ConfigMap says (CACHE_KEY_PREFIX). */
export function cacheKeyPrefix(service: string): string {
    return `${service}:`;
}

/**
 * The spec's key families (ARCHITECTURE §4, docs/data.md "Cache keys and TTLs") and the one cache
 * service that owns each: its user alone reads and writes them. api-gateway fronts the shopper's
 * session, rate limits and searches; pricing serves what the storefront prices and ranks.
 */
export const CACHE_KEY_FAMILIES: readonly { readonly pattern: string; readonly owner: string }[] = [
    { pattern: "cart:*", owner: "cart" },
    { pattern: "session:*", owner: "api-gateway" },
    { pattern: "ratelimit:*", owner: "api-gateway" },
    { pattern: "search-history:*", owner: "api-gateway" },
    { pattern: "product:*", owner: "pricing" },
    { pattern: "stock:*", owner: "pricing" },
    { pattern: "promo:*", owner: "pricing" },
    { pattern: "leaderboard:*", owner: "pricing" },
    { pattern: "cache:categories", owner: "pricing" },
];

/** The key patterns a service's user reaches: its own prefix and the spec's families it owns. */
export function cacheKeyPatterns(service: string): string[] {
    return [...new Set([`${cacheKeyPrefix(service)}*`, ...CACHE_KEY_FAMILIES.filter((f) => f.owner === service).map((f) => f.pattern)])];
}

/**
 * Command categories a service's user gets, after `-@all`: reads, writes, transactions and the
 * connection commands; then `-@dangerous` removes whatever of those is dangerous (FLUSHALL, KEYS,
 * …); then the commands that read the whole keyspace without a key argument, which a key pattern
 * cannot restrict (SCAN and RANDOMKEY list other services' keys; valkey-io/valkey#370); then the
 * three cluster-topology subcommands a cluster-mode client needs to find the shards.
 */
const GRANTED = ["+@read", "+@write", "+@transaction", "+@connection", "-@dangerous", ...KEYLESS_READS.map((c) => `-${c}`), "+cluster|slots", "+cluster|shards", "+cluster|nodes"];

/** A service's access string: on, its keys only, the commands above (no pub/sub command, so no channel). */
export function cacheAccessString(service: string): string {
    if (!CACHE_SERVICES.includes(service)) throw new Error(`${service} does not use the cache (catalogue): it gets no cache user`);
    return ["on", ...cacheKeyPatterns(service).map((p) => `~${p}`), "-@all", ...GRANTED].join(" ");
}

/** The default user every group must hold (AWS creates one named "default"; a group names its own): off, no keys, no commands. */
export const DEFAULT_USER_ACCESS = "off -@all";

/**
 * What an access string allows that no service user may have, or [] (the tests and the component
 * check every planned user with it): every key or channel, every command, or a dangerous category.
 */
export function accessProblems(service: string, access: string): string[] {
    const tokens = access.split(/\s+/).filter((t) => t.length > 0);
    const problems: string[] = [];
    const keys = tokens.filter((t) => t.startsWith("~") || t.startsWith("%"));
    for (const k of keys) {
        const pattern = k.replace(/^%[RW]*~/, "").replace(/^~/, "");
        if (!cacheKeyPatterns(service).includes(pattern)) problems.push(`key pattern ${k} is not ${service}'s own (${cacheKeyPatterns(service).join(" ")})`);
    }
    for (const t of tokens) {
        if (["allkeys", "allchannels", "allcommands", "+@all", "&*", "+@dangerous", "+@admin", "+@scripting", "+@keyspace"].includes(t)) problems.push(`${t} is not allowed`);
        else if (t.startsWith("&")) problems.push(`channel ${t} is not allowed`);
        else if (t.startsWith("+") && FORBIDDEN_COMMANDS.includes(t.slice(1).split("|")[0].toLowerCase())) problems.push(`${t} is not allowed`);
    }
    if (!tokens.includes("-@dangerous")) problems.push("-@dangerous is missing");
    for (const c of KEYLESS_READS) {
        const denied = tokens.lastIndexOf(`-${c}`);
        if (denied < 0 || tokens.slice(denied).some((t) => t === `+${c}` || t === "+@read" || t === "+@keyspace" || t === "+@all")) problems.push(`-${c} is missing (it lists every service's keys)`);
    }
    return problems;
}
