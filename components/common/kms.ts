/**
 * Customer-managed KMS keys, one per service and region (ARCHITECTURE §4: isolation, granular
 * rotation, small blast radius). The key policy keeps administration with the account and grants
 * use only through the AWS service that encrypts with it, never to "*".
 *
 * A key given `users` names them (security review S6): the account keeps the administrative
 * actions only (no Encrypt, Decrypt, GenerateDataKey, ReEncrypt or CreateGrant, which IAM could
 * otherwise hand to anyone in the account), and each use is allowed to the listed principals alone,
 * through the key's AWS service. Principals are named in `aws:PrincipalArn` conditions (Principal
 * "*" with `kms:CallerAccount`), not in `Principal`: KMS refuses a policy whose Principal does not
 * exist yet (MalformedPolicyDocumentException), which would order every stack and every role before
 * the keys, while condition values are not resolved (IAM user guide, "IAM role principals": AWS
 * does not convert condition key ARNs to IDs). For an IAM role, `aws:PrincipalArn` is the role's
 * ARN, with its path, whatever the session (IAM user guide, aws:PrincipalArn).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "./context";
import { KEY_ADMIN_ACTIONS, KeyUser, userStatements } from "./key-policy";
import { tagsFor } from "./tags";

export { KEY_ADMIN_ACTIONS, KeyUser, userStatements };

export interface ServiceKeyArgs {
    /** The owning service: tags, alias (`alias/mall/<region>/<service>`) and the policy pack's per-service check. */
    readonly service: string;
    readonly component: string;
    readonly description: string;
    /**
     * AWS services that use the key on the account's behalf (`kms:ViaService`), e.g. ["rds"].
     * @default [] - none
     */
    readonly viaServices?: readonly string[];
    /**
     * Service principals that use the key directly (CloudWatch Logs, SNS, EventBridge …), with
     * optional conditions.
     * @default [] - none
     */
    readonly servicePrincipals?: readonly { readonly principal: string; readonly condition?: Record<string, unknown>; readonly actions?: readonly string[] }[];
    /** @default 30 - the longest window, to recover from a mistaken deletion */
    readonly deletionWindowInDays?: number;
    /** Multi-region primary key, for stores whose replicas must decrypt with a related key. @default false */
    readonly multiRegion?: boolean;
    /**
     * Region the key lives in, when it is not the stack's (e.g. us-east-1 for CloudFront/WAF logs).
     * Drives the key's and alias's per-resource `region`, the alias name, tags and `kms:ViaService`.
     * @default - the stack's region
     */
    readonly region?: string;
    /**
     * Distinguishes a second key of the same service in one region (alias
     * `alias/<project>/<region>/<service>-<suffix>`), e.g. the key of secrets replicated in.
     * @default - none: the service's own key
     */
    readonly aliasSuffix?: string;
    /**
     * Other accounts whose AWS Backup copies what this key encrypts (`mall:backupCopyVaultArn`):
     * AWS Backup's cross-account copy needs the source key shared with the destination account
     * (developer guide, "Creating backup copies across AWS accounts"). Grants only for AWS resources.
     * @default [] - none
     */
    readonly shareWithAccounts?: readonly string[];
    /**
     * The principals that use the key, named (see the module comment). Set, the account root keeps
     * `KEY_ADMIN_ACTIONS` only and `viaServices` is the default service of each user.
     * @default - none: anyone in the account may use the key through `viaServices`
     */
    readonly users?: pulumi.Input<readonly KeyUser[]>;
}

export interface ServiceKey {
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;
    readonly arn: pulumi.Output<string>;
}

