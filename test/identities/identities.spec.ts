import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { SERVICES } from "../../components/catalogue";
import { StoreIdentities } from "../../components/identities/identities";
import {
    IdentityInputs,
    IdentityRequest,
    IdentityTargets,
    SEARCH_CLUSTER_ACTIONS,
    SEARCH_INDEX_ACTIONS,
    auroraStatements,
    docdbCommands,
    dsqlStatements,
    firstRunChanges,
    identityEventProblems,
    identityRequest,
    planIdentities,
    quoteIdent,
    searchRequests,
} from "../../components/identities/plan";
import { converge } from "../../lambdas/identities/core";
import { FakeDocdb, FakePostgres, FakeSearch, fakeConnectors } from "./fake-stores";
import { planComponent, testContext } from "../harness";
import { PlanMocks } from "../../tools/plan/mocks";

const ACCOUNT = "123456789012";
const roleArn = (svc: string, region = "us-east-1") => `arn:aws:iam::${ACCOUNT}:role/mall-${region}-svc-${svc}`;
const secretArn = (svc: string) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:mall/us-east-1/docdb-${svc}-AbCdEf`;
const inputs = {
    serviceRoleArns: Object.fromEntries(SERVICES.map((s) => [s.name, roleArn(s.name)])),
    docdbSecretArns: Object.fromEntries(SERVICES.filter((s) => s.stores.includes("docdb")).map((s) => [s.name, secretArn(s.name)])),
};
const ids = planIdentities(inputs);

function request(): IdentityRequest {
    return {
        region: "us-east-1",
        aurora: {
            host: "mall-us-east-1-aurora.cluster-abc.us-east-1.rds.amazonaws.com",
            port: 5432,
            database: "mall",
            masterSecretArn: "arn:…:aurora-master",
            globalClusterId: "mall-aurora",
            clusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:mall-us-east-1-aurora`,
            identities: ids.aurora,
        },
        dsql: { host: "abc.dsql.us-east-1.on.aws", region: "us-east-1", clusterId: "abc", identities: ids.dsql },
        docdb: {
            host: "mall-us-east-1-docdb.cluster-abc.us-east-1.docdb.amazonaws.com",
            port: 27017,
            masterSecretArn: "arn:…:docdb-master",
            globalClusterId: "mall-docdb",
            clusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:mall-us-east-1-docdb`,
            identities: ids.docdb,
        },
        search: { endpoint: "vpc-mall-us-east-1-search-abc.us-east-1.es.amazonaws.com", adminRoleArn: `arn:aws:iam::${ACCOUNT}:role/mall-us-east-1-search-admin`, identities: ids.search },
    };
}
const passwords = Object.fromEntries(Object.values(inputs.docdbSecretArns).map((arn, i) => [arn, `pw-${i}`]));

describe("identities inside the stores: what each service gets", () => {
    it("gives every catalogue service of a store exactly one identity there, named after it", () => {
        const of = (store: string) => SERVICES.filter((s) => (s.stores as readonly string[]).includes(store)).map((s) => s.name);
        assert.deepStrictEqual(ids.aurora.map((i) => [i.service, i.role, i.schema]), of("aurora").map((s) => [s, s.replace(/-/g, "_"), s.replace(/-/g, "_")]));
        assert.deepStrictEqual(ids.dsql.map((i) => [i.service, i.iamRoleArns]), [["order", [roleArn("order")]], ["payment", [roleArn("payment")]], ["inventory", [roleArn("inventory")]]]);
        assert.deepStrictEqual(ids.docdb.map((i) => [i.user, i.database, i.secretArn]), of("docdb").map((s) => [s.replace(/-/g, "_"), s.replace(/-/g, "_"), secretArn(s)]));
        assert.deepStrictEqual(ids.search.map((i) => [i.role, i.indexPattern, i.backendRoles]), of("search").map((s) => [s, `${s}-*`, [roleArn(s)]]));
    });

    it("the function trusts no name from its event: it takes only this stack's roles and secrets of the very service they are for", () => {
        const trust = { account: ACCOUNT, prefix: "mall" };
        assert.deepStrictEqual(identityEventProblems(inputs, trust), []);
        const bad = {
            serviceRoleArns: {
                ...inputs.serviceRoleArns,
                payment: `arn:aws:iam::${ACCOUNT}:role/attacker`,
                order: roleArn("payment"),
                search: `arn:aws:iam::${ACCOUNT}:role/mall-staging-us-east-1-svc-search`,
                cart: `arn:aws:iam::999999999999:role/mall-us-east-1-svc-cart`,
                mall_admin: roleArn("mall_admin"),
            },
            peerDsqlRoleArns: { review: roleArn("review", "us-west-2") },
            docdbSecretArns: { ...inputs.docdbSecretArns, review: secretArn("wishlist") },
        };
        assert.deepStrictEqual(identityEventProblems(bad, trust), [
            `serviceRoleArns.search: arn:aws:iam::${ACCOUNT}:role/mall-staging-us-east-1-svc-search is not search's own`,
            `serviceRoleArns.cart: arn:aws:iam::999999999999:role/mall-us-east-1-svc-cart is not cart's own`,
            `serviceRoleArns.order: ${roleArn("payment")} is not order's own`,
            `serviceRoleArns.payment: arn:aws:iam::${ACCOUNT}:role/attacker is not payment's own`,
            'serviceRoleArns: "mall_admin" is not a service that needs one',
            'peerDsqlRoleArns: "review" is not a service that needs one',
            `docdbSecretArns.review: ${secretArn("wishlist")} is not review's own`,
        ]);
        const targets = { region: "us-east-1", aurora: { ...request().aurora!, identities: undefined }, dsql: request().dsql!, docdb: request().docdb!, search: request().search! } as unknown as IdentityTargets;
        assert.throws(() => identityRequest(targets, bad, trust), /^Error: refused the event \(7 problems\): serviceRoleArns\.search/);
        // Names, schemas and databases come from the compiled catalogue; hosts from the targets.
        const req = identityRequest(targets, inputs, trust);
        assert.deepStrictEqual([req.aurora!.host, req.aurora!.identities, req.search!.identities], [request().aurora!.host, ids.aurora, ids.search]);
        // No catalogue name collides with a store's built-in users.
        for (const id of [...ids.aurora, ...ids.dsql, ...ids.docdb]) assert.doesNotMatch("role" in id ? id.role : id.user, /^(mall_admin|admin|postgres|public|rds_.*|pg_.*|sys.*)$/);
    });

    it("refuses a service without its IRSA role or its DocumentDB secret, naming both", () => {
        assert.throws(() => planIdentities({ ...inputs, serviceRoleArns: {} }), /no IRSA role for order \(EksCluster serviceRoleArns\)/);
        assert.throws(() => planIdentities({ ...inputs, docdbSecretArns: {} }), /no DocumentDB secret for product-catalog/);
    });
});

