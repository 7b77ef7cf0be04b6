/**
 * The identities bootstrap's IAM policy, as a plain record (pure): exactly what the function does.
 * The ENI actions are the ones Lambda needs to place a function in a VPC (AWS's
 * AWSLambdaVPCAccessExecutionRole, which offers no resource-level scope for them).
 */
import { LAMBDA_VPC_ENIS, PolicyDocument, PolicyStatement } from "../common/iam";

export interface IdentitiesPolicyInput {
    readonly region: string;
    readonly account: string;
    readonly logGroupArn: string;
    /** The Aurora and DocumentDB master secrets and each DocumentDB service's secret (this region's copies). */
    readonly secretArns: readonly string[];
    readonly secretsKeyArn: string;
    readonly dsqlClusterArn: string;
    readonly searchAdminRoleArn: string;
    /** The Aurora and DocumentDB global clusters, asked which member writes (both under the `rds:` namespace). */
    readonly globalClusterIds: readonly string[];
}

export function identitiesPolicy(p: IdentitiesPolicyInput): PolicyDocument<PolicyStatement & { Sid: string }> {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${p.logGroupArn}:*` },
            LAMBDA_VPC_ENIS,
            { Sid: "ReadCredentials", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...new Set(p.secretArns)] },
            {
                Sid: "DecryptCredentials",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: p.secretsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.amazonaws.com` } },
            },
            // Who writes: DocumentDB's management API is authorised under rds: too.
            { Sid: "GlobalWriter", Effect: "Allow", Action: "rds:DescribeGlobalClusters", Resource: p.globalClusterIds.map((id) => `arn:aws:rds::${p.account}:global-cluster:${id}`) },
            // DSQL's admin role creates roles and maps IAM roles to them; DbConnect alone cannot.
            { Sid: "DsqlAdmin", Effect: "Allow", Action: ["dsql:DbConnectAdmin", "dsql:GetCluster"], Resource: p.dsqlClusterArn },
            // OpenSearch's security API answers only the domain's master (an IAM role).
            { Sid: "SearchMaster", Effect: "Allow", Action: "sts:AssumeRole", Resource: p.searchAdminRoleArn },
        ],
    };
}
