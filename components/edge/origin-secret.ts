/**
 * The origin secret (security S1): the value CloudFront adds as `X-Origin-Verify` to every API
 * origin request, and every regional origin requires. Generated in the primary, kept in Secrets
 * Manager under its own key, replicated to every secondary (each reads its local replica, so a
 * region's origin never depends on another region's Secrets Manager at deploy time). Rotated by
 * `mall:originSecretEpoch`/`mall:originSecretPhase` (plan.ts planOriginSecret).
 *
 * Who can read it: the Pulumi state of the primary (the random value) and of each region (its
 * listener rule), CloudFront (the distribution's origin config) and Secrets Manager callers with
 * secretsmanager:GetSecretValue on it and kms:Decrypt through Secrets Manager on its key. The
 * program grants that to no role (test/edge/origin-secret.spec.ts proves no planned policy names
 * it): only the deploy role, which also writes it, reads it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { RegionContext, awsName } from "../common/context";
import { serviceKey } from "../common/kms";
import { tagsFor } from "../common/tags";
import { ORIGIN_VERIFY_HEADER, OriginSecretDocument, OriginSecretPhase, acceptedValues, planOriginSecret, rotationStepProblem } from "./plan";

/** The secret's (and its keys') service: its own key, as every secret store (the per-service KMS rule). */
export const ORIGIN_SECRET_SERVICE = "origin-verify";
const COMPONENT = "origin-secret";

/**
 * Length of each generated value. Alphanumeric only: ALB `http-header` condition values treat `*`
 * and `?` as wildcards and allow at most 128 characters; WAF byte-match strings at most 200 bytes.
 */
export const ORIGIN_SECRET_LENGTH = 48;

export interface OriginSecretArgs {
    /** The primary region's context: the secret lives here and replicates to `replicaRegions`. */
    readonly context: RegionContext;
    /** The secondary regions; each gets a replica encrypted with a key of its own there. */
    readonly replicaRegions: readonly string[];
    /** The generation in use (`mall:originSecretEpoch`). @default 1 */
    readonly epoch?: number;
    /** Where a rotation stands (`mall:originSecretPhase`). @default "steady" */
    readonly phase?: OriginSecretPhase;
}

export class OriginSecret extends pulumi.ComponentResource {
    public readonly secretArn: pulumi.Output<string>;
    /** The value CloudFront sends (a Pulumi secret). */
    public readonly sendValue: pulumi.Output<string>;
    /** The values the origins accept (a Pulumi secret). */
    public readonly acceptValues: pulumi.Output<string[]>;

    constructor(name: string, args: OriginSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mall:edge:OriginSecret", name, {}, opts);
        const built = buildOriginSecret(this, name, args);
        this.secretArn = built.secret.arn;
        this.sendValue = built.sendValue;
        this.acceptValues = built.acceptValues;
        this.registerOutputs({ secretArn: this.secretArn, sendValue: this.sendValue, acceptValues: this.acceptValues });
    }
}

function buildOriginSecret(parent: pulumi.Resource, name: string, args: OriginSecretArgs) {
    const ctx = args.context;
    const opts = { parent };
    const epoch = args.epoch ?? 1;
    const phase = args.phase ?? "steady";
    const plan = planOriginSecret(epoch, phase);
    const tags = (nameTag: string) => tagsFor(ctx, ORIGIN_SECRET_SERVICE, COMPONENT, {}, nameTag);
    const secretName = `${ctx.prefix}/edge/${ORIGIN_SECRET_SERVICE}`;
    // Named by generation: bumping the epoch adds a value and later drops one, never regenerates one in use.
    const values = new Map(
        plan.generations.map((g) => [
            g,
            new random.RandomPassword(`${name}-${g}`, { length: ORIGIN_SECRET_LENGTH, special: false, minLower: 4, minUpper: 4, minNumeric: 4 }, opts).result,
        ]),
    );
    const value = (g: number) => values.get(g)!;
    const key = serviceKey(name, ctx, { service: ORIGIN_SECRET_SERVICE, component: COMPONENT, description: "The CloudFront origin secret", viaServices: ["secretsmanager"] }, parent);
    const replicaKeys = args.replicaRegions.map((region) => ({
        region,
        kmsKeyId: serviceKey(
            `${name}-${region}`,
            ctx,
            { service: ORIGIN_SECRET_SERVICE, component: COMPONENT, description: `The CloudFront origin secret replicated from ${ctx.region}`, region, aliasSuffix: `from-${ctx.region}`, viaServices: ["secretsmanager"] },
            parent,
        ).arn,
    }));
    const secret = new aws.secretsmanager.Secret(
        `${name}-secret`,
        {
            name: secretName,
            description: `CloudFront's ${ORIGIN_VERIFY_HEADER} value and the values the regional origins accept (${awsName(ctx, ORIGIN_SECRET_SERVICE)})`,
            kmsKeyId: key.arn,
            recoveryWindowInDays: 30,
            replicas: replicaKeys,
            tags: tags(awsName(ctx, ORIGIN_SECRET_SERVICE)),
        },
        opts,
    );
    // The step deployed last, from the secret itself (none before the first deploy): only one step at a time.
    const deployed = aws.secretsmanager
        .getSecretsOutput({ filters: [{ name: "name", values: [secretName] }] }, opts)
        .arns.apply((arns): pulumi.Output<string | undefined> => (arns.length > 0 ? aws.secretsmanager.getSecretVersionOutput({ secretId: arns[0] }, opts).secretString : pulumi.output(undefined)));
    const stepChecked = deployed.apply((json) => {
        if (json === undefined) return "first";
        const doc = JSON.parse(json) as Partial<OriginSecretDocument>;
        const problem = typeof doc.epoch === "number" && doc.phase ? rotationStepProblem({ epoch: doc.epoch, phase: doc.phase }, { epoch, phase }) : undefined;
        if (problem) throw new pulumi.ResourceError(`OriginSecret ${name}: ${problem}`, parent);
        return "checked";
    });
    const sendValue = pulumi.secret(value(plan.send));
    const acceptValues = pulumi.secret(pulumi.all(plan.accept.map(value)));
    new aws.secretsmanager.SecretVersion(
        `${name}-secret-version`,
        {
            secretId: secret.id,
            secretString: pulumi.secret(
                pulumi.all([sendValue, acceptValues, stepChecked]).apply(([send, accept]) => JSON.stringify({ epoch, phase, send, accept } satisfies OriginSecretDocument)),
            ),
        },
        opts,
    );
    return { secret, sendValue, acceptValues };
}

/**
 * The values a secondary's origin accepts, read from its local replica at deploy time: the
 * document the primary last wrote, so a secondary re-run after a rotation step follows it.
 */
export function replicaAcceptValues(
    replicaArn: pulumi.Input<string>,
    region: string,
    expected?: { readonly epoch: number; readonly phase: OriginSecretPhase },
    parent?: pulumi.Resource,
): pulumi.Output<string[]> {
    const version = aws.secretsmanager.getSecretVersionOutput({ secretId: replicaArn, region }, parent ? { parent } : undefined);
    return pulumi.secret(pulumi.all([version.secretString, pulumi.output(replicaArn)]).apply(([json, arn]) => acceptedValues(json, `${arn}`, expected)));
}
