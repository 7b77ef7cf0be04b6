/**
 * The identities bootstrap's logic, over injected store clients (index.ts wires pg, the MongoDB
 * driver and SigV4-signed HTTPS; the tests wire in-memory stores). For each store of the request:
 * read what the store holds, plan the difference (components/identities/plan.ts), apply it, and
 * report what changed. Aurora and DocumentDB are written only where this region holds the writer
 * (their users replicate with the global database): the global cluster says which member writes,
 * before anything connects; elsewhere the store is reported skipped. DSQL is opened only once its
 * cluster is ACTIVE (a multi-region cluster waits in PENDING_SETUP until it is peered; the peering
 * region's run maps both regions' roles). Every store is attempted; any failure fails the run
 * afterwards, naming each store and why, so the deploy stops and the next `up` retries.
 *
 * The report never carries a secret value: passwords are read from Secrets Manager just before a
 * `createUser` and go nowhere else.
 */
import {
    DocdbCommand,
    DocdbUser,
    IdentityRequest,
    POSTGRES_STATE_QUERIES,
    PostgresState,
    auroraStatements,
    docdbCommands,
    dsqlStatements,
    searchRequests,
} from "../../components/identities/plan";

/** A PostgreSQL session: rows of a query, or nothing for a statement. */
export interface Sql {
    query(text: string): Promise<Record<string, unknown>[]>;
    close(): Promise<void>;
}

