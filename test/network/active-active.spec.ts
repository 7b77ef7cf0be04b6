/**
 * Active-active I: from the planned stacks, with two regions (the shipped stacks) and three (a copy
 * of the project with ap-northeast-2 added exactly as the README says): every region's services have
 * an admitted write path to every store with the writer in each region of the failover order, events
 * and objects replicate both ways between every pair, every pair of regions is peered, and the
 * spec's topics exist in every region.
 */
import * as assert from "assert";
import { REGISTRY } from "../registry";
import * as fs from "fs";
import { TOPICS } from "../../components/catalogue";
import { STORES, WRITE_PATHS, bucketName } from "../../components/data/plan";
import { TOPIC_NAME_CONFIGURATION, replicatedTopicsPattern } from "../../components/data/msk";
import { dataStores } from "../../components/network/flows";
import { MOCK_ACCOUNT_ID } from "../../tools/plan/mocks";
import { PlannedResource } from "../../tools/plan/contract";
import { StackResult, plan } from "../../tools/plan/plan";
import { checkFlows, dataTierExposure } from "../../tools/reachability/check";
import { ROOT, threeRegionProject } from "../stacks/scratch";

const all = (stacks: readonly StackResult[], type: string): (PlannedResource & { stack: string })[] =>
    stacks.flatMap((s) => s.resources.filter((r) => r.type === type).map((r) => ({ ...r, stack: s.stack })));
const regionOf = (r: PlannedResource & { stack: string }) => (typeof r.inputs.region === "string" ? r.inputs.region : r.stack);

