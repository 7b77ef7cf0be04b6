/**
 * The identities bootstrap's logic, over injected store clients (index.ts wires pg, the MongoDB
 * driver and SigV4-signed HTTPS; the tests wire in-memory stores). For each store of the request:
 * read what the store holds, plan the difference (components/identities/plan.ts), apply it, and
 * report what changed. Aurora and DocumentDB are written only where this region holds the writer
 * (their users replicate with the global database); on a reader the store is reported skipped.
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
    aurora(req: NonNullable<IdentityRequest["aurora"]>): Promise<Sql>;
    dsql(req: NonNullable<IdentityRequest["dsql"]>): Promise<Sql>;
    docdb(req: NonNullable<IdentityRequest["docdb"]>): Promise<Docdb>;
    search(req: NonNullable<IdentityRequest["search"]>): Promise<SearchHttp>;
    /** The `password` of a `{username, password}` secret. */
    password(secretArn: string): Promise<string>;
}

export type StoreReport = { readonly status: "converged"; readonly changes: string[] } | { readonly status: "skipped"; readonly reason: string };

export interface Report {
    readonly region: string;
    readonly stores: Record<string, StoreReport>;
}

async function postgresState(sql: Sql, withMemberships: boolean, withIamMappings: boolean): Promise<PostgresState> {
    const col = (rows: Record<string, unknown>[], k: string) => new Set(rows.map((r) => String(r[k])));
    const roles = col(await sql.query(POSTGRES_STATE_QUERIES.roles), "rolname");
    const schemas = col(await sql.query(POSTGRES_STATE_QUERIES.schemas), "nspname");
    const memberOf = new Map<string, Set<string>>();
    if (withMemberships) {
        for (const r of await sql.query(POSTGRES_STATE_QUERIES.memberOf)) {
            const set = memberOf.get(String(r.role)) ?? new Set<string>();
            set.add(String(r.member_of));
            memberOf.set(String(r.role), set);
        }
    }
    const iamMappings = withIamMappings ? new Set((await sql.query(POSTGRES_STATE_QUERIES.iamMappings)).map((r) => `${String(r.pg_role_name)} ${String(r.arn)}`)) : undefined;
    return { roles, schemas, memberOf, ...(iamMappings ? { iamMappings } : {}) };
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

export async function converge(req: IdentityRequest, io: Connectors): Promise<Report> {
    const stores: Record<string, StoreReport> = {};
    if (req.aurora) {
        const a = req.aurora;
        stores.aurora = await withSession(io.aurora(a), async (sql) => {
            const [row] = await sql.query(POSTGRES_STATE_QUERIES.inRecovery);
            if (row?.in_recovery === true) return { status: "skipped" as const, reason: `the ${req.region} cluster is a reader; the writer region's bootstrap creates the users, which replicate here` };
            return { status: "converged" as const, changes: await applySql(sql, auroraStatements(a.identities, await postgresState(sql, true, false))) };
        });
    }
    if (req.dsql) {
        const d = req.dsql;
        stores.dsql = await withSession(io.dsql(d), async (sql) => ({
            status: "converged" as const,
            changes: await applySql(sql, dsqlStatements(d.identities, await postgresState(sql, false, true))),
        }));
    }
    if (req.docdb) {
        const d = req.docdb;
        stores.docdb = await withSession(io.docdb(d), async (db) => {
            if (!(await db.isWritablePrimary())) return { status: "skipped" as const, reason: `the ${req.region} cluster is a reader; the writer region's bootstrap creates the users, which replicate here` };
            const commands = docdbCommands(d.identities, await db.usersInfo(d.identities.map((i) => i.user)));
            for (const c of commands) {
                if ("createUser" in c) await db.run({ createUser: c.createUser, pwd: await io.password(c.pwdFrom), roles: c.roles });
                else if ("grantRolesToUser" in c) await db.run({ grantRolesToUser: c.grantRolesToUser, roles: c.roles });
                else await db.run({ revokeRolesFromUser: c.revokeRolesFromUser, roles: c.roles });
            }
            return { status: "converged" as const, changes: commands.map(describeCommand) };
        });
    }
    if (req.search) {
        const http = await io.search(req.search);
        const changes: string[] = [];
        for (const r of searchRequests(req.search.identities)) {
            const res = await http.put(r.path, r.body);
            if (res.status < 200 || res.status >= 300) {
                throw new Error(`OpenSearch ${r.method} ${r.path} answered ${res.status}: ${res.body.slice(0, 300)} (is the bootstrap role allowed to assume the domain's master role?)`);
            }
            changes.push(`${r.method} ${r.path}`);
        }
        stores.search = { status: "converged", changes };
    }
    return { region: req.region, stores };
}
