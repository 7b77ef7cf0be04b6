/**
 * Who uses each data key (security review S6): the principals each per-service key names, and for
 * what, so that who can decrypt a store is decided by the key, not by IAM alone. Pure: every role
 * is named by the deterministic name its component gives it, in every registered region, so a key
 * names roles of stacks that have not run yet (components/common/kms.ts: `aws:PrincipalArn`
 * conditions are not resolved by KMS).
 *
 * Who and why, per AWS's documentation (docs/security.md "Keys that name their users" has the
 * sources):
 * - the deployers (`mall:deployerArns`, the deploy workflow's role): the store's AWS service acts
 *   on behalf of whoever creates or changes the store, with CreateGrant and DescribeKey (Aurora,
 *   DocumentDB through RDS, ElastiCache with Encrypt/Decrypt as its guide shows, MSK, OpenSearch);
 *   DynamoDB and DSQL need the data actions too; Secrets Manager encrypts what they write;
 * - AWS Backup's role: the snapshots and copies it makes, the S3 objects and DynamoDB data it reads;
 * - the failover paths: the Region switch roles (Aurora and DocumentDB global clusters) and the
 *   cache failover functions' roles, in every region;
 * - the S3 replication role (the last region's, which owns every rule: decrypt the source, encrypt the replica) and the
 *   DynamoDB replication service-linked role (global tables);
 * - the services' IRSA roles, for the stores whose data they read through the key (their secrets,
 *   the assets bucket, the idempotency table), Tempo for the traces bucket, and the identities
 *   bootstrap for the credentials it reads;
 * - the credential rotation function (S7), on every secrets key: it writes the new versions.
 */
import { SERVICES, Store } from "../catalogue";
import { awsName } from "../common/context";
import { KeyUser } from "../common/key-policy";
import { serviceRoleSuffix } from "../eks/workloads-plan";
import { backupNames } from "../backup/plan";
import { FUNCTION_STORE, drNames } from "../dr/plan";
import { SERVICE_ACCOUNTS } from "../observability/plan";
import { KeyService } from "./plan";
import { IDENTITIES_ROLE_SUFFIX } from "./search";


export interface DataKeyUsersInput {
    /** The physical-name prefix of the environment (RegionContext.prefix). */
    readonly prefix: string;
    readonly accountId: string;
    /** The current primary region (whose Region switch plans other regions own). */
    readonly primaryRegion: string;
    /** Every registered region. */
    readonly regions: readonly string[];
    /** The identities that run `pulumi up` (mall:deployerArns with the deploy workflow's role). */
    readonly deployerArns: readonly string[];
    /** The human operators (mall:eksAdminRoleArns): they read Performance Insights. @default [] */
    readonly operatorArns?: readonly string[];
}

/** Data actions a principal needs to read and write through a service that encrypts per request. */
export const READ_WRITE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;
const READ = ["kms:Decrypt"] as const;
const OBJECTS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;
const CREATE = ["kms:DescribeKey"] as const;

