import * as assert from "assert";
import { PRODUCTION, SMALL } from "../../components/data/plan";
import { ConfigError, parseStackConfig } from "../../stacks/settings";
import { inEnvironment } from "../environments";
import { plan } from "../../tools/plan/plan";
import { ROOT } from "../registry";

const REGISTRY = JSON.stringify({ "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } });
const base = { "aws:region": "us-east-1", "mall:domain": "example.com", "mall:regions": REGISTRY };

function problems(extra: Record<string, string>): string[] {
    try {
        parseStackConfig("mall", "us-east-1", { ...base, ...extra });
    } catch (e) {
        if (e instanceof ConfigError) return [...e.problems];
        throw e;
    }
    return [];
}

describe("data settings", () => {
    it("read the landing knobs of active-active replication and refuse a starting position MSK does not have", () => {
        const s = parseStackConfig("mall", "us-east-1", { ...base, "mall:mskOutboundStartingPosition": "LATEST", "mall:adoptKafkaTopics": "true" });
        assert.deepStrictEqual([s.data.mskOutboundStartingPosition, s.data.adoptKafkaTopics], ["LATEST", true]);
        const p = problems({ "mall:mskOutboundStartingPosition": "latest" });
        assert.strictEqual(p.length, 1);
        assert.match(p[0], /^mall:mskOutboundStartingPosition "latest" .*EARLIEST, LATEST/);
    });

    it("default to the production profile (ARCHITECTURE figures) and the us-east-2 witness", () => {
        const s = parseStackConfig("mall", "us-east-1", base);
        assert.deepStrictEqual(s.data, { profile: "production", sizing: PRODUCTION, dsqlWitnessRegion: "us-east-2", mskOutboundStartingPosition: "EARLIEST", adoptKafkaTopics: false });
    });

    it("stacks outside production default to the small profile; an explicit profile wins", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "dev-us-east-1", inEnvironment("dev", base)).data.sizing, SMALL);
        assert.strictEqual(parseStackConfig("mall", "dev-us-east-1", inEnvironment("dev", { ...base, "mall:dataProfile": "production" })).data.profile, "production");
    });

    it("applies typed overrides", () => {
        const s = parseStackConfig("mall", "us-east-1", { ...base, "mall:cacheShards": "6", "mall:auroraEngineVersion": "16.8", "mall:mskBrokers": "6" }).data.sizing;
        assert.deepStrictEqual([s.cache.shards, s.aurora.engineVersion, s.msk.brokers], [6, "16.8", 6]);
    });

    it("reports every bad value with the key, the value and the fix", () => {
        assert.deepStrictEqual(
            problems({
                "mall:dataProfile": "huge",
                "mall:auroraEngineVersion": "15.4",
                "mall:mskBrokers": "4",
                "mall:mskInstanceType": "kafka.t3.small",
                "mall:searchDataNodes": "4",
                "mall:dsqlWitnessRegion": "us-west-2",
                "mall:dataLogRetentionDays": "10",
            }),
            [
                'mall:dataProfile "huge" must be one of production, small',
                'mall:auroraEngineVersion "15.4" is not an Aurora PostgreSQL 16+ version like 16.6 (global write forwarding needs 16.x or later here)',
                "mall:mskBrokers 4 is not a multiple of mall:azCount 3; MSK spreads brokers evenly over the client subnets, use 3",
                'mall:mskInstanceType "kafka.t3.small" is not supported by MSK Replicator; use kafka.m5.large or larger',
                "mall:searchDataNodes 4 is not a multiple of the 3 zones OpenSearch zone awareness spreads over; use 3",
                "mall:dataLogRetentionDays 10 is not a CloudWatch Logs retention; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
                'mall:dsqlWitnessRegion "us-west-2" is one of the linked regions (us-east-1, us-west-2); the witness must be a third region; use us-east-2',
            ],
        );
    });

    it("lets production drop OpenSearch's dedicated masters (the deck's cost lever while search is idle), only to 0, 3 or 5", async () => {
        assert.strictEqual(parseStackConfig("mall", "us-east-1", base).data.sizing.search.dedicatedMasters, 3);
        assert.strictEqual(parseStackConfig("mall", "us-east-1", { ...base, "mall:searchDedicatedMasters": "0" }).data.sizing.search.dedicatedMasters, 0);
        assert.deepStrictEqual(problems({ "mall:searchDedicatedMasters": "2" }), [
            'mall:searchDedicatedMasters 2 must be 0 (the data nodes elect a master), 3 or 5: an odd count of at least three keeps a quorum when one is lost (Amazon OpenSearch Service, "Dedicated master nodes")',
        ]);
        const idle = await plan({ dir: ROOT, skipPolicy: true, only: "us-east-1", overrides: { "us-east-1": { "mall:searchDedicatedMasters": "0" } } });
        assert.strictEqual(idle.failure, undefined, idle.failure?.error.message);
        const cluster = idle.stacks[0].resources.find((r) => r.type === "aws:opensearch/domain:Domain")!.inputs.clusterConfig as Record<string, unknown>;
        assert.deepStrictEqual([cluster.dedicatedMasterEnabled, cluster.dedicatedMasterCount, cluster.dedicatedMasterType], [false, undefined, undefined]);
    });

    it("suggests the data key a typo meant", () => {
        assert.ok(problems({ "mall:cacheShard": "3" }).some((p) => p.startsWith("mall:cacheShard is not a setting of this program; did you mean mall:cacheShards?")));
    });
});
