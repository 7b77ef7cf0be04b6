/**
 * IAM documents as plain records, one home for every component: the statement and document types,
 * the trust of an AWS service and the trust of a Kubernetes service account (IRSA). Pure: no Pulumi
 * or AWS imports, so planners build documents with it and components serialise them once the ARNs
 * are known.
 */

export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: string | Readonly<Record<string, string | readonly string[]>>;
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument<S extends PolicyStatement = PolicyStatement> {
    readonly Version: "2012-10-17";
    readonly Statement: readonly S[];
}

/** A trust policy's statement: who may assume the role, under which conditions. */
export interface TrustStatement extends PolicyStatement {
    readonly Effect: "Allow";
    readonly Principal: Readonly<Record<string, string>>;
    readonly Action: string;
}

export type TrustPolicy = PolicyDocument<TrustStatement>;

export interface ServiceTrustOptions {
    /**
     * Pin the trust to this account with `aws:SourceAccount` (the confused-deputy guard): the
     * service may assume the role only when acting for a resource of this account.
     * @default - no condition
     */
    readonly sourceAccount?: string;
    /**
     * Pin it further to the resource the service acts for, with `aws:SourceArn` (ArnLike, so a
     * pattern such as `arn:aws:rds:<region>:<account>:db:*` works); only for services documented to
     * send it.
     * @default - no condition
     */
    readonly sourceArn?: string;
}

/** Trust for an AWS service principal (`lambda.amazonaws.com`, …), optionally pinned to one account and resource. */
export function serviceTrust(principal: string, options: ServiceTrustOptions = {}): TrustPolicy {
    const condition = {
        ...(options.sourceAccount !== undefined ? { StringEquals: { "aws:SourceAccount": options.sourceAccount } } : {}),
        ...(options.sourceArn !== undefined ? { ArnLike: { "aws:SourceArn": options.sourceArn } } : {}),
    };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: principal },
                Action: "sts:AssumeRole",
                ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
            },
        ],
    };
}

/** `https://oidc.eks…/id/X` → `oidc.eks…/id/X`: the condition-key prefix IRSA trust policies use. */
export function issuerHost(oidcProviderUrl: string): string {
    return oidcProviderUrl.replace(/^https:\/\//, "");
}

/** Trust for one Kubernetes service account through the cluster's OIDC provider (IRSA): one audience, one exact subject. */
export function irsaTrust(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string): TrustPolicy {
    const host = issuerHost(oidcProviderUrl);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${host}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    };
}

/** Every action a document allows or denies (for tests and reviews). */
export function actionsOf(policy: PolicyDocument): string[] {
    return policy.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : [...s.Action]));
}

/** Every resource a document names (for tests and reviews). */
export function resourcesOf(policy: PolicyDocument): string[] {
    return policy.Statement.flatMap((s) => (s.Resource === undefined ? [] : typeof s.Resource === "string" ? [s.Resource] : [...s.Resource]));
}

/** What a Lambda function in a VPC needs for its network interfaces (AWSLambdaVPCAccessExecutionRole's actions; EC2 has no resource-level permission for them). */
export const LAMBDA_VPC_ENIS: PolicyStatement & { Sid: string } = {
    Sid: "VpcNetworkInterfaces",
    Effect: "Allow",
    Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
    Resource: "*",
};