describe("identities inside the stores: the statements (pure)", () => {
    const empty = { roles: new Set<string>(), schemas: new Set<string>(), memberOf: new Map(), iamMappings: new Set<string>() };

    it("Aurora: a passwordless LOGIN role in rds_iam with its own schema, and nothing on any other", () => {
        assert.deepStrictEqual(auroraStatements(ids.aurora.slice(0, 1), empty), [
            'CREATE ROLE "user_account" WITH LOGIN',
            'GRANT rds_iam TO "user_account"',
            'CREATE SCHEMA "user_account"',
            'GRANT USAGE, CREATE ON SCHEMA "user_account" TO "user_account"',
            'ALTER ROLE "user_account" SET search_path = "user_account"',
        ]);
        for (const id of ids.aurora) {
            for (const s of auroraStatements([id], empty)) {
                assert.doesNotMatch(s, /PASSWORD|SUPERUSER|CREATEROLE|CREATEDB|BYPASSRLS|ALL PRIVILEGES|\bDROP\b|\bpublic\b/i, s);
                const schemas = [...s.matchAll(/SCHEMA "([^"]+)"/g)].map((m) => m[1]);
                assert.ok(schemas.every((x) => x === id.schema), `${s} touches another schema`);
            }
        }
    });

    it("DSQL: a LOGIN role mapped to the service's IAM role, USAGE and CREATE on its own schema only", () => {
        assert.deepStrictEqual(dsqlStatements(ids.dsql.slice(0, 1), empty), [
            'CREATE ROLE "order" WITH LOGIN',
            `AWS IAM GRANT "order" TO '${roleArn("order")}'`,
            'CREATE SCHEMA "order"',
            'GRANT USAGE, CREATE ON SCHEMA "order" TO "order"',
        ]);
        for (const s of dsqlStatements(ids.dsql, empty)) assert.doesNotMatch(s, /PASSWORD|\bDO\b|\$\$|BEGIN/, s);
    });

    it("an existing role keeps everything it has: no CREATE, no password, only what is missing", () => {
        const has = { roles: new Set(["order"]), schemas: new Set(["order"]), memberOf: new Map(), iamMappings: new Set([`order ${roleArn("order")}`]) };
        assert.deepStrictEqual(dsqlStatements(ids.dsql.slice(0, 1), has), []);
        // A second region's role is mapped onto the existing role.
        const twoRegions = [{ ...ids.dsql[0], iamRoleArns: [roleArn("order"), roleArn("order", "us-west-2")] }];
        assert.deepStrictEqual(dsqlStatements(twoRegions, has), [`AWS IAM GRANT "order" TO '${roleArn("order", "us-west-2")}'`]);
        const aurora = { roles: new Set(["user_account"]), schemas: new Set(["user_account"]), memberOf: new Map(), ownSchemaGranted: new Set(["user_account"]), searchPaths: new Map([["user_account", "search_path=user_account"]]) };
        assert.deepStrictEqual(auroraStatements(ids.aurora.slice(0, 1), aurora), ['GRANT rds_iam TO "user_account"']);
    });

    it("quotes identifiers and literals so a reserved word or a quote cannot break out", () => {
        assert.strictEqual(quoteIdent('a"b'), '"a""b"');
        assert.deepStrictEqual(dsqlStatements([{ service: "x", role: "x", schema: "x", iamRoleArns: ["arn:aws:iam::1:role/o'brien"] }], empty)[1], `AWS IAM GRANT "x" TO 'arn:aws:iam::1:role/o''brien'`);
    });

    it("DocumentDB: creates a missing user from its secret; an existing one is never updated, only converged to readWrite on its own database", () => {
        const [first] = ids.docdb;
        assert.deepStrictEqual(docdbCommands([first], []), [{ createUser: first.user, pwdFrom: first.secretArn, roles: [{ role: "readWrite", db: first.database }] }]);
        assert.deepStrictEqual(docdbCommands([first], [{ user: first.user, roles: [{ role: "readWrite", db: first.database }] }]), []);
        assert.deepStrictEqual(docdbCommands([first], [{ user: first.user, roles: [{ role: "root", db: "admin" }] }]), [
            { grantRolesToUser: first.user, roles: [{ role: "readWrite", db: first.database }] },
            { revokeRolesFromUser: first.user, roles: [{ role: "root", db: "admin" }] },
        ]);
        // No command of any state sets a password on an existing user.
        const states = [[], [{ user: first.user, roles: [] }], [{ user: first.user, roles: [{ role: "read", db: "other" }] }]];
        for (const existing of states) {
            for (const c of docdbCommands(ids.docdb, existing)) {
                assert.ok(!("updateUser" in c) && !("pwd" in c), JSON.stringify(c));
                if ("createUser" in c) assert.ok(!existing.some((u) => u.user === c.createUser), `${c.createUser} exists`);
            }
        }
    });

    it("OpenSearch: a role per search service over its own indices, mapped to its IRSA role", () => {
        const reqs = searchRequests(ids.search);
        assert.deepStrictEqual(reqs.map((r) => r.path), ids.search.flatMap((i) => [`/_plugins/_security/api/roles/${i.role}`, `/_plugins/_security/api/rolesmapping/${i.role}`]));
        const role = reqs[0].body as { index_permissions: { index_patterns: string[]; allowed_actions: string[] }[] };
        assert.deepStrictEqual(role.index_permissions, [{ index_patterns: ["search-*"], allowed_actions: [...SEARCH_INDEX_ACTIONS] }]);
        // Not an index's lifecycle (manage), not every index's mappings or others' queries (cluster_monitor).
        assert.ok(!([...SEARCH_INDEX_ACTIONS, ...SEARCH_CLUSTER_ACTIONS] as string[]).some((a) => ["manage", "cluster_monitor", "*", "indices:*"].includes(a)));
        // No service's pattern covers another's indices (a service `search-x` would fall under `search-*`).
        const names = SERVICES.map((x) => x.name);
        for (const i of ids.search) assert.deepStrictEqual(names.filter((n) => n !== i.service && `${n}-`.startsWith(i.indexPattern.slice(0, -1))), [], i.indexPattern);
        assert.deepStrictEqual(reqs[1].body, { description: "IRSA role of search", backend_roles: [roleArn("search")], hosts: [], users: [] });
        for (const r of reqs) assert.ok(!JSON.stringify(r.body).includes('"*"') && !JSON.stringify(r.body).includes("all_access"), r.path);
    });
});

