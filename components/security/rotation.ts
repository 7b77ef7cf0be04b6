/**
 * `CredentialRotation` (security review S7): Secrets Manager rotates the Aurora and DocumentDB
 * credentials every `mall:credentialRotationDays` with a function of ours (lambdas/rotation/core.ts
 * says why not AWS's templates), in the primary region, where the secrets are: their replicas
 * follow. The function runs in the private subnets behind its own security group, which Aurora and
 * DocumentDB admit on their ports (docs/flows.md); it reaches Secrets Manager through the VPC's
 * interface endpoint or NAT.
 *
 * RDS-managed master passwords (`manageMasterUserPassword`) would rotate Aurora's master on their
 * own, but AWS does not support them for clusters in a global database (Aurora user guide,
 * "Password management with Amazon RDS and AWS Secrets Manager", limitations).
 *
 * Pulumi then ignores what rotation changes: the secret versions' values and the clusters' master
 * passwords (components/data/secrets.ts `rotated`). The state keeps the first values: whoever may
 * read the stack's state may read those (README "Deploying for real").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionContext, awsName } from "../common/context";
import { LAMBDA_VPC_ENIS } from "../common/iam";
import { serviceKey } from "../common/kms";
import { DEFAULT_LOG_RETENTION_DAYS, logsPrincipal } from "../common/logs";
import { tagsFor } from "../common/tags";
import { serviceTrustPolicy } from "../common/trust";
import { bundleLambda } from "../dr/bundle";
import { functionErrorsAlarm } from "../common/function-alarm";
import { rotationRoleName } from "../data/key-users";
import type { RotationTarget } from "../../lambdas/rotation/core";

export const ROTATION_ENTRY = "lambdas/rotation/index.ts";
/** Lambda's environment variables total at most 4 KB (Lambda quotas); the variable's name and some room stay out. */
export const ROTATION_TARGETS_MAX_BYTES = 4000;
const SERVICE = "credential-rotation";
const COMPONENT = "credential-rotation";


export interface RotatedSecret extends Omit<RotationTarget, "secretArn" | "host" | "masterSecretArn"> {
    /** A short id for names (`aurora-master`). */
    readonly id: string;
    readonly secretArn: pulumi.Input<string>;
    readonly host: pulumi.Input<string>;
    readonly masterSecretArn?: pulumi.Input<string>;
    /** The store's security group, which admits the function on `port`. */
    readonly storeSecurityGroupId: pulumi.Input<string>;
}

export interface CredentialRotationArgs {
    readonly context: RegionContext;
    readonly network: { readonly vpcId: pulumi.Input<string>; readonly vpcCidr: pulumi.Input<string>; readonly privateSubnetIds: pulumi.Input<string>[] };
    readonly secrets: readonly RotatedSecret[];
    /** The key the secrets are encrypted with (the function reads and writes them through Secrets Manager). */
    readonly secretsKeyArn: pulumi.Input<string>;
    /** `mall:credentialRotationDays`. */
    readonly rotationDays: number;
    /** The topic the function's error alarm notifies. @default - no alarm */
    readonly alarmTopicArn?: pulumi.Input<string>;
    /** What must exist before a rotation may run: the store instances and the identities bootstrap (which creates the service users). @default [] */
    readonly after?: readonly pulumi.Resource[];
}

/** The function's IAM policy: its log group, its ENIs, the rotation calls on exactly its secrets, the key through Secrets Manager. */
export function rotationPolicy(p: { region: string; logGroupArn: string; secretArns: readonly string[]; readOnlyArns: readonly string[]; secretsKeyArn: string }) {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${p.logGroupArn}:*` },
            LAMBDA_VPC_ENIS,
            {
                Sid: "RotateSecrets",
                Effect: "Allow",
                Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
                Resource: [...new Set(p.secretArns)].sort(),
            },
            // The master secret a service user's password is changed with: read only.
            ...(p.readOnlyArns.length > 0 ? [{ Sid: "ReadMasters", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...new Set(p.readOnlyArns)].sort() }] : []),
            // GetRandomPassword has no resource (Secrets Manager's service authorization reference).
            { Sid: "RandomPassword", Effect: "Allow", Action: "secretsmanager:GetRandomPassword", Resource: "*" },
            {
                Sid: "SecretsKey",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: p.secretsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.amazonaws.com` } },
            },
        ],
    };
}

export class CredentialRotation extends pulumi.ComponentResource {
    public readonly functionName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CredentialRotationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:security:CredentialRotation", name, {}, opts);
        const ctx = args.context;
        if (args.secrets.length === 0) throw new pulumi.ResourceError(`CredentialRotation ${name}: no secret to rotate`, this);
        if (!Number.isInteger(args.rotationDays) || args.rotationDays < 1 || args.rotationDays > 1000) {
            throw new pulumi.ResourceError(`CredentialRotation ${name}: rotationDays ${args.rotationDays} is not 1-1000 (Secrets Manager's automaticallyAfterDays)`, this);
        }
        // The function and its role share the name the secrets keys name (components/data/key-users.ts).
        const fnName = rotationRoleName(ctx.prefix, ctx.region);
        const tags = (n: string) => tagsFor(ctx, SERVICE, COMPONENT, {}, n);
        const child = { parent: this };
        const account = pulumi.output(ctx.accountId);
        const logGroupName = `/aws/lambda/${fnName}`;

