import * as assert from "assert";
import { productionPlan } from "../registry";
import { EdgeStack } from "../../components/edge/edge-stack";
import { OriginSecret } from "../../components/edge/origin-secret";
import { OriginSecretPhase, acceptedValues, planOriginSecret, rotationStepProblem } from "../../components/edge/plan";
import { DEPLOYED_SECRETS } from "../../tools/plan/mocks";
import { RegionalIngress } from "../../components/edge/regional-ingress";
import { PlanResult } from "../../tools/plan/plan";
import { Resources, planComponent, testContext } from "../harness";

const RANDOM = "random:index/randomPassword:RandomPassword";
const RULE = "aws:lb/listenerRule:ListenerRule";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

describe("the origin secret (security S1)", () => {
    describe("planOriginSecret: a rotation is three declarative steps", () => {
        const table: [number, OriginSecretPhase, number[], number, number[]][] = [
            [1, "steady", [1], 1, [1]],
            [1, "staged", [1, 2], 1, [1, 2]],
            [1, "switched", [1, 2], 2, [1, 2]],
            [2, "steady", [2], 2, [2]],
        ];
        for (const [epoch, phase, generations, send, accept] of table) {
            it(`epoch ${epoch} ${phase}: generations ${generations}, CloudFront sends ${send}, origins accept ${accept}`, () => {
                assert.deepStrictEqual(planOriginSecret(epoch, phase), { generations, send, accept });
            });
        }
        it("never sends a value an origin does not accept, and keeps the sent value accepted across each step", () => {
            for (let e = 1; e < 5; e++) {
                const steps = [planOriginSecret(e, "steady"), planOriginSecret(e, "staged"), planOriginSecret(e, "switched"), planOriginSecret(e + 1, "steady")];
                for (const s of steps) assert.ok(s.accept.includes(s.send));
                // Between consecutive deploys, what CloudFront sent before and after is accepted by the later origins (origins re-run first on adds, last on drops).
                for (let i = 1; i < steps.length; i++) assert.ok(steps[i].accept.includes(steps[i - 1].send) || steps[i - 1].accept.includes(steps[i].send));
            }
        });
        it("refuses an epoch below 1", () => assert.throws(() => planOriginSecret(0, "steady"), /epoch 0 must be an integer ≥ 1/));
    });

    describe("acceptedValues: what a secondary reads from its replica", () => {
        it("takes the accepted values of a well-formed document", () => {
            assert.deepStrictEqual(acceptedValues(JSON.stringify({ epoch: 1, phase: "staged", send: "a", accept: ["a", "b"] }), "r"), ["a", "b"]);
        });
        it("refuses a document it could not enforce", () => {
            for (const bad of ["nope", JSON.stringify({ send: "a", accept: [] }), JSON.stringify({ send: "c", accept: ["a", "b"] }), JSON.stringify({ send: "a", accept: ["a", "b", "c"] })]) {
                assert.throws(() => acceptedValues(bad, "arn:x"), /origin secret arn:x/);
            }
        });
    });

    describe("wiring in the primary", () => {
        const planPrimary = (epoch: number, phase: OriginSecretPhase): Promise<Resources> =>
            planComponent(() => {
                const ctx = testContext("us-east-1", "primary");
                const secret = new OriginSecret("origin-secret", { context: ctx, replicaRegions: ["us-west-2"], epoch, phase });
                new EdgeStack("edge", { context: ctx, domain: "example.com", registryRegions: ["us-east-1", "us-west-2"], originVerifyValue: secret.sendValue });
                new RegionalIngress("ingress", {
                    context: ctx,
                    network: { vpcId: "vpc-0abc", vpcCidr: "10.0.0.0/16", publicSubnetIds: ["subnet-a"] },
                    domain: "example.com",
                    hostedZoneId: "Z0123456789ABCDEFGHIJ",
                    registryRegions: ["us-east-1", "us-west-2"],
                    ownsValidationRecords: true,
                    originVerifyValues: secret.acceptValues,
                });
                return { secretArn: secret.secretArn };
            });
        const urnOf = (r: Resources, name: string) => r.one(RANDOM, name).urn;
        const deps = (r: Resources) => ({
            accept: [...r.one(RULE, "ingress-origin-verified").propertyDependencies.conditions].filter((u) => u.includes(RANDOM)).sort(),
            waf: [...r.one("aws:wafv2/webAcl:WebAcl", "ingress-waf").propertyDependencies.rules].filter((u) => u.includes(RANDOM)).sort(),
            send: [...r.one(DISTRIBUTION, "edge-cdn").propertyDependencies.origins].filter((u) => u.includes(RANDOM)).sort(),
        });

        it("steady: one generated value, sent by CloudFront and accepted by the listener and the WAF", async () => {
            const r = await planPrimary(1, "steady");
            assert.deepStrictEqual(r.ofType(RANDOM).map((x) => [x.name, x.inputs.length, x.inputs.special]), [["origin-secret-1", 48, false]]);
            const one = urnOf(r, "origin-secret-1");
            assert.deepStrictEqual(deps(r), { accept: [one], waf: [one], send: [one] });
        });

        it("during a rotation both values are accepted; CloudFront moves only at `switched`; afterwards only the new one", async () => {
            const staged = await planPrimary(1, "staged");
            const [a, b] = [urnOf(staged, "origin-secret-1"), urnOf(staged, "origin-secret-2")].sort();
            assert.deepStrictEqual(deps(staged), { accept: [a, b], waf: [a, b], send: [urnOf(staged, "origin-secret-1")] });
            const switched = await planPrimary(1, "switched");
            assert.deepStrictEqual(deps(switched).send, [urnOf(switched, "origin-secret-2")]);
            assert.deepStrictEqual(deps(switched).accept.length, 2);
            const after = await planPrimary(2, "steady");
            assert.deepStrictEqual(after.ofType(RANDOM).map((x) => x.name), ["origin-secret-2"]);
            const two = urnOf(after, "origin-secret-2");
            assert.deepStrictEqual(deps(after), { accept: [two], waf: [two], send: [two] });
            // The generation-2 value keeps its URN from `staged` on: it is never regenerated.
            assert.strictEqual(two, urnOf(staged, "origin-secret-2"));
        });

        it("keeps the value in Secrets Manager under its own key, replicated to each secondary with a key there, as a Pulumi secret", async () => {
            const r = await planPrimary(1, "staged");
            const secret = r.one("aws:secretsmanager/secret:Secret", "origin-secret-secret");
            assert.strictEqual(secret.inputs.name, "mall/edge/origin-verify");
            assert.deepStrictEqual(secret.propertyDependencies.kmsKeyId, [r.one("aws:kms/key:Key", "origin-secret-key").urn]);
            const replicas = secret.inputs.replicas as { region: string; kmsKeyId: string }[];
            assert.deepStrictEqual(replicas.map((x) => x.region), ["us-west-2"]);
            assert.strictEqual(r.one("aws:kms/key:Key", "origin-secret-us-west-2-key").inputs.region, "us-west-2");
            assert.match(String(r.outputs.secretArn), /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:mall\/edge\/origin-verify-[A-Za-z0-9]{6}$/);
            const version = r.one("aws:secretsmanager/secretVersion:SecretVersion", "origin-secret-secret-version");
            assert.strictEqual(version.inputs.secretString, "[secret]");
            assert.deepStrictEqual([...version.propertyDependencies.secretString].filter((u) => u.includes(RANDOM)).length, 2);
        });
    });

    describe("over the whole two-stack plan", function () {
        this.timeout(300_000);
        let result: PlanResult;
        before(async () => {
            result = await productionPlan();
            assert.strictEqual(result.failure, undefined, result.failure?.error.message);
        });

        it("every API origin of the distribution carries X-Origin-Verify, and every region's ALB requires it outside the health path", () => {
            const east = result.stacks.find((s) => s.stack === "us-east-1")!;
            const cdn = east.resources.find((r) => r.type === DISTRIBUTION)!;
            const api = (cdn.inputs.origins as { customOriginConfig?: unknown; customHeaders?: unknown }[]).filter((o) => o.customOriginConfig);
            assert.ok(api.length >= 2);
            for (const o of api) assert.deepStrictEqual(o.customHeaders, [{ name: "X-Origin-Verify", value: "[secret]" }]);
            for (const s of result.stacks) {
                const rules = s.resources
                    .filter((r) => r.type === RULE)
                    .sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority))
                    .map((r) => JSON.stringify(r.inputs.conditions));
                const verified = { httpHeader: { httpHeaderName: "X-Origin-Verify", values: "[secret]" } };
                assert.deepStrictEqual(rules, [
                    JSON.stringify([{ pathPattern: { values: ["/health/ready"] } }, { httpRequestMethod: { values: ["GET", "HEAD"] } }]),
                    JSON.stringify([{ pathPattern: { values: [`/probe/${s.stack}/alive`] } }, verified]),
                    JSON.stringify([{ pathPattern: { values: [`/probe/${s.stack}/ready`] } }, verified]),
                    JSON.stringify([{ pathPattern: { values: ["/probe/*"] } }]),
                    JSON.stringify([verified]),
                ], s.stack);
            }
        });

        it("the secondary reads its local replica of the primary's secret (no value crosses stacks)", () => {
            const east = result.stacks.find((s) => s.stack === "us-east-1")!;
            const west = result.stacks.find((s) => s.stack === "us-west-2")!;
            assert.match(String(east.outputs.originSecretArn), /:secret:mall\/edge\/origin-verify-/);
            assert.strictEqual(west.outputs.originSecretArn, east.outputs.originSecretArn);
            assert.strictEqual(west.resources.filter((r) => r.type === RANDOM && r.name.startsWith("origin-secret")).length, 0);
            for (const s of result.stacks) for (const [k, v] of Object.entries(s.outputs)) assert.ok(!/mock[0-9a-f]{20}/.test(JSON.stringify(v)), `${s.stack} output ${k} carries a secret value`);
        });

        it("no planned IAM or resource policy grants secretsmanager:GetSecretValue on the origin secret (only the deploy role, outside the program, reads it)", () => {
            const secretArn = String(result.stacks.find((s) => s.stack === "us-east-1")!.outputs.originSecretArn);
            const arns = result.stacks.map((s) => secretArn.replace(/^(arn:aws:secretsmanager:)[^:]+/, `$1${s.stack}`));
            const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`);
            const grants: string[] = [];
            let readers = 0;
            for (const s of result.stacks) {
                for (const r of s.resources) {
                    const docs: unknown[] = [];
                    for (const [k, v] of Object.entries(r.inputs)) {
                        if (/policy$/i.test(k) && typeof v === "string" && v.trim().startsWith("{")) docs.push(JSON.parse(v));
                        if (k === "inlinePolicies" && Array.isArray(v)) for (const p of v) if (typeof p?.policy === "string") docs.push(JSON.parse(p.policy));
                    }
                    for (const doc of docs) {
                        const st = (doc as { Statement?: unknown }).Statement;
                        for (const x of (Array.isArray(st) ? st : st ? [st] : []) as { Effect?: string; Action?: string | string[]; Resource?: string | string[] }[]) {
                            if (x.Effect !== "Allow") continue;
                            const actions = ([] as string[]).concat(x.Action ?? []);
                            if (!actions.some((a) => glob(a.toLowerCase()).test("secretsmanager:getsecretvalue"))) continue;
                            readers++;
                            const resources = ([] as string[]).concat(x.Resource ?? []);
                            if (resources.some((res) => arns.some((arn) => glob(res).test(arn)))) grants.push(`${s.stack} ${r.type} ${r.name}`);
                        }
                    }
                }
            }
            // Not vacuous: the services' own secrets are granted (DocumentDB, Valkey AUTH), just not this one.
            assert.ok(readers > 0, "no GetSecretValue grant found at all: the scan reads no policy");
            assert.deepStrictEqual(grants, []);
        });
    });
});

describe("the origin secret: review fixes", () => {
    it("a secondary refuses a replica that is behind the primary's rotation step (replication is asynchronous)", () => {
        const doc = JSON.stringify({ epoch: 3, phase: "staged", send: "a".repeat(48), accept: ["a".repeat(48), "b".repeat(48)] });
        assert.deepStrictEqual(acceptedValues(doc, "arn:replica", { epoch: 3, phase: "staged" }), ["a".repeat(48), "b".repeat(48)]);
        assert.throws(
            () => acceptedValues(doc, "arn:replica", { epoch: 3, phase: "switched" }),
            new Error("the origin secret arn:replica holds epoch 3 staged, but the primary wrote epoch 3 switched: replication is behind; re-run this stack in a minute"),
        );
    });

    it("the origin WAF samples only the requests it blocks for lacking the secret (samples carry every header, unredacted)", async () => {
        const res = await planComponent(() => {
            new RegionalIngress("ingress", {
                context: testContext(),
                network: { vpcId: "vpc-0abc", vpcCidr: "10.0.0.0/16", publicSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
                domain: "example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                registryRegions: ["us-east-1", "us-west-2"],
                ownsValidationRecords: true,
                originVerifyValues: ["x".repeat(48)],
            });
        });
        const acl = res.all.find((r) => r.type === "aws:wafv2/webAcl:WebAcl")!;
        const sampled = (v: unknown) => (v as { sampledRequestsEnabled: boolean }).sampledRequestsEnabled;
        assert.strictEqual(sampled(acl.inputs.visibilityConfig), false);
        const rules = acl.inputs.rules as { name: string; visibilityConfig: unknown }[];
        assert.deepStrictEqual(rules.filter((r) => sampled(r.visibilityConfig)).map((r) => r.name), ["require-origin-verify"]);
    });
});

describe("the origin secret: one rotation step at a time", () => {
    const state = (epoch: number, phase: OriginSecretPhase) => ({ epoch, phase });
    it("allows a re-run, one step forward and one step back out of a rotation", () => {
        for (const [prev, next] of [
            [state(1, "steady"), state(1, "steady")],
            [state(1, "steady"), state(1, "staged")],
            [state(1, "staged"), state(1, "switched")],
            [state(1, "switched"), state(2, "steady")],
            [state(1, "staged"), state(1, "steady")],
            [state(1, "switched"), state(1, "staged")],
        ] as const) {
            assert.strictEqual(rotationStepProblem(prev, next), undefined, `${JSON.stringify(prev)} → ${JSON.stringify(next)}`);
        }
    });

    it("refuses a step that skips the secondaries' deploy in between, saying which step comes next", () => {
        for (const [prev, next] of [
            [state(1, "steady"), state(1, "switched")],
            [state(1, "steady"), state(2, "steady")],
            [state(1, "staged"), state(2, "steady")],
            [state(2, "steady"), state(1, "steady")],
        ] as const) {
            assert.ok(rotationStepProblem(prev, next), `${JSON.stringify(prev)} → ${JSON.stringify(next)}`);
        }
        assert.strictEqual(
            rotationStepProblem(state(1, "steady"), state(2, "steady")),
            "the origin secret is at epoch 1 steady; epoch 2 steady is not the next rotation step (epoch 1 steady → epoch 1 staged → epoch 1 switched → epoch 2 steady, each deployed to the primary and then every secondary): set mall:originSecretEpoch and mall:originSecretPhase one step at a time",
        );
    });

    it("reads the deployed step from the secret itself and stops the primary before it writes a skipped step", async () => {
        DEPLOYED_SECRETS.set("mall/edge/origin-verify", JSON.stringify({ epoch: 1, phase: "steady", send: "a".repeat(48), accept: ["a".repeat(48)] }));
        try {
            const ok = await planComponent(() => new OriginSecret("origin-secret", { context: testContext(), replicaRegions: ["us-west-2"], epoch: 1, phase: "staged" }));
            assert.strictEqual(ok.count("aws:secretsmanager/secretVersion:SecretVersion"), 1);
            await assert.rejects(
                planComponent(() => new OriginSecret("origin-secret", { context: testContext(), replicaRegions: ["us-west-2"], epoch: 2, phase: "steady" })),
                /OriginSecret origin-secret: the origin secret is at epoch 1 steady; epoch 2 steady is not the next rotation step/,
            );
        } finally {
            DEPLOYED_SECRETS.clear();
        }
    });
});
