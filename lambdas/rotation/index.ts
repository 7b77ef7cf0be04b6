/**
 * The credential rotation function's AWS side: Secrets Manager through the SDK, Aurora through
 * `pg` and DocumentDB through `mongodb`, both over TLS verified against the RDS CA bundle.
 * The protocol itself is core.ts.
 */
import {
    DescribeSecretCommand,
    GetRandomPasswordCommand,
    GetSecretValueCommand,
    PutSecretValueCommand,
    ResourceNotFoundException,
    SecretsManagerClient,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { escapeIdentifier, escapeLiteral } from "pg";
import { connectDocdb, connectPostgres, isWritablePrimary } from "../common/connect";
import { EXCLUDED_CHARACTERS, RotationEvent, RotationTarget, Secrets, Session, Stores, rotate, scramVerifier } from "./core";

const PASSWORD_LENGTH = 40;

function secretsApi(region: string): Secrets {
    const sm = new SecretsManagerClient({ region });
    return {
        async describe(secretId) {
            const out = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
            return { rotationEnabled: out.RotationEnabled === true, versions: out.VersionIdsToStages ?? {} };
        },
        async value(secretId, by) {
            try {
                const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId, ...(by.versionId ? { VersionId: by.versionId } : {}), ...(by.stage ? { VersionStage: by.stage } : {}) }));
                return out.SecretString;
            } catch (e) {
                if (e instanceof ResourceNotFoundException) return undefined;
                throw e;
            }
        },
        async put(secretId, token, value) {
            await sm.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: ["AWSPENDING"] }));
        },
        async moveCurrent(secretId, toVersion, fromVersion) {
            await sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSCURRENT", MoveToVersionId: toVersion, RemoveFromVersionId: fromVersion }));
        },
        async randomPassword() {
            const out = await sm.send(new GetRandomPasswordCommand({ PasswordLength: PASSWORD_LENGTH, ExcludeCharacters: EXCLUDED_CHARACTERS }));
            if (!out.RandomPassword) throw new Error("GetRandomPassword returned no password");
            return out.RandomPassword;
        },
    };
}

const stores: Stores = {
    async connect(target, who): Promise<Session> {
        if (target.engine === "aurora-postgresql") {
            const client = await connectPostgres(target.host, target.port, target.database ?? "postgres", who);
            return {
                isWriter: async () => (await client.query("SELECT pg_is_in_recovery() AS recovering")).rows[0]?.recovering === false,
                // The SCRAM verifier, not the password: the DDL log keeps the statement.
                setPassword: async (user, password) => {
                    await client.query(`ALTER ROLE ${escapeIdentifier(user)} WITH PASSWORD ${escapeLiteral(scramVerifier(password))}`);
                },
                close: () => client.end(),
            };
        }
        const client = await connectDocdb(target.host, target.port, who);
        const admin = client.db("admin");
        return {
            isWriter: () => isWritablePrimary(client),
            setPassword: async (user, password) => {
                await admin.command({ updateUser: user, pwd: password });
            },
            close: () => client.close(),
        };
    },
};

export async function handler(event: RotationEvent): Promise<string> {
    const targets = JSON.parse(process.env.ROTATION_TARGETS ?? "null") as RotationTarget[] | null;
    const region = process.env.AWS_REGION;
    if (!targets || !region) throw new Error("ROTATION_TARGETS must be set (components/security/rotation.ts sets it)");
    const outcome = await rotate(event, targets, secretsApi(region), stores);
    console.log(JSON.stringify({ message: "rotation step", secretId: event.SecretId, step: event.Step, outcome }));
    return outcome;
}