export function keyPolicy(context: RegionContext, args: ServiceKeyArgs): pulumi.Output<string> {
    const ctx = args.region ? { ...context, region: args.region } : context;
    // Conditions may hold outputs (an ARN): resolve them before serialising, never stringify an Output.
    const named = args.users !== undefined;
    return pulumi.all([ctx.accountId, pulumi.output(args.servicePrincipals ?? []), pulumi.output(args.users ?? [])]).apply(([account, principals, users]) => {
        const statements: Record<string, unknown>[] = [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${account}:root` },
                Action: named ? [...KEY_ADMIN_ACTIONS] : "kms:*",
                Resource: "*",
            },
        ];
        if (named) {
            statements.push(...userStatements(account, ctx.region, args.viaServices ?? [], users as readonly KeyUser[]));
        } else if (args.viaServices && args.viaServices.length > 0) {
            statements.push({
                Sid: "UseThroughService",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "kms:CallerAccount": account,
                        "kms:ViaService": args.viaServices.map((s) => `${s}.${ctx.region}.amazonaws.com`),
                    },
                },
            });
        }
        const sharedWith = (args.shareWithAccounts ?? []).map((a) => `arn:aws:iam::${a}:root`);
        if (sharedWith.length > 0) {
            statements.push(
                { Sid: "BackupCopyAccountUses", Effect: "Allow", Principal: { AWS: sharedWith }, Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"], Resource: "*" },
                {
                    Sid: "BackupCopyAccountGrants",
                    Effect: "Allow",
                    Principal: { AWS: sharedWith },
                    Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                    Resource: "*",
                    Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
                },
            );
        }
        const sids = new Map<string, number>();
        for (const sp of principals) {
            // Sids are unique within a policy: a second grant to one service gets a number.
            const sid = `Service${sp.principal.split(".")[0].replace(/[^A-Za-z0-9]/g, "")}`;
            const n = (sids.get(sid) ?? 0) + 1;
            sids.set(sid, n);
            statements.push({
                Sid: n === 1 ? sid : `${sid}${n}`,
                Effect: "Allow",
                Principal: { Service: sp.principal },
                // A service documented with fewer actions gets exactly those (CloudTrail: GenerateDataKey* in its context, DescribeKey apart).
                Action: sp.actions ? [...sp.actions] : ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                ...(sp.condition ? { Condition: sp.condition } : {}),
            });
        }
        // Deletion takes the longest window on every platform key: a compromised administrator
        // cannot make data, backups or audit evidence unreadable within a week, and the detection
        // baseline pages ScheduleKeyDeletion at once (30 days to CancelKeyDeletion). The condition
        // key: KMS developer guide, kms:ScheduleKeyDeletionPendingWindowInDays.
        statements.push({
            Sid: "DenyShortDeletionWindow",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "kms:ScheduleKeyDeletion",
            Resource: "*",
            Condition: { NumericLessThan: { "kms:ScheduleKeyDeletionPendingWindowInDays": "30" } },
        });
        return JSON.stringify({ Version: "2012-10-17", Statement: statements });
    });
}

/** The key grant CloudFront needs to read SSE-KMS objects through origin access control, for one distribution only. */
export function cloudFrontDecrypts(distributionArn: pulumi.Input<string>) {
    return { principal: "cloudfront.amazonaws.com", condition: { StringEquals: { "aws:SourceArn": distributionArn } } };
}

/** Declares `<name>-key` and `<name>-alias` under `parent`. Keys are protected: losing one loses the data. */
export function serviceKey(name: string, context: RegionContext, args: ServiceKeyArgs, parent: pulumi.Resource): ServiceKey {
    const ctx = args.region ? { ...context, region: args.region } : context;
    const where = args.region ? { region: args.region } : {};
    const key = new aws.kms.Key(
        `${name}-key`,
        {
            ...where,
            description: `${args.description} (${ctx.region})`,
            enableKeyRotation: true,
            deletionWindowInDays: args.deletionWindowInDays ?? 30,
            multiRegion: args.multiRegion ?? false,
            policy: keyPolicy(ctx, args),
            tags: tagsFor(ctx, args.service, args.component, {}, awsName(ctx, args.service, ...(args.aliasSuffix ? [args.aliasSuffix] : []), "key")),
        },
        { parent, protect: true },
    );
    const alias = new aws.kms.Alias(
        `${name}-alias`,
        { ...where, name: `alias/${ctx.prefix}/${ctx.region}/${args.service}${args.aliasSuffix ? `-${args.aliasSuffix}` : ""}`, targetKeyId: key.keyId },
        { parent },
    );
    return { key, alias, arn: key.arn };
}
