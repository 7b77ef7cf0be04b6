/**
 * `PlatformBackup`: the platform's one AWS Backup vault and plan per region (ARCHITECTURE §4), with
 * the Region's AWS Backup settings (an account-region singleton, `mall:accountBaseline.backupRegionSettings`).
 *
 * Members: the region's Aurora DSQL cluster (a multi-Region cluster needs a backup per Region), its
 * S3 data buckets, and, in the primary, the global stores' writers (Aurora, DocumentDB, the
 * DynamoDB table). Every recovery point is kept 35 days and copied the same day into a vault this
 * stack owns in its copy region (a secondary's copies go to the primary, the primary's to the first
 * secondary), and into another account's vault when `mall:backupCopyVaultArn` names one (issue
 * "Security II", S12). Both vaults carry a Vault Lock by `mall:retentionLock` (compliance in
 * production: nobody, the root user included, deletes a recovery point before its 35 days). The
 * vaults and their keys are protected; a compliance lock is too (it cannot be removed once bound).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../common/context";
import { KeyUser, serviceKey } from "../common/kms";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import type { RetentionLock } from "../../stacks/settings/security";
import {
    BACKUP_PRINCIPAL,
    BACKUP_ROLE_POLICIES,
    COMPLETION_WINDOW_MINUTES,
    RETENTION_DAYS,
    SCHEDULE,
    START_WINDOW_MINUTES,
    backupNames,
    copyActions,
    copyVaultName,
    regionSettings,
    vaultLock,
} from "./plan";

const SERVICE = "backup";
const COMPONENT = "backup";

/** What the primary backs up beside its own: the global stores' writers. */
export interface GlobalStoreMembers {
    readonly auroraClusterArn: pulumi.Input<string>;
    readonly docdbClusterArn: pulumi.Input<string>;
    readonly dynamodbTableArn: pulumi.Input<string>;
}

export interface PlatformBackupArgs {
    readonly context: RegionContext;
    /** The region's Aurora DSQL cluster, when it has one (the linked pair's regions). */
    readonly dsqlClusterArn?: pulumi.Input<string>;
    /** The region's S3 data buckets (ARNs); AWS Backup needs their versioning, which they have. @default [] */
    readonly bucketArns?: readonly pulumi.Input<string>[];
    /** The global stores' writers, backed up where they are written (the primary). @default - none */
    readonly globalStores?: GlobalStoreMembers;
    /** Whether this stack writes the Region's AWS Backup settings (`mall:accountBaseline.backupRegionSettings`). */
    readonly regionSettings: boolean;
    /** The region every recovery point is copied into, into a vault this component owns there. @default - no copy */
    readonly copyRegion?: string;
    /** Another account's vault (same region) every recovery point is also copied into (`mall:backupCopyVaultArn`). @default - none */
    readonly accountCopyVaultArn?: string;
    /** How the vaults' Vault Lock binds (`mall:retentionLock`). @default "none" */
    readonly retentionLock?: RetentionLock;
    /**
     * Who runs `pulumi up` (mall:deployerArns with the deploy role): with this plan's role and AWS
     * Backup's service-linked role, the only principals the vault keys let use them (S6,
     * `vaultKeyUsers`). @default [] - nobody could create the vaults: the settings refuse that
     */
    readonly deployerArns?: readonly string[];
}

/**
 * The users of a vault key in `region`, through AWS Backup: whoever creates the vault (AWS Backup
 * guide, "Backup vault creation and deletion": CreateGrant, DescribeKey, RetireGrant, Decrypt,
 * GenerateDataKey), the plan's role that makes, copies and restores recovery points, and AWS
 * Backup's service-linked role. Nobody else in the account: a restore of the fully managed types
 * (DSQL, S3, DynamoDB), whose recovery points the vault key encrypts, needs one of these roles.
 */
export function vaultKeyUsers(accountId: string, roleName: string, deployerArns: readonly string[]): KeyUser[] {
    const role = (n: string) => `arn:aws:iam::${accountId}:role/${n}`;
    const use = ["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey*", "kms:Encrypt", "kms:ReEncrypt*", "kms:RetireGrant"];
    return [
        { sid: "Deployers", principalArns: deployerArns, actions: use, grants: true },
        { sid: "Backups", principalArns: [role(roleName), role("aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup")], actions: use, grants: true },
    ];
}

export class PlatformBackup extends pulumi.ComponentResource {
    public readonly vaultName: pulumi.Output<string>;
    public readonly vaultArn: pulumi.Output<string>;
    public readonly planId: pulumi.Output<string>;
    /** Resources the plan protects (ARNs). */
    public readonly members: pulumi.Output<string[]>;

