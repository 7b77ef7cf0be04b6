import * as assert from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { SERVICES } from "../../components/catalogue";
import { PRODUCTION, SMALL, STORES, bucketName, cacheNodeIds, clusterIdentifier, planClusterMembers, planLinks, secretReplicaArn, storeUsers } from "../../components/data/plan";
import { renderDataTable } from "../../tools/readme-block";
import { DATA_TABLE_END, DATA_TABLE_START, currentBlock, dataTableBlock, withDataTable } from "../../tools/readme-block";

describe("data plan: sizing profiles", () => {
    it("production carries the ARCHITECTURE §4 figures", () => {
        assert.deepStrictEqual(
            [PRODUCTION.aurora.writerClass, PRODUCTION.aurora.readerClass, PRODUCTION.aurora.primaryReaders, PRODUCTION.aurora.secondaryReaders],
            ["db.r6g.2xlarge", "db.r6g.xlarge", 2, 2],
        );
        assert.deepStrictEqual([PRODUCTION.docdb.engineVersion, PRODUCTION.docdb.instanceClass, PRODUCTION.docdb.primaryReaders], ["5.0.0", "db.r6g.2xlarge", 2]);
        assert.deepStrictEqual(
            [PRODUCTION.cache.engineVersion, PRODUCTION.cache.nodeType, PRODUCTION.cache.shards, PRODUCTION.cache.replicasPerShard],
            ["7.2", "cache.r7g.xlarge", 3, 2],
        );
        assert.deepStrictEqual([PRODUCTION.msk.kafkaVersion, PRODUCTION.msk.brokers, PRODUCTION.msk.instanceType], ["3.6.0", 3, "kafka.m5.large"]);
        assert.deepStrictEqual([PRODUCTION.search.engineVersion, PRODUCTION.search.dedicatedMasters], ["OpenSearch_2.17", 3]);
        assert.strictEqual(PRODUCTION.backupRetentionDays, 35);
        assert.strictEqual(PRODUCTION.aurora.engineMajor, "16", "global write forwarding: every Aurora PostgreSQL 16 minor");
        assert.strictEqual(PRODUCTION.aurora.engineVersion, undefined, "resolved at deploy unless a stack pins it");
    });

    it("small keeps what the global features need (no burstable classes, 35-day backups)", () => {
        for (const c of [SMALL.aurora.writerClass, SMALL.aurora.readerClass, SMALL.docdb.instanceClass]) assert.doesNotMatch(c, /\.t\d/);
        assert.doesNotMatch(SMALL.msk.instanceType, /t3/);
        assert.strictEqual(SMALL.backupRetentionDays, 35);
        assert.ok(SMALL.aurora.secondaryReaders >= 1 && SMALL.docdb.secondaryReaders >= 1, "a secondary needs at least one instance");
    });
});

describe("data plan: pairwise links", () => {
    const regions = [
        { name: "us-east-1", role: "primary" as const },
        { name: "us-west-2", role: "secondary" as const },
        { name: "ap-northeast-2", role: "secondary" as const },
    ];
    const table: [string, ReturnType<typeof planLinks>][] = [
        ["us-east-1", { ownsS3Replication: false, s3Routes: [], dsql: true, ownsDsqlPeering: false, secretReplicaRegions: ["us-west-2", "ap-northeast-2"] }],
        ["us-west-2", { ownsS3Replication: false, s3Routes: [], dsql: true, ownsDsqlPeering: true, secretReplicaRegions: [] }],
        [
            "ap-northeast-2",
            {
                ownsS3Replication: true,
                s3Routes: [
                    { source: "us-east-1", destinations: ["us-west-2", "ap-northeast-2"] },
                    { source: "us-west-2", destinations: ["us-east-1", "ap-northeast-2"] },
                    { source: "ap-northeast-2", destinations: ["us-east-1", "us-west-2"] },
                ],
                dsql: false,
                ownsDsqlPeering: false,
                secretReplicaRegions: [],
            },
        ],
    ];
    for (const [region, expected] of table) {
        it(`${region}`, () => assert.deepStrictEqual(planLinks(regions, region), expected));
    }

    it("names the registry when asked about an unknown region", () => {
        assert.throws(() => planLinks(regions, "eu-west-1"), /region eu-west-1 is not in the registry \(us-east-1, us-west-2, ap-northeast-2\)/);
    });

    it("for any registry: exactly one S3 replication owner (the last) replicating every region's buckets to every other, exactly two DSQL clusters", () => {
        fc.assert(
            fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{2}-[a-z]{4,8}-[1-9]$/), { minLength: 2, maxLength: 6 }), (names) => {
                const regs = names.map((name, i) => ({ name, role: i === 0 ? ("primary" as const) : ("secondary" as const) }));
                const links = regs.map((r) => planLinks(regs, r.name));
                const owners = links.filter((l) => l.ownsS3Replication);
                assert.strictEqual(owners.length, 1);
                assert.strictEqual(links.indexOf(owners[0]), names.length - 1);
                // Every ordered pair exactly once: both directions, full mesh.
                const pairs = owners[0].s3Routes.flatMap((r) => r.destinations.map((d) => `${r.source}>${d}`));
                assert.deepStrictEqual(pairs.sort(), names.flatMap((a) => names.filter((b) => b !== a).map((b) => `${a}>${b}`)).sort());
                assert.strictEqual(links.filter((l) => l.dsql).length, 2);
                assert.strictEqual(links.filter((l) => l.ownsDsqlPeering).length, 1);
            }),
        );
    });

    it("bucket names stay within S3's 63 characters for every registered-style region", () => {
        assert.strictEqual(bucketName("mall", "ap-northeast-2", "static-assets", "123456789012"), "mall-ap-northeast-2-static-assets-123456789012");
        assert.ok(bucketName("mall", "ap-southeast-4", "static-assets", "123456789012").length <= 63);
    });
});

