/**
 * DynamoDB global table of idempotency keys (ARCHITECTURE §4: the services' retry safety). The
 * primary owns the table (streams on, as global tables require); each secondary owns its replica
 * (`TableReplica` in its own region with its own `dynamodb` key), so the table ignores `replicas`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataScope, dataTags, stateful } from "./shared";
import { tableName } from "./plan";

export const IDEMPOTENCY_KEY = "idempotencyKey";
export const IDEMPOTENCY_TTL = "expiresAt";

export interface DynamoArgs {
    /** Secondaries: the primary's table ARN. */
    readonly primary?: { readonly tableArn: pulumi.Input<string> };
}

export interface DynamoStore {
    readonly tableName: pulumi.Output<string>;
    readonly tableArn: pulumi.Output<string>;
    readonly table?: aws.dynamodb.Table;
    readonly replica?: aws.dynamodb.TableReplica;
}

export function buildDynamo(scope: DataScope, args: DynamoArgs): DynamoStore {
    const base = `${scope.name}-idempotency`;
    const tags = dataTags(scope, "dynamodb", ["idempotency"]);
    if (!args.primary) {
        const table = new aws.dynamodb.Table(
            `${base}-table`,
            {
                name: tableName(scope.ctx.prefix),
                billingMode: "PAY_PER_REQUEST",
                hashKey: IDEMPOTENCY_KEY,
                attributes: [{ name: IDEMPOTENCY_KEY, type: "S" }],
                ttl: { attributeName: IDEMPOTENCY_TTL, enabled: true },
                streamEnabled: true,
                streamViewType: "NEW_AND_OLD_IMAGES",
                pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: scope.sizing.backupRetentionDays },
                serverSideEncryption: { enabled: true, kmsKeyArn: scope.keys.dynamodb.arn },
                deletionProtectionEnabled: true,
                tags,
            },
            stateful(scope, { ignoreChanges: ["replicas"] }),
        );
        return { tableName: table.name, tableArn: table.arn, table };
    }
    const replica = new aws.dynamodb.TableReplica(
        `${base}-replica`,
        {
            globalTableArn: args.primary.tableArn,
            kmsKeyArn: scope.keys.dynamodb.arn,
            pointInTimeRecovery: true,
            deletionProtectionEnabled: true,
            tags,
        },
        stateful(scope),
    );
    return { tableName: pulumi.output(tableName(scope.ctx.prefix)), tableArn: replica.arn, replica };
}