/** A DocumentDB session on the `admin` database. */
export interface Docdb {
    /** `hello`'s `isWritablePrimary` (older servers: `ismaster`). */
    isWritablePrimary(): Promise<boolean>;
    usersInfo(users: readonly string[]): Promise<DocdbUser[]>;
    run(command: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
}

export interface SearchHttp {
    put(path: string, body: Record<string, unknown>): Promise<{ status: number; body: string }>;
}

export interface Connectors {
    /** Whether `clusterArn` is the writer member of the global cluster (DescribeGlobalClusters, RDS and DocumentDB alike). */
    isGlobalWriter(engine: "aurora" | "docdb", globalClusterId: string, clusterArn: string): Promise<boolean>;
    /** The DSQL cluster's status (GetCluster). */
    dsqlStatus(req: NonNullable<IdentityRequest["dsql"]>): Promise<string>;
    aurora(req: NonNullable<IdentityRequest["aurora"]>): Promise<Sql>;
    dsql(req: NonNullable<IdentityRequest["dsql"]>): Promise<Sql>;
    docdb(req: NonNullable<IdentityRequest["docdb"]>): Promise<Docdb>;
    search(req: NonNullable<IdentityRequest["search"]>): Promise<SearchHttp>;
    /** The `password` of a `{username, password}` secret. */
    password(secretArn: string): Promise<string>;
}

export type StoreReport =
    | { readonly status: "converged"; readonly changes: string[] }
    | { readonly status: "skipped"; readonly reason: string }
    | { readonly status: "failed"; readonly error: string };

/** Statuses in which a DSQL cluster takes connections. */
export const DSQL_READY = ["ACTIVE", "IDLE"] as const;

export interface Report {
    readonly region: string;
    readonly stores: Record<string, StoreReport>;
}

async function postgresState(sql: Sql, engine: "aurora" | "dsql"): Promise<PostgresState> {
    const col = (rows: Record<string, unknown>[], k: string) => new Set(rows.map((r) => String(r[k])));
    const roles = col(await sql.query(POSTGRES_STATE_QUERIES.roles), "rolname");
    const schemas = col(await sql.query(POSTGRES_STATE_QUERIES.schemas), "nspname");
    if (engine === "dsql") {
        return { roles, schemas, iamMappings: new Set((await sql.query(POSTGRES_STATE_QUERIES.iamMappings)).map((r) => `${String(r.pg_role_name)} ${String(r.arn)}`)) };
    }
    const memberOf = new Map<string, Set<string>>();
    for (const r of await sql.query(POSTGRES_STATE_QUERIES.memberOf)) {
        const set = memberOf.get(String(r.role)) ?? new Set<string>();
        set.add(String(r.member_of));
        memberOf.set(String(r.role), set);
    }
    const ownSchemaGranted = col(await sql.query(POSTGRES_STATE_QUERIES.ownSchemaGranted), "role");
    const searchPaths = new Map((await sql.query(POSTGRES_STATE_QUERIES.searchPaths)).map((r) => [String(r.role), String(r.search_path).replace(/"/g, "")]));
    return { roles, schemas, memberOf, ownSchemaGranted, searchPaths };
}

async function applySql(sql: Sql, statements: readonly string[]): Promise<string[]> {
    for (const s of statements) await sql.query(s);
    return [...statements];
}

async function withSession<S extends { close(): Promise<void> }, R>(open: Promise<S>, use: (s: S) => Promise<R>): Promise<R> {
    const session = await open;
    try {
        return await use(session);
    } finally {
        await session.close();
    }
}

/** What a DocumentDB command does, for the report (never the password). */
export function describeCommand(c: DocdbCommand): string {
    const roles = (r: { role: string; db: string }[]) => r.map((x) => `${x.role}@${x.db}`).join(", ");
    if ("createUser" in c) return `createUser ${c.createUser} (${roles(c.roles)}; password from its secret)`;
    if ("grantRolesToUser" in c) return `grantRolesToUser ${c.grantRolesToUser} (${roles(c.roles)})`;
    return `revokeRolesFromUser ${c.revokeRolesFromUser} (${roles(c.roles)})`;
}

/** Thrown when a store failed: the report is in the message and on the error. */
export class IdentitiesError extends Error {
    constructor(readonly report: Report) {
        const failed = Object.entries(report.stores).flatMap(([store, r]) => (r.status === "failed" ? [`${store}: ${r.error}`] : []));
        super(`identities in ${report.region}: ${failed.join("; ")}`);
        this.name = "IdentitiesError";
    }
}

const reader = (region: string) => `the ${region} cluster is not the global writer; the writer region's run creates the users, which replicate here`;

async function auroraStore(a: NonNullable<IdentityRequest["aurora"]>, region: string, io: Connectors): Promise<StoreReport> {
    if (!(await io.isGlobalWriter("aurora", a.globalClusterId, a.clusterArn))) return { status: "skipped", reason: reader(region) };
    return withSession(io.aurora(a), async (sql) => {
        const [row] = await sql.query(POSTGRES_STATE_QUERIES.inRecovery);
        // A switchover in progress: the member was the writer a moment ago.
        if (row?.in_recovery === true) return { status: "skipped" as const, reason: reader(region) };
        return { status: "converged" as const, changes: await applySql(sql, auroraStatements(a.identities, await postgresState(sql, "aurora"))) };
    });
}

async function dsqlStore(d: NonNullable<IdentityRequest["dsql"]>, io: Connectors): Promise<StoreReport> {
    const status = await io.dsqlStatus(d);
    if (!(DSQL_READY as readonly string[]).includes(status)) {
        return { status: "skipped", reason: `the ${d.region} DSQL cluster ${d.clusterId} is ${status}; a multi-region cluster waits in PENDING_SETUP until it is peered, and the peering region's run maps this region's roles` };
    }
    return withSession(io.dsql(d), async (sql) => ({ status: "converged" as const, changes: await applySql(sql, dsqlStatements(d.identities, await postgresState(sql, "dsql"))) }));
}

async function docdbStore(d: NonNullable<IdentityRequest["docdb"]>, region: string, io: Connectors): Promise<StoreReport> {
    if (!(await io.isGlobalWriter("docdb", d.globalClusterId, d.clusterArn))) return { status: "skipped", reason: reader(region) };
    return withSession(io.docdb(d), async (db) => {
        if (!(await db.isWritablePrimary())) return { status: "skipped" as const, reason: reader(region) };
        const commands = docdbCommands(d.identities, await db.usersInfo(d.identities.map((i) => i.user)));
        for (const c of commands) {
            if ("createUser" in c) await db.run({ createUser: c.createUser, pwd: await io.password(c.pwdFrom), roles: c.roles });
            else if ("grantRolesToUser" in c) await db.run({ grantRolesToUser: c.grantRolesToUser, roles: c.roles });
            else await db.run({ revokeRolesFromUser: c.revokeRolesFromUser, roles: c.roles });
        }
        return { status: "converged" as const, changes: commands.map(describeCommand) };
    });
}

async function searchStore(s: NonNullable<IdentityRequest["search"]>, io: Connectors): Promise<StoreReport> {
    const http = await io.search(s);
    const changes: string[] = [];
    for (const r of searchRequests(s.identities)) {
        const res = await http.put(r.path, r.body);
        if (res.status < 200 || res.status >= 300) {
            throw new Error(`OpenSearch ${r.method} ${r.path} answered ${res.status}: ${res.body.slice(0, 300)} (is the bootstrap role allowed to assume the domain's master role?)`);
        }
        changes.push(`${r.method} ${r.path}`);
    }
    return { status: "converged", changes };
}

export async function converge(req: IdentityRequest, io: Connectors): Promise<Report> {
    const stores: Record<string, StoreReport> = {};
    const attempt = async (store: string, run: () => Promise<StoreReport>) => {
        try {
            stores[store] = await run();
        } catch (e) {
            stores[store] = { status: "failed", error: e instanceof Error ? e.message : String(e) };
        }
    };
    if (req.aurora) await attempt("aurora", () => auroraStore(req.aurora!, req.region, io));
    if (req.dsql) await attempt("dsql", () => dsqlStore(req.dsql!, io));
    if (req.docdb) await attempt("docdb", () => docdbStore(req.docdb!, req.region, io));
    if (req.search) await attempt("search", () => searchStore(req.search!, io));
    const report = { region: req.region, stores };
    if (Object.values(stores).some((r) => r.status === "failed")) throw new IdentitiesError(report);
    return report;
}
