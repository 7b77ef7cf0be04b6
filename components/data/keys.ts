/**
 * The data layer's customer-managed keys: one per service and region (ARCHITECTURE §4), each
 * usable only through its own AWS service and only by the principals key-users.ts names (S6). No multi-region keys are needed: S3 CRR re-encrypts
 * replicas with the destination region's own `s3` key, DynamoDB replicas and every global-cluster
 * member take a key in their own region.
 */
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../common/context";
import { KeyUser, ServiceKey, ServiceKeyArgs, serviceKey } from "../common/kms";
import { logsPrincipal } from "../common/logs";
import { COMPONENT } from "./shared";
import { DataKeyUsersInput, dataKeyUsers } from "./key-users";
import { KEY_SERVICES, KeyService } from "./plan";

/** What key-users.ts needs besides the account (resolved here). */
export type KeyUsersArgs = Omit<DataKeyUsersInput, "accountId">;

/** The named users of `service`'s key in `region` (ServiceKeyArgs.users). */
export function keyUsers(ctx: RegionContext, args: KeyUsersArgs, service: KeyService, region: string = ctx.region): pulumi.Output<readonly KeyUser[]> {
    return pulumi.output(ctx.accountId).apply((accountId) => dataKeyUsers({ ...args, accountId }, service, region));
}

/** How each key's service uses it (kms:ViaService names or service principals). */
export function keyUse(ctx: RegionContext, service: KeyService): Pick<ServiceKeyArgs, "viaServices" | "servicePrincipals"> {
    switch (service) {
        case "aurora":
        case "docdb":
            // DocumentDB encrypts through the RDS control plane.
            return { viaServices: ["rds"] };
        case "dsql":
            return {
                viaServices: ["dsql"],
                servicePrincipals: [{ principal: "dsql.amazonaws.com", condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } } }],
            };
        case "elasticache":
            return { viaServices: ["elasticache"] };
        case "msk":
            return { viaServices: ["kafka"] };
        case "opensearch":
            return { viaServices: ["es"] };
        case "s3":
            return { viaServices: ["s3"] };
        case "dynamodb":
            return { viaServices: ["dynamodb"] };
        case "secrets":
            return { viaServices: ["secretsmanager"] };
        case "logs":
            return {
                servicePrincipals: [
                    logsPrincipal(ctx.region, ctx.accountId, "*", "ArnLike"),
                ],
            };
    }
}

/**
 * Keys whose data AWS Backup copies still encrypted with them: Aurora and DocumentDB snapshots keep
 * the cluster's key (the fully managed types take the vault's), so another account copies them only
 * with the key shared (components/backup).
 */
export const SNAPSHOT_KEYS: readonly KeyService[] = ["aurora", "docdb"];

export function buildKeys(parent: pulumi.Resource, name: string, ctx: RegionContext, users: KeyUsersArgs, backupCopyAccounts: readonly string[] = []): Record<KeyService, ServiceKey> {
    const keys = {} as Record<KeyService, ServiceKey>;
    for (const service of KEY_SERVICES) {
        const shareWithAccounts = SNAPSHOT_KEYS.includes(service) ? backupCopyAccounts : [];
        keys[service] = serviceKey(
            `${name}-${service}`,
            ctx,
            {
                service,
                component: COMPONENT,
                description: `mall ${service} data encryption`,
                ...keyUse(ctx, service),
                users: keyUsers(ctx, users, service),
                ...(shareWithAccounts.length > 0 ? { shareWithAccounts } : {}),
            },
            parent,
        );
    }
    return keys;
}
