/**
 * Credential rotation (security review S7): Secrets Manager's four-step rotation protocol for the
 * Aurora and DocumentDB credentials, over small interfaces so the tests drive it with fakes.
 *
 * Why a function of our own rather than AWS's Serverless Application Repository templates
 * (SecretsManagerRDSPostgreSQLRotationSingleUser, SecretsManagerMongoDBRotationSingleUser): their
 * IAM role is created by CloudFormation under a generated, truncated name, which the data keys
 * could not name (components/data/key-users.ts, S6), and their connection falls back to plaintext
 * when TLS fails unless the secret says "ssl": true. This one has a fixed role name, verifies TLS
 * against the RDS CA bundle, and reads where each secret's store is from its own configuration,
 * so the secrets keep their { username, password } shape.
 *
 * The protocol (Secrets Manager user guide, "Rotation by Lambda function"):
 * - createSecret: put a new password under AWSPENDING for the token (once);
 * - setSecret: make the store accept it: a master changes its own password, a DocumentDB service
 *   user's is changed by the master (the service users have no changeOwnPassword);
 * - testSecret: log in with the pending credentials;
 * - finishSecret: move AWSCURRENT to the token's version.
 * Every step is idempotent: Secrets Manager retries a failed step, then the whole rotation.
 *
 * Rotation runs in the primary region, where the secrets are (replicas follow), against this
 * region's cluster; it refuses to change a password on a cluster that is not the global writer
 * (after a promotion the primary stack moves with the writer, docs/security.md).
 */

import { createHash, createHmac, pbkdf2Sync, randomBytes } from "crypto";

/** What each rotated secret is (ROTATION_TARGETS, set by components/security/rotation.ts). */
export interface RotationTarget {
    readonly secretArn: string;
    /** The user whose password this secret holds: a secret naming another is refused (it could aim rotation at the master). */
    readonly username: string;
    readonly engine: "aurora-postgresql" | "docdb";
    readonly host: string;
    readonly port: number;
    /** Aurora: the database to connect to. */
    readonly database?: string;
    /** A service user: the master secret whose user changes its password. @default - the secret's own user changes it */
    readonly masterSecretArn?: string;
}

export interface Credentials {
    readonly username: string;
    readonly password: string;
}

export interface RotationEvent {
    readonly SecretId: string;
    readonly ClientRequestToken: string;
    readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
}

/** The Secrets Manager calls the protocol makes. */
export interface Secrets {
    describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: Readonly<Record<string, readonly string[]>> }>;
    /** The value of a version (by id) or a stage; undefined when there is none. */
    value(secretId: string, by: { versionId?: string; stage?: string }): Promise<string | undefined>;
    put(secretId: string, token: string, value: string): Promise<void>;
    moveCurrent(secretId: string, toVersion: string, fromVersion: string): Promise<void>;
    randomPassword(): Promise<string>;
}

/** A session on the store, logged in as `who`. */
export interface Session {
    /** Whether this cluster is the global writer (Aurora: not in recovery; DocumentDB: the writable primary). */
    isWriter(): Promise<boolean>;
    /** Sets `user`'s password (the session's own user, or another as the master). */
    setPassword(user: string, password: string): Promise<void>;
    close(): Promise<void>;
}

