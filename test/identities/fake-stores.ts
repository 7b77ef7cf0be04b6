/**
 * In-memory stand-ins for the stores the identities bootstrap opens, holding just what the
 * bootstrap reads and writes, and recording every statement, command and request it receives.
 * They interpret the exact statements the planner emits (and refuse any other), so a statement the
 * real store would not understand fails here too.
 */
import { Connectors, Docdb, SearchHttp, Sql } from "../../lambdas/identities/core";
import { DocdbUser, POSTGRES_STATE_QUERIES } from "../../components/identities/plan";

const ident = String.raw`"((?:[^"]|"")+)"`;
const unquote = (s: string) => s.replace(/""/g, '"');

export class FakePostgres {
    readonly roles = new Set<string>(["postgres", "rdsadmin", "rds_iam", "mall_admin", "admin"]);
    readonly schemas = new Set<string>(["public", "pg_catalog", "information_schema"]);
    readonly members = new Map<string, Set<string>>();
    readonly grants: string[] = [];
    readonly mappings = new Set<string>();
    readonly searchPath = new Map<string, string>();
    readonly passwords = new Map<string, string>();
    readonly log: string[] = [];
    constructor(readonly inRecovery = false) {}

    session(): Sql {
        return { query: async (text) => this.run(text), close: async () => undefined };
    }

    private run(text: string): Record<string, unknown>[] {
        this.log.push(text);
        if (text === POSTGRES_STATE_QUERIES.roles) return [...this.roles].map((rolname) => ({ rolname }));
        if (text === POSTGRES_STATE_QUERIES.schemas) return [...this.schemas].map((nspname) => ({ nspname }));
        if (text === POSTGRES_STATE_QUERIES.inRecovery) return [{ in_recovery: this.inRecovery }];
        if (text === POSTGRES_STATE_QUERIES.memberOf) return [...this.members].flatMap(([role, of]) => [...of].map((member_of) => ({ role, member_of })));
        if (text === POSTGRES_STATE_QUERIES.iamMappings) return [...this.mappings].map((m) => ({ pg_role_name: m.split(" ")[0], arn: m.split(" ")[1] }));
        if (text === POSTGRES_STATE_QUERIES.ownSchemaGranted) return this.grants.filter((g) => g.split(" on ")[0] === g.split(" on ")[1]).map((g) => ({ role: g.split(" on ")[0] }));
        // As pg_db_role_setting keeps it: quoted only when the name needs it.
        if (text === POSTGRES_STATE_QUERIES.searchPaths) return [...this.searchPath].map(([role, schema]) => ({ role, search_path: `search_path=${/^[a-z_][a-z0-9_]*$/.test(schema) && schema !== "order" ? schema : `"${schema}"`}` }));
        if (this.inRecovery) throw new Error("cannot execute in a read-only transaction");
        let m: RegExpExecArray | null;
        if ((m = new RegExp(`^CREATE ROLE ${ident} WITH LOGIN$`).exec(text))) {
            const r = unquote(m[1]);
            if (this.roles.has(r)) throw new Error(`role "${r}" already exists`);
            this.roles.add(r);
        } else if ((m = new RegExp(`^GRANT rds_iam TO ${ident}$`).exec(text))) {
            this.members.set(unquote(m[1]), new Set([...(this.members.get(unquote(m[1])) ?? []), "rds_iam"]));
        } else if ((m = new RegExp(`^CREATE SCHEMA ${ident}$`).exec(text))) {
            const s = unquote(m[1]);
            if (this.schemas.has(s)) throw new Error(`schema "${s}" already exists`);
            this.schemas.add(s);
        } else if ((m = new RegExp(`^GRANT USAGE, CREATE ON SCHEMA ${ident} TO ${ident}$`).exec(text))) {
            if (!this.schemas.has(unquote(m[1])) || !this.roles.has(unquote(m[2]))) throw new Error(`no schema or role in ${text}`);
            this.grants.push(`${unquote(m[2])} on ${unquote(m[1])}`);
        } else if ((m = new RegExp(`^ALTER ROLE ${ident} SET search_path = ${ident}$`).exec(text))) {
            this.searchPath.set(unquote(m[1]), unquote(m[2]));
        } else if ((m = new RegExp(`^AWS IAM GRANT ${ident} TO '([^']+)'$`).exec(text))) {
            this.mappings.add(`${unquote(m[1])} ${m[2]}`);
        } else {
            throw new Error(`the fake store does not understand: ${text}`);
        }
        return [];
    }
}

export class FakeDocdb {
    readonly users = new Map<string, { pwd: string; roles: { role: string; db: string }[] }>();
    readonly commands: Record<string, unknown>[] = [];
    constructor(readonly primary = true) {}

    session(): Docdb {
        return {
            isWritablePrimary: async () => this.primary,
            usersInfo: async (names) =>
                names.filter((n) => this.users.has(n)).map((user): DocdbUser => ({ user, roles: this.users.get(user)!.roles })),
            run: async (c) => {
                this.commands.push(c);
                if (!this.primary) throw new Error("not primary");
                if (typeof c.createUser === "string") {
                    if (this.users.has(c.createUser)) throw new Error(`User ${c.createUser}@admin already exists`);
                    this.users.set(c.createUser, { pwd: String(c.pwd), roles: c.roles as { role: string; db: string }[] });
                } else if (typeof c.grantRolesToUser === "string") {
                    const u = this.users.get(c.grantRolesToUser)!;
                    u.roles = [...u.roles, ...(c.roles as { role: string; db: string }[])];
                } else if (typeof c.revokeRolesFromUser === "string") {
                    const u = this.users.get(c.revokeRolesFromUser)!;
                    const drop = c.roles as { role: string; db: string }[];
                    u.roles = u.roles.filter((r) => !drop.some((d) => d.role === r.role && d.db === r.db));
                } else {
                    throw new Error(`the fake store does not understand: ${JSON.stringify(c)}`);
                }
            },
            close: async () => undefined,
        };
    }
}

export class FakeSearch {
    readonly documents = new Map<string, Record<string, unknown>>();
    session(): SearchHttp {
        return {
            put: async (path, body) => {
                this.documents.set(path, body);
                return { status: 200, body: '{"status":"OK"}' };
            },
        };
    }
}

export function fakeConnectors(
    stores: { aurora: FakePostgres; dsql: FakePostgres; docdb: FakeDocdb; search: FakeSearch },
    passwords: Record<string, string>,
    world: { writer?: boolean; dsqlStatus?: string } = {},
): Connectors {
    return {
        isGlobalWriter: async () => world.writer ?? true,
        dsqlStatus: async () => world.dsqlStatus ?? "ACTIVE",
        aurora: async () => stores.aurora.session(),
        dsql: async () => stores.dsql.session(),
        docdb: async () => stores.docdb.session(),
        search: async () => stores.search.session(),
        password: async (arn) => {
            const p = passwords[arn];
            if (!p) throw new Error(`no secret ${arn}`);
            return p;
        },
    };
}