for (const [label, regions, load] of [
    ["the shipped registry", REGISTRY.regions, () => ROOT],
    ["three regions (ap-northeast-2 added as the README says)", ["us-east-1", "us-west-2", "ap-northeast-2"], threeRegionProject],
] as const) {
    describe(`active-active, ${label}`, function () {
        this.timeout(300_000);
        let stacks: StackResult[];
        before(async () => {
            const dir = load();
            const result = await plan({ dir, skipPolicy: true, environment: "production" });
            if (dir !== ROOT) fs.rmSync(dir, { recursive: true, force: true });
            assert.strictEqual(result.failure, undefined, result.failure?.error.message);
            stacks = result.stacks;
            assert.deepStrictEqual(stacks.map((s) => s.stack), [...regions]);
        });
        const dsqlPair = regions.slice(0, 2);

        for (const writer of regions) {
            it(`writer in ${writer}: a service in every region has an admitted write path to every store, and every row holds`, () => {
                const results = checkFlows(stacks, { writerRegion: writer });
                assert.deepStrictEqual(results.filter((r) => !r.ok).map((r) => `${r.row.id}: ${r.why.join("; ")}`), []);
                const byId = new Map(results.map((r) => [r.row.id, r]));
                for (const r of regions) {
                    const expected = [
                        ...dataStores().map((s) => `eks-nodes@${r} -> data:${s.id}@${WRITE_PATHS[s.id] === "writer-region" ? writer : r}:${s.port}`),
                        `eks-nodes@${r} -> aws-api:dsql@${dsqlPair.includes(r) ? r : regions[0]}:5432`,
                    ];
                    for (const id of expected) {
                        const got = byId.get(id);
                        assert.ok(got, `no row ${id}`);
                        assert.strictEqual(got.admitted, true, `${id}: ${got.why.join("; ")}`);
                    }
                }
                assert.deepStrictEqual(dataTierExposure(stacks, { writerRegion: writer }), []);
            });
        }

        it("peers every pair of regions once, the later stack owning the link and routes both ways", () => {
            const attachments = all(stacks, "aws:ec2transitgateway/peeringAttachment:PeeringAttachment");
            const pairs = regions.flatMap((a, i) => regions.slice(i + 1).map((b) => `${b}->${a}`));
            assert.deepStrictEqual(attachments.map((a) => `${a.stack}->${a.inputs.peerRegion}`).sort(), [...pairs].sort());
            const tgwRoutes = all(stacks, "aws:ec2transitgateway/route:Route");
            for (const a of regions) {
                for (const b of regions.filter((x) => x !== a)) {
                    const cidrB = stacks.find((s) => s.stack === b)!.outputs.vpcCidr;
                    assert.strictEqual(tgwRoutes.filter((r) => regionOf(r) === a && r.inputs.destinationCidrBlock === cidrB).length, 1, `${a} TGW route to ${b}`);
                }
            }
        });

        it("replicates events both ways between every pair: one prefixed MSK Replicator per direction, homed in its target, offsets synced, lag alarmed there", () => {
            const reps = all(stacks, "aws:msk/replicator:Replicator");
            const directions = reps.map((r) => {
                const info = r.inputs.replicationInfoList as Record<string, any>;
                const src = String(info.sourceKafkaClusterArn).split(":")[3];
                const dst = String(info.targetKafkaClusterArn).split(":")[3];
                assert.strictEqual(regionOf(r), dst, `${r.name} is homed in its target region`);
                assert.deepStrictEqual(info.topicReplications[0].topicsToReplicates, [replicatedTopicsPattern()]);
                assert.deepStrictEqual(info.topicReplications[0].topicNameConfiguration, { type: TOPIC_NAME_CONFIGURATION });
                assert.strictEqual(info.consumerGroupReplications[0].synchroniseConsumerGroupOffsets, true);
                return `${src}->${dst}`;
            });
            assert.deepStrictEqual(directions.sort(), regions.flatMap((a) => regions.filter((b) => b !== a).map((b) => `${a}->${b}`)).sort());
            const alarms = all(stacks, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.namespace === "AWS/Kafka");
            for (const r of reps) {
                const name = r.inputs.replicatorName;
                const alarm = alarms.find((a) => (a.inputs.dimensions as Record<string, string>).ReplicatorName === name);
                assert.ok(alarm, `no lag alarm on ${name}`);
                assert.strictEqual(regionOf(alarm), regionOf(r), `${name}'s alarm lives with its metric`);
            }
        });

        it("the pattern replicates the spec's topics and never a replica (no loops, no relays)", () => {
            const re = new RegExp(`^${replicatedTopicsPattern().replace(/\\\\/g, "\\")}$`);
            for (const t of TOPICS) assert.ok(re.test(t.name), t.name);
            for (const t of TOPICS) assert.ok(!re.test(`us-east-1-alias.${t.name}`), `replica of ${t.name}`);
        });

        it("replicates objects both ways between every pair, all rules in the last region's stack, traces by their region's prefix", () => {
            // The storefront's one-way replication is the edge's (the primary's stack, site-replica.ts).
            const all3 = all(stacks, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
            assert.deepStrictEqual(all3.filter((c) => c.name === "edge-web-replication").map((c) => c.stack), [regions[0]]);
            const configs = all3.filter((c) => c.name !== "edge-web-replication");
            assert.ok(configs.every((c) => c.stack === regions[regions.length - 1]), "owned by the last region");
            const got = configs.flatMap((c) =>
                (c.inputs.rules as Record<string, any>[]).map((rule) => {
                    const source = regionOf(c);
                    assert.strictEqual(rule.sourceSelectionCriteria.replicaModifications.status, "Enabled");
                    const purpose = String(c.inputs.bucket).includes("-traces-") ? "traces" : "static-assets";
                    assert.strictEqual(c.inputs.bucket, bucketName("mall", source, purpose, MOCK_ACCOUNT_ID));
                    assert.deepStrictEqual(rule.filter, purpose === "traces" ? { prefix: `${source}/` } : {});
                    return `${purpose}:${source}->${String(rule.destination.bucket).split("-")[1]}`;
                }),
            );
            const want = ["static-assets", "traces"].flatMap((p) => regions.flatMap((a) => regions.filter((b) => b !== a).map((b) => `${p}:${a}->${b.split("-")[0]}`)));
            assert.deepStrictEqual(got.sort(), want.sort());
        });

        it("creates the spec's topics in every region: partitions, three replicas, two in sync, retention", () => {
            for (const s of stacks) {
                const topics = s.resources.filter((r) => r.type === "kafka:index/topic:Topic");
                assert.deepStrictEqual(
                    topics.map((t) => [t.inputs.name, t.inputs.partitions, t.inputs.replicationFactor, (t.inputs.config as Record<string, string>)["retention.ms"], (t.inputs.config as Record<string, string>)["min.insync.replicas"], t.protect]),
                    TOPICS.map((t) => [t.name, t.partitions, 3, String(t.retentionDays * 86_400_000), "2", true]),
                    s.stack,
                );
            }
        });

        it("publishes every region's DocumentDB and Valkey members in every region's writer directory", () => {
            const params = all(stacks, "aws:ssm/parameter:Parameter");
            for (const at of regions) {
                const here = params.filter((p) => regionOf(p) === at).map((p) => String(p.inputs.name)).sort();
                assert.deepStrictEqual(here, ["cache", "docdb"].flatMap((st) => regions.map((m) => `/mall/writers/${st}/${m}`)).sort(), at);
            }
        });

        it("gives each service its ConfigMap: cart in every region reads its local Valkey and finds the writer through the directory", () => {
            for (const s of stacks) {
                const cm = s.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Record<string, string>).name === "cart-data")!;
                assert.ok(cm, s.stack);
                const data = cm.inputs.data as Record<string, string>;
                assert.strictEqual((cm.inputs.metadata as Record<string, string>).namespace, "commerce");
                assert.strictEqual(data.CACHE_WRITE_PATH, "writer-region");
                assert.strictEqual(data.CACHE_WRITER_DIRECTORY, "/mall/writers/cache/");
                assert.strictEqual(data.MALL_FAILOVER_ORDER, regions.join(","));
                assert.strictEqual(data.KAFKA_CONSUMER_GROUP, `cart.${s.stack}`);
                assert.match(data.CACHE_ENDPOINT, new RegExp(`\\.${s.stack.replace(/-/g, "")}\\.cache\\.amazonaws\\.com$`));
                assert.strictEqual(data.DOCDB_ENDPOINT, undefined, "only the stores the catalogue gives it");
            }
        });

        it("gives Aurora services in every region the one global writer endpoint beside their local (forwarding) cluster endpoint", () => {
            const global = stacks[0].resources.find((r) => r.type === "aws:rds/globalCluster:GlobalCluster")!;
            for (const s of stacks) {
                const data = s.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.inputs.metadata as Record<string, string>).name === "user-account-data")!.inputs.data as Record<string, string>;
                assert.match(data.AURORA_GLOBAL_WRITER_ENDPOINT, /^mall-aurora-global\.global-[0-9a-f]{12}\.global\.rds\.amazonaws\.com$/);
                assert.strictEqual(data.AURORA_GLOBAL_WRITER_ENDPOINT, stacks[0].outputs.auroraGlobalWriterEndpoint, global.name);
                assert.match(data.AURORA_ENDPOINT, new RegExp(`\\.cluster-[0-9a-f]{12}\\.${s.stack}\\.rds\\.amazonaws\\.com$`));
                assert.strictEqual(data.AURORA_WRITE_PATH, "forwarded");
            }
        });
    });
}

describe("the write-path catalogue", () => {
    it("docs/data.md lists every store's write path as components/data/plan.ts WRITE_PATHS says, in STORES order", () => {
        const doc = fs.readFileSync(`${ROOT}/docs/data.md`, "utf8");
        const section = doc.slice(doc.indexOf("## Write paths"), doc.indexOf("## Events both ways"));
        const paths = section
            .split("\n")
            .filter((l) => /^\| [^-|]/.test(l) && !l.startsWith("| store"))
            .map((l) => l.split("|")[2].trim().replace(/`/g, ""));
        assert.deepStrictEqual(paths, STORES.map((s) => WRITE_PATHS[s.id]));
    });
});