export interface Stores {
    /** Logs in; rejects when the credentials are refused. */
    connect(target: RotationTarget, who: Credentials): Promise<Session>;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, the format of
 * pg_authid.rolpassword): ALTER ROLE … PASSWORD '<verifier>' sets the password without the
 * plaintext ever reaching the server, so Aurora's statement log (which keeps DDL) records only
 * the verifier.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
    const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const serverKey = createHmac("sha256", salted).update("Server Key").digest();
    return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** Characters the stores refuse in a password or that quoting would have to survive (DocumentDB: / @ " and space). */
export const EXCLUDED_CHARACTERS = "/@\"'\\ `";

export function parseCredentials(secretId: string, value: string | undefined): Credentials & Record<string, unknown> {
    if (value === undefined) throw new Error(`secret ${secretId} has no such version`);
    let doc: Record<string, unknown>;
    try {
        doc = JSON.parse(value) as Record<string, unknown>;
    } catch {
        // Never the parser's message: it quotes part of the secret.
        throw new Error(`secret ${secretId} is not JSON`);
    }
    if (typeof doc.username !== "string" || typeof doc.password !== "string") throw new Error(`secret ${secretId} holds no {username, password}`);
    return doc as Credentials & Record<string, unknown>;
}

async function withSession<T>(stores: Stores, target: RotationTarget, who: Credentials, work: (s: Session) => Promise<T>): Promise<T> {
    const session = await stores.connect(target, who);
    try {
        return await work(session);
    } finally {
        await session.close();
    }
}

async function loginWorks(stores: Stores, target: RotationTarget, who: Credentials): Promise<boolean> {
    try {
        await withSession(stores, target, who, async () => undefined);
        return true;
    } catch {
        return false;
    }
}

/** Runs one step. Throws (so Secrets Manager retries) on anything it cannot finish. */
export async function rotate(event: RotationEvent, targets: readonly RotationTarget[], secrets: Secrets, stores: Stores): Promise<string> {
    const { SecretId: id, ClientRequestToken: token, Step: step } = event;
    const target = targets.find((t) => t.secretArn === id);
    if (!target) throw new Error(`secret ${id} is not one this function rotates (ROTATION_TARGETS)`);
    const meta = await secrets.describe(id);
    if (!meta.rotationEnabled) throw new Error(`secret ${id} does not have rotation enabled`);
    const stages = meta.versions[token];
    if (!stages) throw new Error(`secret ${id} has no version ${token}`);
    if (stages.includes("AWSCURRENT")) return `${step}: version ${token} is already AWSCURRENT`;
    if (!stages.includes("AWSPENDING")) throw new Error(`secret ${id} version ${token} is not AWSPENDING`);

    switch (step) {
        case "createSecret": {
            const current = parseCredentials(id, await secrets.value(id, { stage: "AWSCURRENT" }));
            if ((await secrets.value(id, { versionId: token })) !== undefined) return "createSecret: the pending version exists";
            await secrets.put(id, token, JSON.stringify({ ...current, password: await secrets.randomPassword() }));
            return "createSecret: a new password is pending";
        }
        case "setSecret": {
            const pending = parseCredentials(id, await secrets.value(id, { versionId: token }));
            if (await loginWorks(stores, target, pending)) return "setSecret: the store already takes the pending password";
            const current = parseCredentials(id, await secrets.value(id, { stage: "AWSCURRENT" }));
            if (pending.username !== target.username || current.username !== target.username) throw new Error(`secret ${id} names another user than ${target.username}: refusing to change a password`);
            const actor = target.masterSecretArn ? parseCredentials(target.masterSecretArn, await secrets.value(target.masterSecretArn, { stage: "AWSCURRENT" })) : current;
            await withSession(stores, target, actor, async (s) => {
                if (!(await s.isWriter())) throw new Error(`${target.host} is not the global writer: rotate where the writer is (the primary stack follows a promotion, docs/security.md)`);
                await s.setPassword(pending.username, pending.password);
            });
            return `setSecret: ${pending.username}'s password changed`;
        }
        case "testSecret": {
            const pending = parseCredentials(id, await secrets.value(id, { versionId: token }));
            await withSession(stores, target, pending, async () => undefined);
            return "testSecret: the pending password logs in";
        }
        case "finishSecret": {
            // Never make current a password the store does not take (a direct invocation after a failed setSecret).
            const pending = parseCredentials(id, await secrets.value(id, { versionId: token }));
            await withSession(stores, target, pending, async () => undefined);
            const current = Object.entries(meta.versions).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
            if (!current) throw new Error(`secret ${id} has no AWSCURRENT version`);
            await secrets.moveCurrent(id, token, current);
            return `finishSecret: AWSCURRENT moved from ${current} to ${token}`;
        }
        default:
            throw new Error(`unknown rotation step ${String(step)}`);
    }
}
