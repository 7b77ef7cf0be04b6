/**
 * A credential per service for the cache (security review S5): the planner's access strings, and
 * over the shipped plan every region's users and groups, the members' RBAC, and secrets that only
 * their own service's role reads.
 */
import * as assert from "assert";
import { CACHE_SERVICES, DEFAULT_USER_ACCESS, accessProblems, cacheAccessString, cacheKeyPatterns, cacheKeyPrefix } from "../../components/data/cache-users";
import { PlannedResource } from "../../tools/plan/contract";
import { REGIONS, planSecondary, primaryRefFor } from "../data/fixtures";
import { shippedPlan } from "../registry";

type Stack = { stack: string; environment: string; role: string; resources: PlannedResource[]; outputs: Record<string, unknown> };
const ofType = (s: Stack, type: string) => s.resources.filter((r) => r.type === type);
const USER = "aws:elasticache/user:User";
const GROUP = "aws:elasticache/userGroup:UserGroup";
const RG = "aws:elasticache/replicationGroup:ReplicationGroup";

describe("cache users (S5): the access strings", () => {
    it("are the three cache services', each on its own key prefix, without dangerous commands", () => {
        assert.deepStrictEqual(CACHE_SERVICES, ["cart", "pricing", "api-gateway"]);
        assert.strictEqual(cacheAccessString("cart"), "on ~cart:* -@all +@read +@write +@transaction +@connection -@dangerous -scan -randomkey -dbsize +cluster|slots +cluster|shards +cluster|nodes");
        // The spec's key families, each owned by one service (docs/data.md "Cache keys and TTLs").
        assert.deepStrictEqual(Object.fromEntries(CACHE_SERVICES.map((s) => [s, cacheKeyPatterns(s)])), {
            cart: ["cart:*"],
            pricing: ["pricing:*", "product:*", "stock:*", "promo:*", "leaderboard:*", "cache:categories"],
            "api-gateway": ["api-gateway:*", "session:*", "ratelimit:*", "search-history:*"],
        });
        assert.strictEqual(cacheAccessString("api-gateway").split(" -@all")[0], "on ~api-gateway:* ~session:* ~ratelimit:* ~search-history:*");
        for (const svc of CACHE_SERVICES) assert.deepStrictEqual(accessProblems(svc, cacheAccessString(svc)), [], svc);
        assert.throws(() => cacheAccessString("order"), /order does not use the cache/);
    });
    it("accessProblems refuses another service's keys, every key or channel, every command, dangerous commands by name, a missing -@dangerous, and keyless reads", () => {
        const tail = "-@dangerous -scan -randomkey -dbsize";
        assert.deepStrictEqual(accessProblems("cart", `on ~pricing:* ~* -@all +@read ${tail}`), ["key pattern ~pricing:* is not cart's own (cart:*)", "key pattern ~* is not cart's own (cart:*)"]);
        assert.deepStrictEqual(accessProblems("pricing", `on ~product:* ~session:* -@all +@read ${tail}`), ["key pattern ~session:* is not pricing's own (pricing:* product:* stock:* promo:* leaderboard:* cache:categories)"]);
        assert.deepStrictEqual(accessProblems("cart", "on ~cart:* &* +@all -scan -randomkey -dbsize"), ["&* is not allowed", "+@all is not allowed", "-@dangerous is missing"]);
        assert.deepStrictEqual(accessProblems("cart", `on %R~cart:* allkeys -@all +@dangerous ${tail} +keys +EVAL +config|get`), ["allkeys is not allowed", "+@dangerous is not allowed", "+keys is not allowed", "+EVAL is not allowed", "+config|get is not allowed"]);
        // SCAN and RANDOMKEY take no key: a pattern cannot restrict them, so they are denied after the last grant of @read.
        assert.deepStrictEqual(accessProblems("cart", "on ~cart:* -@all -scan -randomkey -dbsize +@read -@dangerous"), [
            "-scan is missing (it lists every service's keys)",
            "-randomkey is missing (it lists every service's keys)",
            "-dbsize is missing (it lists every service's keys)",
        ]);
        assert.strictEqual(cacheKeyPrefix("api-gateway"), "api-gateway:");
    });
});