        // No ingress. Egress on the stores' ports and 443 (Secrets Manager's endpoint), inside this VPC.
        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.network.vpcId,
                description: "Credential rotation: opens Aurora and DocumentDB in this VPC",
                revokeRulesOnDelete: true,
                egress: [
                    // This VPC only: Secrets Manager through its interface endpoint, never the internet (it holds the masters).
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.network.vpcCidr], description: "Secrets Manager through the VPC's interface endpoint" },
                    ...[...new Set(args.secrets.map((s) => s.port))].sort().map((port) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [args.network.vpcCidr], description: `this region's store on ${port}` })),
                ],
                tags: tags(awsName(ctx, "rotation")),
            },
            child,
        );
        const admitted = new Map<string, aws.vpc.SecurityGroupIngressRule>();
        for (const s of args.secrets) {
            const store = s.engine === "aurora-postgresql" ? "aurora" : "docdb";
            if (admitted.has(store)) continue;
            admitted.set(
                store,
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-into-${store}`,
                    {
                        securityGroupId: s.storeSecurityGroupId,
                        description: "credential rotation changes the passwords",
                        ipProtocol: "tcp",
                        fromPort: s.port,
                        toPort: s.port,
                        referencedSecurityGroupId: sg.id,
                        tags: tags(awsName(ctx, "rotation", store)),
                    },
                    child,
                ),
            );
        }
        const key = serviceKey(
            name,
            ctx,
            { service: SERVICE, component: COMPONENT, description: "Credential rotation logs", servicePrincipals: [logsPrincipal(ctx.region, ctx.accountId, logGroupName)] },
            this,
        );
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, kmsKeyId: key.arn, retentionInDays: DEFAULT_LOG_RETENTION_DAYS, tags: tags(logGroupName) }, child);
        const role = new aws.iam.Role(
            `${name}-role`,
            { name: fnName, description: "Rotates the Aurora and DocumentDB credentials (Secrets Manager rotation)", assumeRolePolicy: serviceTrustPolicy(ctx, "lambda.amazonaws.com", { sourceAccount: true }), tags: tags(fnName) },
            child,
        );
        const secretArns = pulumi.all(args.secrets.map((s) => s.secretArn));
        const masterArns = pulumi.all(args.secrets.flatMap((s) => (s.masterSecretArn ? [s.masterSecretArn] : [])));
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([logGroup.arn, secretArns, masterArns, args.secretsKeyArn])
                    .apply(([logGroupArn, rotated, masters, secretsKeyArn]) =>
                        JSON.stringify(rotationPolicy({ region: ctx.region, logGroupArn, secretArns: rotated, readOnlyArns: masters.filter((m) => !rotated.includes(m)), secretsKeyArn })),
                    ),
            },
            child,
        );
        const targets: pulumi.Output<RotationTarget[]> = pulumi.all(
            args.secrets.map((s) =>
                pulumi.all([s.secretArn, s.host, s.masterSecretArn]).apply(([secretArn, host, masterSecretArn]) => ({
                    secretArn,
                    username: s.username,
                    engine: s.engine,
                    host,
                    port: s.port,
                    ...(s.database ? { database: s.database } : {}),
                    ...(masterSecretArn ? { masterSecretArn } : {}),
                })),
            ),
        );
        // Lambda takes 4 KB of environment variables in all: a longer catalogue would need the list elsewhere.
        const targetsJson = targets.apply((t) => {
            const json = JSON.stringify(t);
            if (Buffer.byteLength(json) > ROTATION_TARGETS_MAX_BYTES) {
                throw new Error(`CredentialRotation ${name}: ROTATION_TARGETS is ${Buffer.byteLength(json)} bytes, over the ${ROTATION_TARGETS_MAX_BYTES} Lambda's 4 KB of environment leaves it; move the list to an SSM parameter the function reads`);
            }
            return json;
        });
        const bundle = bundleLambda(ROTATION_ENTRY);
        const fn = new aws.lambda.Function(
            `${name}-function`,
            {
                name: fnName,
                description: "Secrets Manager rotation of the Aurora and DocumentDB credentials (createSecret, setSecret, testSecret, finishSecret)",
                runtime: "nodejs22.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: bundle.archive,
                role: role.arn,
                timeout: 120,
                memorySize: 256,
                vpcConfig: { subnetIds: args.network.privateSubnetIds, securityGroupIds: [sg.id] },
                environment: { variables: { ROTATION_TARGETS: targetsJson } },
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
                tags: tags(fnName),
            },
            { parent: this, dependsOn: [policy, logGroup] },
        );
        // Secrets Manager invokes it, for this account's secrets only.
        const permission = new aws.lambda.Permission(
            `${name}-invoke`,
            { function: fn.name, action: "lambda:InvokeFunction", principal: "secretsmanager.amazonaws.com", sourceAccount: account },
            child,
        );
        for (const s of args.secrets) {
            new aws.secretsmanager.SecretRotation(
                `${name}-${s.id}`,
                {
                    secretId: s.secretArn,
                    rotationLambdaArn: fn.arn,
                    rotationRules: { automaticallyAfterDays: args.rotationDays },
                    // Not at once: the first deploy's users are created by the identities bootstrap
                    // with these very values; the schedule takes over from there.
                    rotateImmediately: false,
                },
                { parent: this, dependsOn: [permission, ...admitted.values(), ...(args.after ?? [])] },
            );
        }
        if (args.alarmTopicArn) {
            functionErrorsAlarm(
                `${name}-errors`,
                {
                    functionName: fnName,
                    functionNameOutput: fn.name,
                    description: "A credential rotation step failed: Secrets Manager retries, then the secret keeps its AWSPENDING version until someone looks (docs/security.md)",
                    topicArn: args.alarmTopicArn,
                    tags: tags(`${fnName}-errors`),
                },
                child,
            );
        }
        this.functionName = fn.name;
        this.securityGroupId = sg.id;
        this.registerOutputs({ functionName: this.functionName, securityGroupId: this.securityGroupId });
    }
}
