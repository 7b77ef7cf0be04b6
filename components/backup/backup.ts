/**
 * `PlatformBackup`: the platform's one AWS Backup vault and plan per region (ARCHITECTURE §4), with
 * the Region's AWS Backup opt-ins (an account-region singleton, `mall:accountBaseline.backupRegionSettings`).
 * Its first member is the region's Aurora DSQL cluster, a type AWS Backup fully manages (its
 * recovery points are AWS Backup's, encrypted with the vault's key), the system of record for orders, payments
 * and inventory, kept 35 days. The vault is protected (a destroy keeps it and its recovery points).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext } from "../common/context";
import { serviceKey } from "../common/kms";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { BACKUP_PRINCIPAL, BACKUP_ROLE_POLICIES, COMPLETION_WINDOW_MINUTES, RETENTION_DAYS, SCHEDULE, START_WINDOW_MINUTES, backupNames, regionSettings } from "./plan";

const SERVICE = "backup";
const COMPONENT = "backup";

export interface PlatformBackupArgs {
    readonly context: RegionContext;
    /** The region's Aurora DSQL cluster, when it has one (the linked pair's regions). */
    readonly dsqlClusterArn?: pulumi.Input<string>;
    /** Whether this stack writes the Region's AWS Backup settings (`mall:accountBaseline.backupRegionSettings`). */
    readonly regionSettings: boolean;
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

        const key = serviceKey(`${name}-vault`, ctx, { service: SERVICE, component: COMPONENT, description: "AWS Backup vault", viaServices: ["backup"] }, this);
        const vault = new aws.backup.Vault(`${name}-vault`, { name: names.vault, kmsKeyArn: key.arn, forceDestroy: false, tags: tags(names.vault) }, { parent: this, protect: true });
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
                        recoveryPointTags: { ...tagsFor(ctx, SERVICE, COMPONENT), "backup-rule": names.rule },
                    },
                ],
                tags: tags(names.plan),
            },
            child,
        );
        const members = args.dsqlClusterArn ? [args.dsqlClusterArn] : [];
        if (members.length > 0) {
            new aws.backup.Selection(
                `${name}-dsql`,
                { name: "dsql", planId: plan.id, iamRoleArn: role.arn, resources: members },
                // The opt-in and the role's policies exist before AWS Backup first assumes the role.
                { parent: this, dependsOn: [...attachments, ...(settings ? [settings] : [])] },
            );
        }
        this.vaultName = vault.name;
        this.vaultArn = vault.arn;
        this.planId = plan.id;
        this.members = pulumi.all(members).apply((m) => [...m]);
        this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.planId, members: this.members });
    }
}