    constructor(name: string, args: PlatformBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:backup:PlatformBackup", name, {}, opts);
        const ctx = args.context;
        const names = backupNames(ctx.prefix, ctx.region);
        const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
        const child = { parent: this };

        const lock = vaultLock(args.retentionLock ?? "none");
        const accountCopy = args.accountCopyVaultArn;
        // Fully managed types (DSQL, S3, DynamoDB) are encrypted with the vault's key: another account copies them only with it shared.
        const shareWithAccounts = accountCopy ? [accountCopy.split(":")[4]] : [];
        const users = pulumi.output(ctx.accountId).apply((a) => vaultKeyUsers(a, names.role, args.deployerArns ?? []));
        const key = serviceKey(`${name}-vault`, ctx, { service: SERVICE, component: COMPONENT, description: "AWS Backup vault", viaServices: ["backup"], shareWithAccounts, users }, this);
        const vault = new aws.backup.Vault(`${name}-vault`, { name: names.vault, kmsKeyArn: key.arn, forceDestroy: false, tags: tags(names.vault) }, { parent: this, protect: true });
        lockVault(this, `${name}-vault-lock`, vault.name, lock);
        // The copy region's vault, owned here: it exists before the first copy job, whatever the other stack's state.
        let copyVault: aws.backup.Vault | undefined;
        if (args.copyRegion) {
            const copyCtx = { ...ctx, region: args.copyRegion };
            const copyName = copyVaultName(ctx.prefix, ctx.region);
            const copyKey = serviceKey(
                `${name}-copy-vault`,
                ctx,
                { service: SERVICE, component: COMPONENT, description: `AWS Backup copies of ${ctx.region}`, viaServices: ["backup"], region: args.copyRegion, aliasSuffix: `copy-from-${ctx.region}`, users },
                this,
            );
            copyVault = new aws.backup.Vault(
                `${name}-copy-vault`,
                { region: args.copyRegion, name: copyName, kmsKeyArn: copyKey.arn, forceDestroy: false, tags: tagsFor(copyCtx, SERVICE, COMPONENT, { "copy-of": ctx.region }, copyName) },
                { parent: this, protect: true },
            );
            lockVault(this, `${name}-copy-vault-lock`, copyVault.name, lock, args.copyRegion);
        }
        const settings = args.regionSettings ? new aws.backup.RegionSettings(`${name}-region-settings`, regionSettings(), child) : undefined;
        // No aws:SourceAccount condition: nothing documents AWS Backup sending it when it assumes the
        // role, and a condition it does not send would make every backup job fail to start.
        const role = new aws.iam.Role(`${name}-role`, { name: names.role, assumeRolePolicy: serviceTrustPolicy(ctx, BACKUP_PRINCIPAL), tags: tags(names.role) }, child);
        const attachments = BACKUP_ROLE_POLICIES.map(
            (p) => new aws.iam.RolePolicyAttachment(`${name}-role-${p.split("/").pop()}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${p}` }, child),
        );
        const plan = new aws.backup.Plan(
            `${name}-plan`,
            {
                name: names.plan,
                rules: [
                    {
                        ruleName: names.rule,
                        targetVaultName: vault.name,
                        schedule: SCHEDULE,
                        startWindow: START_WINDOW_MINUTES,
                        completionWindow: COMPLETION_WINDOW_MINUTES,
                        lifecycle: { deleteAfter: RETENTION_DAYS },
                        copyActions: copyActions(copyVault?.arn, accountCopy),
                        recoveryPointTags: { ...tagsFor(ctx, SERVICE, COMPONENT), "backup-rule": names.rule },
                    },
                ],
                tags: tags(names.plan),
            },
            child,
        );
        // One selection per kind (every Selection field forces a replacement: a new bucket replaces
        // only the buckets' selection). The opt-in and the role's policies exist before AWS Backup
        // first assumes the role.
        const selectionOpts = { parent: this, dependsOn: [...attachments, ...(settings ? [settings] : [])] };
        const selections: [string, pulumi.Input<string>[]][] = [
            ["dsql", args.dsqlClusterArn ? [args.dsqlClusterArn] : []],
            ["stores", args.globalStores ? [args.globalStores.auroraClusterArn, args.globalStores.docdbClusterArn, args.globalStores.dynamodbTableArn] : []],
            ["buckets", [...(args.bucketArns ?? [])]],
        ];
        const members: pulumi.Input<string>[] = [];
        for (const [kind, resources] of selections) {
            if (resources.length === 0) continue;
            new aws.backup.Selection(`${name}-${kind}`, { name: kind, planId: plan.id, iamRoleArn: role.arn, resources }, selectionOpts);
            members.push(...resources);
        }
        this.vaultName = vault.name;
        this.vaultArn = vault.arn;
        this.planId = plan.id;
        this.members = pulumi.all(members).apply((m) => [...m]);
        this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.planId, members: this.members });
    }
}

/** The vault's Vault Lock, when the lock setting has one; a compliance lock is protected (AWS refuses its removal once bound). */
function lockVault(parent: pulumi.Resource, name: string, vaultName: pulumi.Input<string>, lock: ReturnType<typeof vaultLock>, region?: string): void {
    if (!lock) return;
    new aws.backup.VaultLockConfiguration(
        name,
        { ...(region ? { region } : {}), backupVaultName: vaultName, minRetentionDays: lock.minRetentionDays, ...(lock.changeableForDays ? { changeableForDays: lock.changeableForDays } : {}) },
        { parent, protect: lock.changeableForDays !== undefined },
    );
}