describe("identities inside the stores: the bootstrap function over the stores", () => {
    it("creates every identity on a first run, and a second run changes nothing", async () => {
        const stores = { aurora: new FakePostgres(), dsql: new FakePostgres(), docdb: new FakeDocdb(), search: new FakeSearch() };
        const first = await converge(request(), fakeConnectors(stores, passwords));
        assert.deepStrictEqual(first.stores.aurora, { status: "converged", changes: firstRunChanges(ids).aurora });
        assert.deepStrictEqual([...stores.aurora.members].map(([r, of]) => [r, [...of]]), ids.aurora.map((i) => [i.role, ["rds_iam"]]));
        assert.deepStrictEqual([...stores.dsql.mappings], ids.dsql.map((i) => `${i.role} ${i.iamRoleArns![0]}`));
        assert.deepStrictEqual([...stores.docdb.users.keys()], ids.docdb.map((i) => i.user));
        assert.deepStrictEqual(stores.docdb.users.get("product_catalog"), { pwd: passwords[secretArn("product-catalog")], roles: [{ role: "readWrite", db: "product_catalog" }] });
        assert.strictEqual(stores.search.documents.size, ids.search.length * 2);
        // The report names what changed and never a password.
        assert.ok(!Object.values(passwords).some((p) => JSON.stringify(first).includes(p)));

        const second = await converge(request(), fakeConnectors(stores, passwords));
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(second.stores).map(([k, v]) => [k, v.status === "converged" ? v.changes.filter((c) => !c.startsWith("PUT")) : v])),
            { aurora: [], dsql: [], docdb: [], search: [] },
        );
    });

    it("never resets a password that exists: a user whose secret changed keeps the password it has", async () => {
        const stores = { aurora: new FakePostgres(), dsql: new FakePostgres(), docdb: new FakeDocdb(), search: new FakeSearch() };
        stores.docdb.users.set("review", { pwd: "rotated-by-secrets-manager", roles: [{ role: "readWrite", db: "review" }] });
        await converge(request(), fakeConnectors(stores, passwords));
        assert.strictEqual(stores.docdb.users.get("review")!.pwd, "rotated-by-secrets-manager");
        assert.ok(!stores.docdb.commands.some((c) => "updateUser" in c || (c.createUser === "review")));
    });

    it("where the global cluster names another writer, skips Aurora and DocumentDB without connecting, and still maps DSQL and OpenSearch", async () => {
        const stores = { aurora: new FakePostgres(true), dsql: new FakePostgres(), docdb: new FakeDocdb(false), search: new FakeSearch() };
        const report = await converge({ ...request(), region: "us-west-2" }, fakeConnectors(stores, passwords, { writer: false }));
        assert.deepStrictEqual([report.stores.aurora.status, report.stores.docdb.status, report.stores.dsql.status, report.stores.search.status], ["skipped", "skipped", "converged", "converged"]);
        assert.match((report.stores.aurora as { reason: string }).reason, /us-west-2 cluster is not the global writer/);
        assert.deepStrictEqual([stores.aurora.log, stores.docdb.commands], [[], []]);
    });

    it("a member the global cluster still names writer but that is already in recovery (a switchover in flight) is skipped too", async () => {
        const stores = { aurora: new FakePostgres(true), dsql: new FakePostgres(), docdb: new FakeDocdb(false), search: new FakeSearch() };
        const report = await converge(request(), fakeConnectors(stores, passwords));
        assert.deepStrictEqual([report.stores.aurora.status, report.stores.docdb.status], ["skipped", "skipped"]);
        assert.deepStrictEqual(stores.aurora.log, ["SELECT pg_catalog.pg_is_in_recovery() AS in_recovery"]);
    });

    it("leaves a DSQL cluster that is not ACTIVE alone (PENDING_SETUP until peered): the peering region's run maps both regions' roles", async () => {
        const stores = { aurora: new FakePostgres(), dsql: new FakePostgres(), docdb: new FakeDocdb(), search: new FakeSearch() };
        const report = await converge(request(), fakeConnectors(stores, passwords, { dsqlStatus: "PENDING_SETUP" }));
        assert.deepStrictEqual(report.stores.dsql, {
            status: "skipped",
            reason: "the us-east-1 DSQL cluster abc is PENDING_SETUP; a multi-region cluster waits in PENDING_SETUP until it is peered, and the peering region's run maps this region's roles",
        });
        assert.deepStrictEqual(stores.dsql.log, []);
        const peered = planIdentities({ ...inputs, serviceRoleArns: Object.fromEntries(SERVICES.map((s) => [s.name, roleArn(s.name, "us-west-2")])), peerDsqlRoleArns: { order: roleArn("order") } });
        assert.deepStrictEqual(peered.dsql.map((i) => i.iamRoleArns), [[roleArn("order", "us-west-2"), roleArn("order")], [roleArn("payment", "us-west-2")], [roleArn("inventory", "us-west-2")]]);
    });

    it("tries every store, then fails the run naming each store that failed and why", async () => {
        const stores = { aurora: new FakePostgres(), dsql: new FakePostgres(), docdb: new FakeDocdb(), search: new FakeSearch() };
        const io = { ...fakeConnectors(stores, passwords), dsql: async () => Promise.reject(new Error("connect ETIMEDOUT 3.5.1.2:5432")) };
        await assert.rejects(converge(request(), io), (e: Error & { report?: { stores: Record<string, { status: string }> } }) => {
            assert.strictEqual(e.message, "identities in us-east-1: dsql: connect ETIMEDOUT 3.5.1.2:5432");
            assert.deepStrictEqual(Object.fromEntries(Object.entries(e.report!.stores).map(([k, v]) => [k, v.status])), { aurora: "converged", dsql: "failed", docdb: "converged", search: "converged" });
            return true;
        });
        assert.strictEqual(stores.docdb.users.size, ids.docdb.length);
    });

    it("Aurora converges a run cut short: a role that exists without its grant or search path gets them", async () => {
        const stores = { aurora: new FakePostgres(), dsql: new FakePostgres(), docdb: new FakeDocdb(), search: new FakeSearch() };
        stores.aurora.roles.add("user_account");
        const report = await converge(request(), fakeConnectors(stores, passwords));
        assert.deepStrictEqual((report.stores.aurora as { changes: string[] }).changes.slice(0, 4), [
            'GRANT rds_iam TO "user_account"',
            'CREATE SCHEMA "user_account"',
            'GRANT USAGE, CREATE ON SCHEMA "user_account" TO "user_account"',
            'ALTER ROLE "user_account" SET search_path = "user_account"',
        ]);
    });

    it("fails the deploy, naming the path and the likely cause, when OpenSearch refuses a request", async () => {
        const stores = { aurora: new FakePostgres(), dsql: new FakePostgres(), docdb: new FakeDocdb(), search: new FakeSearch() };
        const io = { ...fakeConnectors(stores, passwords), search: async () => ({ put: async () => ({ status: 403, body: '{"status":"FORBIDDEN"}' }) }) };
        await assert.rejects(converge(request(), io), /search: OpenSearch PUT \/_plugins\/_security\/api\/roles\/search answered 403: \{"status":"FORBIDDEN"\} \(is the bootstrap role allowed to assume the domain's master role\?\)/);
    });
});

