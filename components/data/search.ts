/**
 * OpenSearch 2.17 per region (ARCHITECTURE §4): VPC only, zone awareness, dedicated masters,
 * fine-grained access control with an IAM master role, node-to-node encryption, HTTPS with TLS 1.2+,
 * KMS at rest, logs to KMS-encrypted log groups. A secondary owns the cross-cluster search
 * connection to the primary's domain (auto-accepted: same account).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsName, awsNameWithin } from "../common/context";
import { DataScope, auditLogGroup, child, dataTags, logGroup, stateful } from "./shared";

export interface SearchArgs {
    readonly securityGroupId: pulumi.Input<string>;
    /** Create the account's OpenSearch service-linked role here (GlobalDataArgs.createOpenSearchServiceLinkedRole). */
    readonly createServiceLinkedRole: boolean;
    /** Secondaries: the primary's domain for cross-cluster search. */
    readonly primary?: { readonly region: string; readonly domainName: pulumi.Input<string> };
    /** Human operators who may take the master role (the EKS admin roles); the identities bootstrap always may. */
    readonly operatorRoleArns?: readonly string[];
}

/** The identities bootstrap's role name (components/identities), the one automated user of the master role. */
export const IDENTITIES_ROLE_SUFFIX = "identities";

export interface SearchStore {
    readonly domain: aws.opensearch.Domain;
    readonly adminRoleArn: pulumi.Output<string>;
    readonly connection?: aws.opensearch.OutboundConnection;
}

export function buildSearch(scope: DataScope, args: SearchArgs): SearchStore {
    const { ctx, sizing } = scope;
    const size = sizing.search;
    const base = `${scope.name}-search`;
    // OpenSearch domain names are 3-28 characters (tools/plan/name-limits.ts).
    const domainName = awsNameWithin(ctx, 28, "search");
    const tags = (...parts: string[]) => dataTags(scope, "opensearch", ["search", ...parts]);

    const adminRole = new aws.iam.Role(
        `${base}-admin-role`,
        {
            name: awsName(ctx, "search-admin"),
            description: "OpenSearch fine-grained access control master (assumed by operators and the identities bootstrap)",
            // Only the identities bootstrap and the named operators, not every principal of the account
            // allowed sts:AssumeRole on * (security S15). By aws:PrincipalArn, not as principals: IAM
            // refuses a trust naming a role that does not exist yet, and the bootstrap's comes later.
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${ctx.accountId}:root` },
                        Action: "sts:AssumeRole",
                        Condition: { ArnEquals: { "aws:PrincipalArn": [pulumi.interpolate`arn:aws:iam::${ctx.accountId}:role/${awsName(ctx, IDENTITIES_ROLE_SUFFIX)}`, ...(args.operatorRoleArns ?? [])] } },
                    },
                ],
            }),
            tags: tags("admin-role"),
        },
        child(scope),
    );
    const logs = {
        INDEX_SLOW_LOGS: logGroup(scope, "search-index-slow-logs", `/aws/opensearch/${domainName}/index-slow`),
        SEARCH_SLOW_LOGS: logGroup(scope, "search-search-slow-logs", `/aws/opensearch/${domainName}/search-slow`),
        ES_APPLICATION_LOGS: logGroup(scope, "search-application-logs", `/aws/opensearch/${domainName}/application`),
        AUDIT_LOGS: auditLogGroup(scope, "search-audit-logs", `/aws/opensearch/${domainName}/audit`),
    };
    const logPolicy = new aws.cloudwatch.LogResourcePolicy(
        `${base}-log-policy`,
        {
            policyName: awsName(ctx, "opensearch-logs"),
            policyDocument: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "es.amazonaws.com" },
                        Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
                        Resource: Object.values(logs).map((g) => pulumi.interpolate`${g.arn}:*`),
                        Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
                    },
                ],
            }),
        },
        child(scope),
    );
    // A VPC domain needs AWSServiceRoleForAmazonOpenSearchService to exist before CreateDomain
    // ("you must enable a service-linked role to give Amazon OpenSearch Service permissions to access
    // your VPC"); only the console creates it implicitly. Retained on delete: another stack's domains
    // may use it, and handing it over (accountBaseline false) must not delete it.
    const serviceLinkedRole = args.createServiceLinkedRole
        ? new aws.iam.ServiceLinkedRole(
              `${base}-service-linked-role`,
              {
                  awsServiceName: "opensearchservice.amazonaws.com",
                  description: "OpenSearch VPC domains of the account (created by the mall's primary stack)",
                  tags: tags("service-linked-role"),
              },
              child(scope, { retainOnDelete: true }),
          )
        : undefined;
    const domainArn = pulumi.interpolate`arn:aws:es:${ctx.region}:${ctx.accountId}:domain/${domainName}`;
    const domain = new aws.opensearch.Domain(
        `${base}-domain`,
        {
            domainName,
            engineVersion: size.engineVersion,
            clusterConfig: {
                instanceType: size.dataInstanceType,
                instanceCount: size.dataNodes,
                dedicatedMasterEnabled: size.dedicatedMasters > 0,
                ...(size.dedicatedMasters > 0 ? { dedicatedMasterType: size.masterInstanceType, dedicatedMasterCount: size.dedicatedMasters } : {}),
                zoneAwarenessEnabled: true,
                zoneAwarenessConfig: { availabilityZoneCount: size.zones },
            },
            ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: size.volumeGiB },
            vpcOptions: { subnetIds: scope.network.dataSubnetIds.slice(0, size.zones), securityGroupIds: [args.securityGroupId] },
            encryptAtRest: { enabled: true, kmsKeyId: scope.keys.opensearch.arn },
            nodeToNodeEncryption: { enabled: true },
            domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
            advancedSecurityOptions: {
                enabled: true,
                anonymousAuthEnabled: false,
                internalUserDatabaseEnabled: false,
                masterUserOptions: { masterUserArn: adminRole.arn },
            },
            accessPolicies: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${ctx.accountId}:root` },
                        Action: ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"],
                        Resource: pulumi.interpolate`${domainArn}/*`,
                    },
                    // Cross-cluster search: the destination domain must allow ESCrossClusterGet on
                    // the domain itself (AWS: "applied for /domain and not /domain/*"). Both regions
                    // run this code; it matters on the primary, the connections' destination.
                    {
                        Effect: "Allow",
                        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${ctx.accountId}:root` },
                        Action: "es:ESCrossClusterGet",
                        Resource: domainArn,
                    },
                ],
            }),
            logPublishingOptions: Object.entries(logs).map(([logType, g]) => ({ logType, cloudwatchLogGroupArn: g.arn, enabled: true })),
            softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
            tags: tags("domain"),
        },
        stateful(scope, { dependsOn: serviceLinkedRole ? [logPolicy, serviceLinkedRole] : [logPolicy] }),
    );

    let connection: aws.opensearch.OutboundConnection | undefined;
    if (args.primary) {
        connection = new aws.opensearch.OutboundConnection(
            `${base}-to-${args.primary.region}`,
            {
                connectionAlias: `${ctx.prefix}-${args.primary.region}`,
                connectionMode: "DIRECT",
                acceptConnection: true,
                localDomainInfo: { ownerId: ctx.accountId, region: ctx.region, domainName: domain.domainName },
                remoteDomainInfo: { ownerId: ctx.accountId, region: args.primary.region, domainName: args.primary.domainName },
            },
            child(scope),
        );
    }
    return { domain, adminRoleArn: adminRole.arn, connection };
}
