import * as assert from "assert";
import { ConfigError, parseStackConfig } from "../../stacks/settings";
import { inEnvironment } from "../environments";

const REGISTRY = JSON.stringify({ "us-east-1": { cidr: "10.0.0.0/16", role: "primary" }, "us-west-2": { cidr: "10.1.0.0/16", role: "secondary" } });
const primary = (extra: Record<string, string> = {}) => ({ "mall:regions": REGISTRY, "aws:region": "us-east-1", "mall:domain": "example.com", ...extra });
const secondary = (extra: Record<string, string> = {}) => ({
    "mall:regions": REGISTRY,
    "aws:region": "us-west-2",
    "mall:domain": "example.com",
    "mall:primaryStack": "organization/mall/us-east-1",
    ...extra,
});

function problems(stack: string, raw: Record<string, string>): readonly string[] {
    try {
        parseStackConfig("mall", stack, raw);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("expected a ConfigError");
}

describe("edge settings", () => {
    it("default to ARCHITECTURE §5's figures", () => {
        const s = parseStackConfig("mall", "us-east-1", primary());
        assert.deepStrictEqual(s.ingress, {
            evacuate: false,
            healthCheckPath: "/health/ready",
            // The fast interval in production: traffic leaves a lost region within 90 s (DR target).
            healthCheckInterval: 10,
            healthCheckFailureThreshold: 3,
            healthCheckRegions: ["us-east-1", "us-west-2", "eu-west-1"],
            apiTargetPort: 8080,
        });
        assert.deepStrictEqual(s.edge, {
            hostedZoneId: undefined,
            readOnlyApiPaths: ["/api/read/*"],
            wafAllowedCountries: ["KR", "US", "JP"],
            wafRateLimit: 2000,
            wafBotControl: "count",
            accessLogRetentionDays: 365,
            originShieldRegion: "us-east-1",
            originSecretEpoch: 1,
            originSecretPhase: "steady",
        });
    });

    it("checks at the standard 30 s outside production (the fast interval costs more)", () => {
        assert.strictEqual(parseStackConfig("mall", "staging-us-east-1", inEnvironment("staging", primary())).ingress.healthCheckInterval, 30);
    });

    it("read the evacuation switch and the fast health check on any stack", () => {
        const s = parseStackConfig("mall", "us-west-2", secondary({ "mall:evacuate": "true", "mall:healthCheckInterval": "10" }));
        assert.strictEqual(s.ingress.evacuate, true);
        assert.strictEqual(s.ingress.healthCheckInterval, 10);
    });

    it("name the key, the value and the fix", () => {
        assert.deepStrictEqual(
            problems("us-east-1", primary({
                "mall:evacuate": "yes",
                "mall:healthCheckInterval": "15",
                "mall:healthCheckRegions": JSON.stringify(["us-east-1", "mars-1"]),
                "mall:wafAllowedCountries": JSON.stringify(["kr"]),
                "mall:wafBotControl": "block",
            })),
            [
                `mall:evacuate "yes" must be true or false (default false)`,
                `mall:healthCheckInterval 15 is not a Route 53 interval; use 30 (standard) or 10 (fast)`,
                `mall:healthCheckRegions lists mars-1, where Route 53 has no health checkers; use regions from us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1`,
                `mall:healthCheckRegions has 2 distinct region(s); Route 53 needs at least 3 (default us-east-1, us-west-2, eu-west-1)`,
                `mall:wafAllowedCountries entry "kr" is not an ISO 3166-1 alpha-2 country code such as KR`,
                `mall:wafBotControl "block" must be one of count, off`,
            ],
        );
    });

    it("tell a secondary that edge keys belong to the primary", () => {
        assert.deepStrictEqual(problems("us-west-2", secondary({ "mall:wafRateLimit": "500" })), [
            "mall:wafRateLimit is set on the secondary stack us-west-2; the edge (zone, CloudFront, WAF) lives in the primary, move the key to the primary's stack file",
        ]);
    });

    it("read the origin secret's rotation step on the primary only, validated", () => {
        const s = parseStackConfig("mall", "us-east-1", primary({ "mall:originSecretEpoch": "3", "mall:originSecretPhase": "staged" }));
        assert.deepStrictEqual([s.edge.originSecretEpoch, s.edge.originSecretPhase], [3, "staged"]);
        assert.deepStrictEqual(problems("us-east-1", primary({ "mall:originSecretEpoch": "0", "mall:originSecretPhase": "rotating" })), [
            ...problems("us-east-1", primary({ "mall:originSecretEpoch": "0" })),
            `mall:originSecretPhase "rotating" must be one of steady, staged, switched`,
        ]);
        assert.deepStrictEqual(problems("us-east-1", primary({ "mall:originSecretEpoch": "1.5" })), ['mall:originSecretEpoch "1.5" must be an integer between 1 and 1000000 (default 1)']);
        assert.ok(problems("us-west-2", secondary({ "mall:originSecretPhase": "staged" })).some((p) => p.startsWith("mall:originSecretPhase is set on the secondary stack us-west-2")));
    });

    it("read the origin group's read-only API paths, validated", () => {
        assert.deepStrictEqual(parseStackConfig("mall", "us-east-1", primary({ "mall:readOnlyApiPaths": JSON.stringify(["/api/read/*", "/api/catalog/*"]) })).edge.readOnlyApiPaths, ["/api/read/*", "/api/catalog/*"]);
        assert.deepStrictEqual(problems("us-east-1", primary({ "mall:readOnlyApiPaths": JSON.stringify(["/api/*", "/api/reviews"]) })), [
            `mall:readOnlyApiPaths entry "/api/*" is the catch-all, which carries writes; CloudFront would refuse every POST/PUT/PATCH/DELETE with 403. List read-only sub-trees such as /api/read/*`,
            `mall:readOnlyApiPaths entry "/api/reviews" must start with /api/, end with /* and contain no other wildcard, e.g. /api/read/*`,
        ]);
        assert.deepStrictEqual(problems("us-west-2", secondary({ "mall:readOnlyApiPaths": JSON.stringify(["/api/read/*"]) })), [
            "mall:readOnlyApiPaths is set on the secondary stack us-west-2; the edge (zone, CloudFront, WAF) lives in the primary, move the key to the primary's stack file",
        ]);
    });

    it("accept an existing hosted zone id and reject a malformed one", () => {
        assert.strictEqual(parseStackConfig("mall", "us-east-1", primary({ "mall:hostedZoneId": "Z0123456789ABCDEFGHIJ" })).edge.hostedZoneId, "Z0123456789ABCDEFGHIJ");
        assert.deepStrictEqual(problems("us-east-1", primary({ "mall:hostedZoneId": "zone-1" })), [
            `mall:hostedZoneId "zone-1" is not a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ`,
        ]);
    });
});
