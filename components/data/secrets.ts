/**
 * Generated credentials (database master and service passwords, the Valkey users') kept in Secrets
 * Manager under the region's `secrets` key. The value exists in Pulumi state only as an encrypted
 * secret input of the store and the secret version; it is never a stack output or config value.
 * Rotated ones (`rotated`) keep only their first value there.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { awsName } from "../common/context";
import { DataScope, child, dataTags, stateful } from "./shared";

export interface GeneratedSecret {
    readonly secret: aws.secretsmanager.Secret;
    /** The generated value (a Pulumi secret). */
    readonly value: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

/**
 * `${scope.name}-<id>-password|-secret|-secret-version`. The character set is the intersection of
 * what Aurora, DocumentDB (no / @ " space) and ElastiCache AUTH (only ! & # $ ^ < > -) accept.
 */
export function generatedSecret(scope: DataScope, id: string, description: string, username?: string, options: { readonly rotated?: boolean } = {}): GeneratedSecret {
    const password = new random.RandomPassword(
        `${scope.name}-${id}-password`,
        { length: 40, special: true, overrideSpecial: "!&#$^<>-", minLower: 2, minUpper: 2, minNumeric: 2 },
        child(scope),
    );
    const secret = new aws.secretsmanager.Secret(
        `${scope.name}-${id}-secret`,
        {
            name: `${scope.ctx.prefix}/${scope.ctx.region}/${id}`,
            description: `${description} (${awsName(scope.ctx, id)})`,
            kmsKeyId: scope.keys.secrets.arn,
            recoveryWindowInDays: 30,
            // Static stability: each secondary reads the credentials from its own region, encrypted
            // with a secrets key there, even when this region is gone.
            replicas: (scope.secretReplicaKeys ?? []).map((r) => ({ region: r.region, kmsKeyId: r.arn })),
            tags: dataTags(scope, "secrets", [id, "secret"]),
        },
        stateful(scope),
    );
    new aws.secretsmanager.SecretVersion(
        `${scope.name}-${id}-secret-version`,
        {
            secretId: secret.id,
            secretString: pulumi.secret(
                password.result.apply((p) => JSON.stringify(username ? { username, password: p } : { token: p })),
            ),
        },
        // A rotated secret's value is the rotation function's after the first rotation (S7,
        // components/security/rotation.ts): Pulumi writes the first value only, and never puts the
        // version back as AWSCURRENT.
        child(scope, options.rotated ? { ignoreChanges: ["secretString", "versionStages"] } : {}),
    );
    return { secret, value: password.result, arn: secret.arn };
}
