/**
 * Identities inside the stores (spec-audit: "the per-service users inside DocumentDB and Aurora and
 * the OpenSearch role mappings are created by nobody"). Pure: what each store must hold for each
 * service of the catalogue, and, given what a store already holds, the exact statements, commands
 * or requests that converge it. The bootstrap function (lambdas/identities) runs these; the tests
 * read them.
 *
 * The rules every store follows:
 * - a user is created only when absent, and nothing here ever sets, changes or resets a password
 *   of a user that exists (rotation owns passwords after creation; Aurora and DSQL users have none:
 *   they log in with IAM);
 * - a service is granted only its own objects: its schema (Aurora, DSQL), its database
 *   (DocumentDB), its index pattern (OpenSearch);
 * - running the plan twice changes nothing the second time.
 */
import { SERVICES, servicesUsing } from "../catalogue";

/** The in-VPC stores the bootstrap opens (DSQL is reached over its public endpoint). */
export const IDENTITY_STORES = ["aurora", "docdb", "search"] as const;
export type IdentityStore = (typeof IDENTITY_STORES)[number];

/** The PostgreSQL role (and schema) of a service: dashes are not valid in unquoted identifiers. */
export function databaseUser(service: string): string {
    return service.replace(/-/g, "_");
}

/** A service's DocumentDB database: its own, named like its user. */
export const docdbDatabase = databaseUser;

/** The indices a service owns in OpenSearch (the IRSA policy grants `<domain>/<service>-*` alike). */
export const searchIndexPattern = (service: string) => `${service}-*`;

/** One service's role in Aurora PostgreSQL or DSQL. */
export interface PostgresIdentity {
    readonly service: string;
    /** The login role, which owns (Aurora) or is granted (DSQL) the schema of the same name. */
    readonly role: string;
    readonly schema: string;
    /** DSQL only: the IAM roles (the service's IRSA role per region) mapped to the role with `AWS IAM GRANT`. */
    readonly iamRoleArns?: readonly string[];
}

export interface DocdbIdentity {
    readonly service: string;
    readonly user: string;
    readonly database: string;
    /** The service's own credentials (`{username, password}`): the password a new user is created with. */
    readonly secretArn: string;
}

export interface SearchIdentity {
    readonly service: string;
    /** The fine-grained access control role, named after the service. */
    readonly role: string;
    readonly indexPattern: string;
    /** The IAM roles that are this service (its IRSA role in this region). */
    readonly backendRoles: readonly string[];
}

/** What one region's bootstrap is asked to converge (the Lambda's input; no secret values, only ARNs). */
export interface IdentityRequest {
    readonly region: string;
    /** `globalClusterId` and this region's `clusterArn`: the function asks the global cluster whether this member is the writer before it connects. */
    readonly aurora?: {
        readonly host: string;
        readonly port: number;
        readonly database: string;
        readonly masterSecretArn: string;
        readonly globalClusterId: string;
        readonly clusterArn: string;
        readonly identities: readonly PostgresIdentity[];
    };
    /** `clusterId`: the function connects only once the cluster is ACTIVE (a multi-region cluster waits in PENDING_SETUP until it is peered). */
    readonly dsql?: { readonly host: string; readonly region: string; readonly clusterId: string; readonly identities: readonly PostgresIdentity[] };
    readonly docdb?: {
        readonly host: string;
        readonly port: number;
        readonly masterSecretArn: string;
        readonly globalClusterId: string;
        readonly clusterArn: string;
        readonly identities: readonly DocdbIdentity[];
    };
    readonly search?: { readonly endpoint: string; readonly adminRoleArn: string; readonly identities: readonly SearchIdentity[] };
}

/**
 * Where the stores are and which credentials open them: set by Pulumi in the function's
 * environment (`IDENTITY_TARGETS`), never taken from the event, so no caller can point the master
 * credentials at another host or another cluster.
 */