/** The DynamoDB replication service-linked role (created with the first global table). */
export function dynamoReplicationRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication`;
}

/** A service's IRSA role name in `region` (components/eks/services.ts). */
export function serviceRoleName(prefix: string, region: string, service: string): string {
    return awsName({ prefix, region }, serviceRoleSuffix(service));
}

/** The S3 replication role a region's stack declares (components/data/s3.ts). */
export function s3ReplicationRoleName(prefix: string, region: string): string {
    return awsName({ prefix, region }, "s3-replication");
}

/** The identities bootstrap's role in `region` (components/identities). */
export function identitiesRoleName(prefix: string, region: string): string {
    return awsName({ prefix, region }, IDENTITIES_ROLE_SUFFIX);
}

/** Tempo's IRSA role in `region` (components/observability). */
export function tempoRoleName(prefix: string, region: string): string {
    return awsName({ prefix, region }, SERVICE_ACCOUNTS.tempo);
}

/** The cache failover function's role in `region` (components/dr/automation.ts), named like the function. */
export function cacheFailoverRoleName(prefix: string, region: string): string {
    return drNames({ prefix, region }).functionName(FUNCTION_STORE);
}

/** The credential rotation function's role (components/security/rotation.ts), in the primary: the secrets are there, their replicas follow. */
export function rotationRoleName(prefix: string, region: string): string {
    return awsName({ prefix, region }, "credential-rotation");
}

/** Services in the catalogue that read a secret: the DocumentDB services (their own credentials) and the cache's (theirs, S5). */
const SECRET_READERS = SERVICES.filter((s) => s.stores.includes("docdb") || s.stores.includes("cache")).map((s) => s.name);

/** The users of `service`'s key in `keyRegion`. */
export function dataKeyUsers(i: DataKeyUsersInput, service: KeyService, keyRegion: string): KeyUser[] {
    const role = (name: string) => `arn:aws:iam::${i.accountId}:role/${name}`;
    const servicesUsing = (store: Store) => SERVICES.filter((s) => s.stores.includes(store)).map((s) => role(serviceRoleName(i.prefix, keyRegion, s.name)));
    const deployers = [...i.deployerArns];
    const backup = [role(backupNames(i.prefix, keyRegion).role)];
    const regionSwitch = i.regions.filter((r) => r !== i.primaryRegion).map((r) => role(drNames({ prefix: i.prefix, region: r }).regionSwitchRole(i.primaryRegion)));
    const rotation = [role(rotationRoleName(i.prefix, i.primaryRegion))];
    switch (service) {
        case "aurora":
        case "docdb":
            return [
                { sid: "Deployers", principalArns: deployers, actions: CREATE, grants: true },
                // Performance Insights is encrypted with the cluster's key; its readers need Decrypt
                // and GenerateDataKey, in its encryption context only (Aurora user guide, "Changing an
                // AWS KMS policy for Performance Insights").
                { sid: "PerformanceInsights", principalArns: [...(i.operatorArns ?? [])], actions: ["kms:Decrypt", "kms:GenerateDataKey"], encryptionContext: { "aws:pi:service": "rds", service: "pi" } },
                { sid: "Backups", principalArns: backup, actions: CREATE, grants: true },
                { sid: "RegionSwitch", principalArns: regionSwitch, actions: CREATE, grants: true },
            ];
        case "elasticache":
            // ElastiCache's guide: "include both ViaService names", elasticache and dax.
            return [
                { sid: "Deployers", principalArns: deployers, actions: READ_WRITE, grants: true, via: ["elasticache", "dax"] },
                { sid: "CacheFailover", principalArns: i.regions.map((r) => role(cacheFailoverRoleName(i.prefix, r))), actions: CREATE, grants: true, via: ["elasticache", "dax"] },
            ];
        case "msk":
        case "opensearch":
            return [{ sid: "Deployers", principalArns: deployers, actions: CREATE, grants: true }];
        case "dsql":
            return [
                { sid: "Deployers", principalArns: deployers, actions: READ_WRITE },
                { sid: "Backups", principalArns: backup, actions: READ_WRITE, grants: true },
            ];
        case "dynamodb":
            // "dynamodb.*.amazonaws.com": DynamoDB needs the permission independent of the region for global tables.
            return [
                { sid: "Deployers", principalArns: deployers, actions: READ_WRITE, grants: true, anyRegion: true },
                { sid: "Replication", principalArns: [dynamoReplicationRoleArn(i.accountId)], actions: READ_WRITE, grants: true, anyRegion: true },
                { sid: "Backups", principalArns: backup, actions: READ_WRITE, grants: true, anyRegion: true },
                { sid: "Services", principalArns: servicesUsing("idempotency"), actions: READ_WRITE },
            ];
        case "s3":
            return [
                { sid: "Deployers", principalArns: deployers, actions: CREATE },
                { sid: "Services", principalArns: [...servicesUsing("assets"), role(tempoRoleName(i.prefix, keyRegion))], actions: OBJECTS },
                // The last registered region's stack owns every bucket's replication (plan.ts planLinks), with one role.
                { sid: "Replication", principalArns: i.regions.slice(-1).map((r) => role(s3ReplicationRoleName(i.prefix, r))), actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] },
                { sid: "Backups", principalArns: backup, actions: [...OBJECTS, "kms:DescribeKey"] },
            ];
        case "secrets":
            return [
                // Writes reach the replica keys through Secrets Manager's replication, from the
                // primary's region (which ViaService it presents is not documented): any region.
                { sid: "Deployers", principalArns: deployers, actions: READ_WRITE, anyRegion: true },
                { sid: "Readers", principalArns: [...SECRET_READERS.map((s) => role(serviceRoleName(i.prefix, keyRegion, s))), role(identitiesRoleName(i.prefix, keyRegion))], actions: READ },
                { sid: "Rotation", principalArns: rotation, actions: READ_WRITE, anyRegion: true },
            ];
        case "logs":
            // CloudWatch Logs alone, as its service principal (keys.ts): nobody in the account.
            return [];
    }
}
