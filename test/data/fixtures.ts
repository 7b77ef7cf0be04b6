/** Shared GlobalData fixtures: a primary and a secondary built under the plan mocks. */
import { EarlierDataRef, GlobalData, PrimaryDataRef } from "../../components/data/global-data";
import { DataSizing, planLinks } from "../../components/data/plan";
import { Resources, planComponent, testContext } from "../harness";

export const REGIONS = [
    { name: "us-east-1", role: "primary" as const },
    { name: "us-west-2", role: "secondary" as const },
];

export const PRIMARY_REF: PrimaryDataRef = {
    region: "us-east-1",
    auroraGlobalClusterId: "mall-aurora-global",
    auroraEngineVersion: "16.8",
    auroraGlobalWriterEndpoint: "mall-aurora-global.global-abcdef123456.global.rds.amazonaws.com",
    docdbGlobalClusterId: "mall-docdb-global",
    cacheGlobalReplicationGroupId: "ldgnf-mall-cache-global",
    cacheUserGroupIds: { "us-east-1": "mall-us-east-1-cache-users", "us-west-2": "mall-us-west-2-cache-users" },
    dsqlClusterArn: "arn:aws:dsql:us-east-1:123456789012:cluster/primarydsql",
    dsqlClusterId: "primarydsql",
    mskClusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/mall-us-east-1-msk/uuid-s1",
    mskSecurityGroupId: "sg-primarymsk",
    dataSubnetIds: ["subnet-p1", "subnet-p2", "subnet-p3"],
    staticAssetsBucketName: "mall-us-east-1-static-assets-123456789012",
    tracesBucketName: "mall-us-east-1-traces-123456789012",
    s3KeyArn: "arn:aws:kms:us-east-1:123456789012:key/primary-s3",
    searchDomainName: "mall-us-east-1-search",
    idempotencyTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/mall-idempotency",
};

/** The link halves of an earlier region as its stack outputs give them (stacks/contracts.ts LINK_KEYS). */
export function earlierRef(region: string, second: number): EarlierDataRef {
    const short = region.replace(/-/g, "");
    return {
        region,
        privateSubnetCidrs: [48, 64, 80].map((third) => `10.${second}.${third}.0/20`),
        dataSecurityGroupIds: { aurora: `sg-${short}aurora`, docdb: `sg-${short}docdb`, cache: `sg-${short}cache`, msk: `sg-${short}msk`, search: `sg-${short}search` },
        mskClusterArn: region === PRIMARY_REF.region ? PRIMARY_REF.mskClusterArn : `arn:aws:kafka:${region}:123456789012:cluster/mall-${region}-msk/uuid-${short}`,
        mskSecurityGroupId: region === PRIMARY_REF.region ? PRIMARY_REF.mskSecurityGroupId : `sg-${short}msk`,
        dataSubnetIds: region === PRIMARY_REF.region ? PRIMARY_REF.dataSubnetIds : ["subnet-e1", "subnet-e2", "subnet-e3"],
        logsKeyArn: `arn:aws:kms:${region}:123456789012:key/${short}-logs`,
        docdbEndpoint: `mall-${region}-docdb.cluster-c${short}.${region}.docdb.amazonaws.com`,
        cacheEndpoint: `clustercfg.mall-${region}-cache.${short}.${short}.cache.amazonaws.com`,
    };
}

/** The deploy workflow's role in the test stacks (Pulumi.<stack>.yaml mall:deployRunner.deployRoleArn). */
export const DEPLOYER_ARN = "arn:aws:iam::123456789012:role/mall-deploy";

export function planPrimary(sizing?: DataSizing): Promise<Resources> {
    return planComponent(
        () =>
            new GlobalData("data", {
                context: testContext("us-east-1", "primary"),
                network: { vpcId: "vpc-primary", dataSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
                clientSecurityGroupId: "sg-clients",
                deployerArns: [DEPLOYER_ARN],
                sizing,
                // The primary's default account baseline (stacks/settings/baseline.ts).
                createOpenSearchServiceLinkedRole: true,
                links: planLinks(REGIONS, "us-east-1"),
            }),
        { region: "us-east-1" },
    );
}

/** The primary's outputs as a stack registered with `regions` sees them: it declared a cache user group for each. */
export function primaryRefFor(regions: readonly { name: string }[]): PrimaryDataRef {
    return { ...PRIMARY_REF, cacheUserGroupIds: Object.fromEntries(regions.map((r) => [r.name, `mall-${r.name}-cache-users`])) };
}

export function planSecondary(regions = REGIONS, region = "us-west-2", primary: PrimaryDataRef = primaryRefFor(regions)): Promise<Resources> {
    return planComponent(
        () =>
            new GlobalData("data", {
                context: testContext(region, "secondary"),
                network: { vpcId: "vpc-secondary", dataSubnetIds: ["subnet-x", "subnet-y", "subnet-z"] },
                clientSecurityGroupId: "sg-clients",
                deployerArns: [DEPLOYER_ARN],
                links: planLinks(regions, region),
                primary,
                earlier: regions.slice(0, regions.findIndex((r) => r.name === region)).map((r, i) => earlierRef(r.name, i)),
                privateSubnetCidrs: ["10.9.48.0/20", "10.9.64.0/20", "10.9.80.0/20"],
            }),
        { region },
    );
}