export type IdentityTargets = {
    readonly region: string;
    readonly aurora: Omit<NonNullable<IdentityRequest["aurora"]>, "identities">;
    readonly dsql: Omit<NonNullable<IdentityRequest["dsql"]>, "identities">;
    readonly docdb: Omit<NonNullable<IdentityRequest["docdb"]>, "identities">;
    readonly search: Omit<NonNullable<IdentityRequest["search"]>, "identities">;
};

/** What the function trusts about itself: its account (from its own ARN) and the stack's name prefix (its environment). */
export interface IdentityTrust {
    readonly account: string;
    readonly prefix: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Why an event cannot be trusted, or [] when it can. The event only says which IAM role and which
 * secret are each service's; names, schemas, databases and index patterns come from the catalogue
 * compiled into the function. A role must be this stack's IRSA role of that very service
 * (`arn:aws:iam::<account>:role/<prefix>-<region>-svc-<service>`, so another environment's or
 * another service's role is refused), a secret that service's own (`<prefix>/<region>/docdb-<service>-XXXXXX`).
 */
export function identityEventProblems(event: IdentityInputs, trust: IdentityTrust): string[] {
    const problems: string[] = [];
    const region = "[a-z]{2}(-[a-z]+)+-[0-9]+";
    const role = (svc: string) => new RegExp(`^arn:aws:iam::${escape(trust.account)}:role/${escape(trust.prefix)}-${region}-svc-${escape(svc)}$`);
    const secret = (svc: string) => new RegExp(`^arn:aws:secretsmanager:${region}:${escape(trust.account)}:secret:${escape(trust.prefix)}/${region}/docdb-${escape(svc)}-[A-Za-z0-9]{6}$`);
    const check = (what: string, map: Readonly<Record<string, string>> | undefined, allowed: readonly string[], pattern: (svc: string) => RegExp) => {
        for (const [svc, arn] of Object.entries(map ?? {})) {
            if (!allowed.includes(svc)) problems.push(`${what}: "${svc}" is not a service that needs one`);
            else if (typeof arn !== "string" || !pattern(svc).test(arn)) problems.push(`${what}.${svc}: ${String(arn)} is not ${svc}'s own`);
        }
    };
    check("serviceRoleArns", event.serviceRoleArns, SERVICES.map((s) => s.name), role);
    check("peerDsqlRoleArns", event.peerDsqlRoleArns, servicesUsing("dsql").map((s) => s.name), role);
    check("docdbSecretArns", event.docdbSecretArns, servicesUsing("docdb").map((s) => s.name), secret);
    return problems;
}

/** The request the function runs: its own targets, and the identities planned from a checked event. */
export function identityRequest(targets: IdentityTargets, event: IdentityInputs, trust: IdentityTrust): IdentityRequest {
    const problems = identityEventProblems(event, trust);
    if (problems.length > 0) throw new Error(`refused the event (${problems.length} problem${problems.length === 1 ? "" : "s"}): ${problems.join("; ")}`);
    const ids = planIdentities(event);
    return {
        region: targets.region,
        aurora: { ...targets.aurora, identities: ids.aurora },
        dsql: { ...targets.dsql, identities: ids.dsql },
        docdb: { ...targets.docdb, identities: ids.docdb },
        search: { ...targets.search, identities: ids.search },
    };
}


export interface IdentityInputs {
    /** Service name → its IRSA role ARN in this region. */
    readonly serviceRoleArns: Readonly<Record<string, string>>;
    /**
     * The DSQL services' IRSA roles in the other region of the linked pair (the primary's, on the
     * secondary that owns the peering): the primary's cluster waits in PENDING_SETUP until that
     * secondary peers it, so the secondary's run maps both regions' roles. @default {} - none
     */
    readonly peerDsqlRoleArns?: Readonly<Record<string, string>>;
    /** Service name → its DocumentDB credentials secret (this region's replica). */
    readonly docdbSecretArns: Readonly<Record<string, string>>;
}

/** The identities of every service of the catalogue, per store. */
export function planIdentities(inputs: IdentityInputs): {
    aurora: PostgresIdentity[];
    dsql: PostgresIdentity[];
    docdb: DocdbIdentity[];
    search: SearchIdentity[];
} {
    const role = (svc: string) => {
        const arn = inputs.serviceRoleArns[svc];
        if (!arn) throw new Error(`no IRSA role for ${svc} (EksCluster serviceRoleArns)`);
        return arn;
    };
    return {
        aurora: servicesUsing("aurora").map((s) => ({ service: s.name, role: databaseUser(s.name), schema: databaseUser(s.name) })),
        dsql: servicesUsing("dsql").map((s) => ({
            service: s.name,
            role: databaseUser(s.name),
            schema: databaseUser(s.name),
            iamRoleArns: [role(s.name), ...(inputs.peerDsqlRoleArns?.[s.name] ? [inputs.peerDsqlRoleArns[s.name]] : [])],
        })),
        docdb: servicesUsing("docdb").map((s) => {
            const secretArn = inputs.docdbSecretArns[s.name];
            if (!secretArn) throw new Error(`no DocumentDB secret for ${s.name} (GlobalData docdbServiceSecretArns)`);
            return { service: s.name, user: databaseUser(s.name), database: docdbDatabase(s.name), secretArn };
        }),
        search: servicesUsing("search").map((s) => ({ service: s.name, role: s.name, indexPattern: searchIndexPattern(s.name), backendRoles: [role(s.name)] })),
    };
}

// --- PostgreSQL (Aurora, DSQL) -------------------------------------------------------------------

/** `"user_account"`: a quoted identifier, so reserved words (`order`) and case survive. */
export function quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

/** `'arn:…'`: a quoted literal (standard_conforming_strings is on in both engines). */
export function quoteLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/** What a PostgreSQL store already holds, as its catalogue reports it. */
export interface PostgresState {
    /** `SELECT rolname FROM pg_roles`. */
    readonly roles: ReadonlySet<string>;
    /** `SELECT nspname FROM pg_namespace`. */
    readonly schemas: ReadonlySet<string>;
    /** Aurora: `role` → the roles it is a member of (`pg_auth_members`), e.g. `rds_iam`. */
    readonly memberOf?: ReadonlyMap<string, ReadonlySet<string>>;
    /** DSQL: `SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings`, as `role arn`. */
    readonly iamMappings?: ReadonlySet<string>;
    /** Aurora: roles with USAGE and CREATE on the schema of their own name. */
    readonly ownSchemaGranted?: ReadonlySet<string>;
    /** Aurora: role → its `search_path` setting for every database, quotes removed (`pg_db_role_setting` keeps `search_path=user_account`, quoting only names that need it). */
    readonly searchPaths?: ReadonlyMap<string, string>;
}

/** The queries that read a PostgreSQL store's state (parameter-free, read-only). */
export const POSTGRES_STATE_QUERIES = {
    roles: "SELECT rolname FROM pg_catalog.pg_roles",
    schemas: "SELECT nspname FROM pg_catalog.pg_namespace",
    memberOf: "SELECT r.rolname AS role, g.rolname AS member_of FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.member JOIN pg_catalog.pg_roles g ON g.oid = m.roleid",
    iamMappings: "SELECT pg_role_name, arn FROM sys.iam_pg_role_mappings",
    ownSchemaGranted:
        "SELECT r.rolname AS role FROM pg_catalog.pg_roles r JOIN pg_catalog.pg_namespace n ON n.nspname = r.rolname WHERE pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE') AND pg_catalog.has_schema_privilege(r.oid, n.oid, 'CREATE')",
    searchPaths:
        "SELECT r.rolname AS role, c.setting AS search_path FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_roles r ON r.oid = s.setrole CROSS JOIN LATERAL unnest(s.setconfig) AS c(setting) WHERE s.setdatabase = 0 AND c.setting LIKE 'search_path=%'",
    /** Aurora: true on a reader (a global database's secondary), where no DDL can run. */
    inRecovery: "SELECT pg_catalog.pg_is_in_recovery() AS in_recovery",
} as const;

/**
 * The statements that make an Aurora PostgreSQL writer hold `want`, one per element (each runs on
 * its own). A role is created without a password, `LOGIN`, and made a member of `rds_iam`: the
 * service connects with an IAM token (`rds-db:connect` on exactly this user, components/eks/iam-plan.ts).
 * Its schema is created by the master user and the role is granted USAGE and CREATE on it: not
 * `AUTHORIZATION <role>`, which PostgreSQL 16 allows only to a creator that may SET ROLE to it. No
 * grant on any other schema; `PUBLIC` keeps PostgreSQL 15+'s default (no CREATE on `public`).
 */
export function auroraStatements(want: readonly PostgresIdentity[], state: PostgresState): string[] {
    const out: string[] = [];
    for (const id of want) {
        const role = quoteIdent(id.role);
        const created = !state.roles.has(id.role);
        if (created) out.push(`CREATE ROLE ${role} WITH LOGIN`);
        if (!state.memberOf?.get(id.role)?.has("rds_iam")) out.push(`GRANT rds_iam TO ${role}`);
        // Aurora reads back both the grant and the search path, so a run cut short converges next time.
        out.push(...schemaStatements(id, created || !state.ownSchemaGranted?.has(id.role), state));
        if (state.searchPaths?.get(id.role) !== `search_path=${id.schema}`) out.push(`ALTER ROLE ${role} SET search_path = ${quoteIdent(id.schema)}`);
    }
    return out;
}

/** The service's own schema, and its grant when the schema is new or `grant` says so. */
function schemaStatements(id: PostgresIdentity, grant: boolean, state: PostgresState): string[] {
    const out: string[] = [];
    const fresh = !state.schemas.has(id.schema);
    if (fresh) out.push(`CREATE SCHEMA ${quoteIdent(id.schema)}`);
    if (fresh || grant) out.push(`GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(id.schema)} TO ${quoteIdent(id.role)}`);
    return out;
}

/**
 * The statements that make a DSQL cluster hold `want`. DSQL runs one DDL statement per
 * transaction and has no PL/pgSQL, so existence is read first and each statement stands alone.
 * A role is `LOGIN` without a password; each of the service's IAM roles is mapped to it with
 * `AWS IAM GRANT` (what `dsql:DbConnect` logs in as); it is granted USAGE and CREATE on its own
 * schema only. Mappings that exist are left alone.
 */
export function dsqlStatements(want: readonly PostgresIdentity[], state: PostgresState): string[] {
    const out: string[] = [];
    for (const id of want) {
        const role = quoteIdent(id.role);
        const created = !state.roles.has(id.role);
        if (created) out.push(`CREATE ROLE ${role} WITH LOGIN`);
        for (const arn of id.iamRoleArns ?? []) {
            if (!state.iamMappings?.has(`${id.role} ${arn}`)) out.push(`AWS IAM GRANT ${role} TO ${quoteLiteral(arn)}`);
        }
        out.push(...schemaStatements(id, created, state));
    }
    return out;
}

// --- DocumentDB ----------------------------------------------------------------------------------

/** A user as `usersInfo` reports it. */
export interface DocdbUser {
    readonly user: string;
    readonly roles: readonly { readonly role: string; readonly db: string }[];
}

/** One command to run against the `admin` database; `pwdFrom` names the secret whose password a new user gets. */
export type DocdbCommand =
    | { readonly createUser: string; readonly pwdFrom: string; readonly roles: { role: string; db: string }[] }
    | { readonly grantRolesToUser: string; readonly roles: { role: string; db: string }[] }
    | { readonly revokeRolesFromUser: string; readonly roles: { role: string; db: string }[] };

/**
 * The commands that make DocumentDB hold `want`, given the users that exist (`usersInfo` in
 * `admin`). A missing user is created with `readWrite` on its own database and the password in its
 * secret; an existing user keeps its password (no `updateUser`, ever) and is converged to exactly
 * that one role: a missing grant added, any other revoked.
 */
export function docdbCommands(want: readonly DocdbIdentity[], existing: readonly DocdbUser[]): DocdbCommand[] {
    const out: DocdbCommand[] = [];
    for (const id of want) {
        const role = { role: "readWrite", db: id.database };
        const user = existing.find((u) => u.user === id.user);
        if (!user) {
            out.push({ createUser: id.user, pwdFrom: id.secretArn, roles: [role] });
            continue;
        }
        if (!user.roles.some((r) => r.role === role.role && r.db === role.db)) out.push({ grantRolesToUser: id.user, roles: [role] });
        const extra = user.roles.filter((r) => !(r.role === role.role && r.db === role.db));
        if (extra.length > 0) out.push({ revokeRolesFromUser: id.user, roles: extra.map((r) => ({ role: r.role, db: r.db })) });
    }
    return out;
}

// --- OpenSearch fine-grained access control ---------------------------------------------------------

export interface SearchRequest {
    readonly method: "PUT";
    readonly path: string;
    readonly body: Record<string, unknown>;
}

/**
 * Index actions a service needs on its own indices: read and write documents, create an index
 * (with its settings: the nori analyser), put mappings and aliases, refresh, read its stats. Not
 * `manage` (delete, close, any setting): an index's lifecycle stays with operators.
 */
export const SEARCH_INDEX_ACTIONS = ["crud", "create_index", "indices:admin/mapping/put", "indices:admin/aliases*", "indices:admin/refresh*", "indices:monitor/stats"] as const;
/**
 * Cluster actions every service needs: bulk and multi-get/search (whose per-index checks still
 * apply) and health. Not `cluster_monitor`, which reads every index's mappings and other tasks' queries.
 */
export const SEARCH_CLUSTER_ACTIONS = ["cluster_composite_ops", "cluster:monitor/health"] as const;

/**
 * The security API requests that define each service's role (its index pattern only) and map the
 * service's IAM role to it (`backend_roles`: OpenSearch matches the IAM role ARN of a SigV4-signed
 * request). PUT replaces the whole document, so a re-run converges and an edit made by hand is undone.
 */
export function searchRequests(want: readonly SearchIdentity[]): SearchRequest[] {
    return want.flatMap((id) => [
        {
            method: "PUT" as const,
            path: `/_plugins/_security/api/roles/${encodeURIComponent(id.role)}`,
            body: {
                description: `The ${id.service} service: its own indices (${id.indexPattern}) only (mall identities bootstrap)`,
                cluster_permissions: [...SEARCH_CLUSTER_ACTIONS],
                index_permissions: [{ index_patterns: [id.indexPattern], allowed_actions: [...SEARCH_INDEX_ACTIONS] }],
            },
        },
        {
            method: "PUT" as const,
            path: `/_plugins/_security/api/rolesmapping/${encodeURIComponent(id.role)}`,
            body: { description: `IRSA role of ${id.service}`, backend_roles: [...id.backendRoles], hosts: [], users: [] },
        },
    ]);
}

/** What a first run against empty stores changes, per store (the offline plan's answer for the invocation). */
export function firstRunChanges(ids: ReturnType<typeof planIdentities>): Record<string, string[]> {
    const empty: PostgresState = { roles: new Set(), schemas: new Set(), memberOf: new Map(), iamMappings: new Set(), ownSchemaGranted: new Set(), searchPaths: new Map() };
    return {
        aurora: auroraStatements(ids.aurora, empty),
        dsql: dsqlStatements(ids.dsql, empty),
        docdb: docdbCommands(ids.docdb, []).map((c) => ("createUser" in c ? `createUser ${c.createUser} (readWrite@${c.roles[0].db}; password from its secret)` : JSON.stringify(c))),
        search: searchRequests(ids.search).map((r) => `${r.method} ${r.path}`),
    };
}