describe("cache users (S5) in the shipped plan", () => {
    let stacks: Stack[];
    before(async function () {
        this.timeout(300_000);
        stacks = (await shippedPlan()).stacks as Stack[];
    });
    const stack = (name: string) => stacks.find((s) => s.stack === name)!;

    it("the primary declares every region's users and group: a default user that is off, and one user per cache service with its own password", () => {
        const east = stack("us-east-1");
        for (const region of ["us-east-1", "us-west-2"]) {
            const here = (r: PlannedResource) => ((r.inputs.region as string | undefined) ?? "us-east-1") === region;
            const users = ofType(east, USER).filter(here);
            assert.deepStrictEqual(
                users.map((u) => [u.inputs.userId, u.inputs.userName, u.inputs.engine, u.inputs.accessString]),
                [
                    [`mall-${region}-cache-default`, "default", "valkey", DEFAULT_USER_ACCESS],
                    ...CACHE_SERVICES.map((svc) => [`mall-${region}-cache-${svc}`, svc, "valkey", cacheAccessString(svc)]),
                ],
                region,
            );
            for (const svc of CACHE_SERVICES) {
                const u = users.find((x) => x.inputs.userName === svc)!;
                // The password is the service's own generated one (the same in every region), kept secret.
                assert.deepStrictEqual(u.propertyDependencies.authenticationMode, [east.resources.find((r) => r.name === `data-cache-${svc}-password`)!.urn], svc);
                assert.deepStrictEqual(u.inputs.authenticationMode, { type: "password", passwords: ["[secret]"] });
            }
            const group = ofType(east, GROUP).filter(here);
            assert.deepStrictEqual(group.map((g) => [g.inputs.userGroupId, g.inputs.engine, g.inputs.userIds]), [[`mall-${region}-cache-users`, "valkey", users.map((u) => u.inputs.userId)]]);
        }
        assert.deepStrictEqual(ofType(stack("us-west-2"), USER), []);
        assert.deepStrictEqual(east.outputs.cacheUserGroupIds, { "us-east-1": "mall-us-east-1-cache-users", "us-west-2": "mall-us-west-2-cache-users" });
    });

    it("each member authenticates its region's users (no AUTH token anywhere)", () => {
        for (const s of stacks) {
            const [rg] = ofType(s, RG);
            // The primary's strategy DELETE is what moves a token-authenticated cluster to RBAC in one call; a member has none.
            assert.deepStrictEqual(
                [rg.inputs.userGroupIds, rg.inputs.authToken, rg.inputs.authTokenUpdateStrategy],
                [[`${s.stack.startsWith("staging") ? "mall-staging" : "mall"}-${s.stack.replace("staging-", "")}-cache-users`], undefined, s.role === "primary" ? "DELETE" : undefined],
                s.stack,
            );
        }
    });

    it("each cache service's password is in its own secret, and only that service's role may read it", () => {
        for (const s of stacks) {
            const secrets = (s.outputs.cacheServiceSecretArns ?? {}) as Record<string, string>;
            assert.deepStrictEqual(Object.keys(secrets).sort(), [...CACHE_SERVICES].sort(), s.stack);
            for (const [svc, arn] of Object.entries(secrets)) {
                const readers = ofType(s, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
                    (JSON.parse(String(p.inputs.policy)).Statement as { Action: string | string[]; Resource: string | string[] }[]).some(
                        (st) => [st.Action].flat().some((a) => /^secretsmanager:(GetSecretValue|\*)$/.test(a)) && [st.Resource].flat().some((r) => r === arn || r === "*"),
                    ),
                );
                assert.deepStrictEqual(readers.map((p) => p.name), [`eks-svc-${svc}-role-policy`], `${s.stack} ${svc}`);
                const config = s.resources.find((r) => r.name === `eks-cm-${svc}`)!.inputs.data as Record<string, string>;
                assert.deepStrictEqual([config.CACHE_SECRET_ARN, config.CACHE_USERNAME, config.CACHE_KEY_PREFIX, config.CACHE_AUTH_SECRET_ARN], [arn, svc, `${svc}:`, undefined]);
            }
        }
    });
});

describe("cache users (S5): a secondary joining before the primary declared its users", () => {
    it("is refused before anything is created, naming the output and the fix", async () => {
        const regions = [...REGIONS, { name: "ap-northeast-2", role: "secondary" as const }];
        await assert.rejects(
            planSecondary(regions, "ap-northeast-2", primaryRefFor(REGIONS)),
            /the primary declares cache user groups for us-east-1, us-west-2, not ap-northeast-2 \(output cacheUserGroupIds\): it was deployed before this region was registered or before the per-service cache users; re-run pulumi up -s us-east-1 --policy-pack policy, then this stack/,
        );
    });
});