describe("data plan: the README data-layer table", () => {
    it("lists every store, with the catalogue's services", () => {
        const table = renderDataTable();
        assert.strictEqual(table.split("\n").length, STORES.length + 2);
        assert.ok(table.includes("| DocumentDB global cluster | product-catalog, user-profile, wishlist, review, recommendation, notification, analytics | oplog async to every secondary | ~2 s |"));
        assert.ok(table.includes(`| MSK Kafka | all ${SERVICES.length} services |`));
        assert.deepStrictEqual(storeUsers(STORES.find((s) => s.id === "dsql")!), ["order", "payment", "inventory"]);
    });

    it("every catalogue store is in some row, every service in some row", () => {
        const covered = new Set(STORES.flatMap((s) => storeUsers(s)));
        for (const svc of SERVICES) assert.ok(covered.has(svc.name), `${svc.name} uses no store in the table`);
    });

    it("README.md's block is the generated one (run tools/readme.ts when this fails)", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        assert.ok(readme.includes("## Data layer"));
        assert.strictEqual(currentBlock(readme), dataTableBlock(), "README.md's data-layer table is stale: npx ts-node --transpile-only tools/readme.ts");
    });

    it("regenerates a stale block and refuses a README without markers", () => {
        const stale = `# x\n\n## Data layer\n\n${DATA_TABLE_START}\n| old |\n${DATA_TABLE_END}\n\ntail\n`;
        const fresh = withDataTable(stale);
        assert.strictEqual(fresh, `# x\n\n## Data layer\n\n${dataTableBlock()}\n\ntail\n`);
        assert.strictEqual(withDataTable(fresh), fresh);
        assert.throws(() => withDataTable("# no markers"), /README.md has no <!-- data-table:start --> … <!-- data-table:end --> block; add both markers under "## Data layer"/);
    });
});

describe("data plan: global database members", () => {
    it("the primary has the writer then its readers; a secondary only readers", () => {
        assert.deepStrictEqual(planClusterMembers("primary", 2), [
            { id: "writer", writer: true, tier: 0 },
            { id: "reader-1", writer: false, tier: 1 },
            { id: "reader-2", writer: false, tier: 1 },
        ]);
        assert.deepStrictEqual(planClusterMembers("secondary", 2), [
            { id: "reader-1", writer: false, tier: 1 },
            { id: "reader-2", writer: false, tier: 1 },
        ]);
    });
});

describe("data plan: naming rules", () => {
    it("derives a cluster's identifier from its ARN", () => {
        assert.strictEqual(clusterIdentifier("arn:aws:rds:us-west-2:123456789012:cluster:mall-us-west-2-aurora"), "mall-us-west-2-aurora");
    });
    it("names a cluster-mode replication group's nodes shard by shard", () => {
        assert.deepStrictEqual(cacheNodeIds("mall-cache", 2, 1), ["mall-cache-0001-001", "mall-cache-0001-002", "mall-cache-0002-001", "mall-cache-0002-002"]);
        assert.strictEqual(cacheNodeIds("g", 3, 2).length, 9);
    });
    it("computes a secret replica's ARN by swapping the region only", () => {
        assert.strictEqual(
            secretReplicaArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/docdb/review-AbCdEf", "us-west-2"),
            "arn:aws:secretsmanager:us-west-2:123456789012:secret:mall/docdb/review-AbCdEf",
        );
    });
});