describe("StoreIdentities", () => {
    const sg = (s: string) => `sg-0${s}00000000000000`;
    const plan = () =>
        planComponent(() =>
            new StoreIdentities("identities", {
                // Stands in for what GlobalData reports connectable (instances, peering, domain).
                storesReady: [new aws.rds.ClusterInstance("data-aurora-writer", { clusterIdentifier: "mall-us-east-1-aurora", instanceClass: "db.r6g.large", engine: "aurora-postgresql" })],
                context: testContext(),
                network: { vpcId: "vpc-0123456789abcdef0", vpcCidr: "10.0.0.0/16", privateSubnetIds: ["subnet-0a", "subnet-0b", "subnet-0c"] },
                storeSecurityGroupIds: { aurora: sg("a"), docdb: sg("d"), search: sg("s") },
                aurora: {
                    host: "mall-us-east-1-aurora.cluster-abc.us-east-1.rds.amazonaws.com",
                    database: "mall",
                    masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/us-east-1/aurora-master-AbCdEf",
                    globalClusterId: "mall-aurora",
                    clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:mall-us-east-1-aurora",
                },
                dsql: { host: "abc.dsql.us-east-1.on.aws", region: "us-east-1", clusterArn: "arn:aws:dsql:us-east-1:123456789012:cluster/abc", clusterId: "abc" },
                docdb: {
                    host: "mall-us-east-1-docdb.cluster-abc.us-east-1.docdb.amazonaws.com",
                    masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/us-east-1/docdb-master-AbCdEf",
                    globalClusterId: "mall-docdb",
                    clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:mall-us-east-1-docdb",
                },
                search: { endpoint: "vpc-mall-us-east-1-search-abc.us-east-1.es.amazonaws.com", adminRoleArn: "arn:aws:iam::123456789012:role/mall-us-east-1-search-admin" },
                serviceRoleArns: inputs.serviceRoleArns,
                docdbSecretArns: inputs.docdbSecretArns,
                secretsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/secrets",
            }),
        );

    it("runs the function in the private subnets behind its own group, which the three stores admit on their ports only", async () => {
        const r = await plan();
        const fn = r.one("aws:lambda/function:Function", "identities-function");
        assert.deepStrictEqual([fn.inputs.name, fn.inputs.runtime, fn.inputs.handler, fn.inputs.timeout], ["mall-us-east-1-identities", "nodejs22.x", "index.handler", 300]);
        assert.deepStrictEqual((fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds, ["subnet-0a", "subnet-0b", "subnet-0c"]);
        const group = r.one("aws:ec2/securityGroup:SecurityGroup", "identities-sg");
        assert.deepStrictEqual((group.inputs.egress as { fromPort: number; cidrBlocks: string[] }[]).map((e) => [e.fromPort, e.cidrBlocks]), [[443, ["0.0.0.0/0"]], [5432, ["0.0.0.0/0"]], [27017, ["10.0.0.0/16"]]]);
        assert.strictEqual(group.inputs.ingress, undefined);
        assert.deepStrictEqual(
            r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((x) => [x.name, x.inputs.securityGroupId, x.inputs.fromPort, x.inputs.toPort]),
            [["identities-into-aurora", sg("a"), 5432, 5432], ["identities-into-docdb", sg("d"), 27017, 27017], ["identities-into-search", sg("s"), 443, 443]],
        );
    });

    it("may read only the master and service secrets, connect to DSQL as admin, and assume the search master role", async () => {
        const r = await plan();
        const policy = JSON.parse(String(r.one("aws:iam/rolePolicy:RolePolicy", "identities-policy").inputs.policy));
        const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
        assert.deepStrictEqual(Object.keys(bySid), ["Logs", "VpcNetworkInterfaces", "ReadCredentials", "DecryptCredentials", "GlobalWriter", "DsqlAdmin", "SearchMaster"]);
        assert.deepStrictEqual(bySid.GlobalWriter.Resource, ["arn:aws:rds::123456789012:global-cluster:mall-aurora", "arn:aws:rds::123456789012:global-cluster:mall-docdb"]);
        assert.deepStrictEqual(bySid.DsqlAdmin.Action, ["dsql:DbConnectAdmin", "dsql:GetCluster"]);
        assert.strictEqual(bySid.ReadCredentials.Resource.length, 2 + Object.keys(inputs.docdbSecretArns).length);
        assert.deepStrictEqual([bySid.DsqlAdmin.Resource, bySid.SearchMaster.Resource], ["arn:aws:dsql:us-east-1:123456789012:cluster/abc", "arn:aws:iam::123456789012:role/mall-us-east-1-search-admin"]);
        assert.deepStrictEqual(bySid.DecryptCredentials.Condition, { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
        const trust = JSON.parse(String(r.one("aws:iam/role:Role", "identities-role").inputs.assumeRolePolicy));
        assert.deepStrictEqual(trust.Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
    });

    it("invokes once per change of the request or the code, after the stores admit it, with no secret value in the request", async () => {
        const r = await plan();
        const run = r.one("aws:lambda/invocation:Invocation", "identities-run");
        assert.deepStrictEqual([run.inputs.functionName, run.inputs.lifecycleScope], ["mall-us-east-1-identities", "CREATE_ONLY"]);
        assert.match(String((run.inputs.triggers as Record<string, string>).code), /^[0-9a-f]{64}$/);
        for (const name of ["identities-into-aurora", "identities-into-docdb", "identities-into-search", "identities-function", "data-aurora-writer"]) assert.ok(run.dependencies.some((d) => d.endsWith(`::${name}`)), name);
        // The event names roles and secrets only; where the stores are is the function's environment.
        const event = JSON.parse(String(run.inputs.input)) as IdentityInputs;
        assert.deepStrictEqual(Object.keys(event), ["serviceRoleArns", "peerDsqlRoleArns", "docdbSecretArns"]);
        assert.deepStrictEqual(identityEventProblems(event, { account: ACCOUNT, prefix: "mall" }), []);
        assert.doesNotMatch(String(run.inputs.input), /"(pwd|password|host|endpoint)"/);
        const fn = r.one("aws:lambda/function:Function", "identities-function");
        const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        const targets = JSON.parse(env.IDENTITY_TARGETS) as IdentityTargets;
        assert.deepStrictEqual([env.NAME_PREFIX, targets.aurora.host, targets.dsql.clusterId, targets.search.adminRoleArn], ["mall", "mall-us-east-1-aurora.cluster-abc.us-east-1.rds.amazonaws.com", "abc", "arn:aws:iam::123456789012:role/mall-us-east-1-search-admin"]);
        assert.match(String((run.inputs.triggers as Record<string, string>).targets), /^[0-9a-f]{64}$/);
    });

    it("the offline plan's invocation answers what a first run creates, with the provider's id form (mock)", async () => {
        const r = await plan();
        const input = String(r.one("aws:lambda/invocation:Invocation", "identities-run").inputs.input);
        const m = new PlanMocks({ stack: "us-east-1", region: "us-east-1", stackOutputs: new Map() });
        const run = m.newResource({ type: "aws:lambda/invocation:Invocation", name: "identities-run", inputs: { functionName: "mall-us-east-1-identities", input }, custom: true } as never) as { id: string; state: Record<string, unknown> };
        const report = JSON.parse(String(run.state.result));
        assert.deepStrictEqual(Object.keys(report.stores), ["aurora", "dsql", "docdb", "search"]);
        assert.deepStrictEqual(report.stores.dsql.changes.slice(0, 2), ['CREATE ROLE "order" WITH LOGIN', `AWS IAM GRANT "order" TO '${roleArn("order")}'`]);
        assert.deepStrictEqual(report.stores.aurora, { status: "converged", changes: firstRunChanges(planIdentities(JSON.parse(input))).aurora });
        assert.match(run.id, /^mall-us-east-1-identities_\$LATEST_[0-9a-f]{32}$/);
    });
});
