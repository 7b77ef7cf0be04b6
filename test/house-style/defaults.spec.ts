/**
 * One home per default (house style): each default is a constant on its component, the settings
 * readers import it, and derived values (chart tolerations) follow the thing they derive from.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { API_GATEWAY_PORT } from "../../components/catalogue";
import { AUDIT_LOG_RETENTION_DAYS, DEFAULT_LOG_RETENTION_DAYS } from "../../components/common/logs";
import { WAF_DEFAULTS } from "../../components/edge/plan";
import { NODE_POOLS, NodePoolSpec } from "../../components/eks/defaults";
import { EksCluster } from "../../components/eks/eks-cluster";
import { PLATFORM_POOL, poolPlacement } from "../../components/eks/karpenter-plan";
import { ConfigReader } from "../../stacks/settings/reader";
import { readDr } from "../../stacks/settings/dr";
import { readEdge, readIngress } from "../../stacks/settings/edge";
import { readSecurity } from "../../stacks/settings/security";
import { planComponent, testContext } from "../harness";

const ROOT = path.join(__dirname, "..", "..");

describe("house style: one home per default", () => {
    const r = new ConfigReader("us-east-1", {});
    const edge = readEdge(r, "primary");
    const ingress = readIngress(r);

    it("the settings readers default to the components' constants", () => {
        assert.deepStrictEqual(edge.wafAllowedCountries, [...WAF_DEFAULTS.allowedCountries]);
        assert.strictEqual(edge.wafRateLimit, WAF_DEFAULTS.rateLimit);
        assert.strictEqual(edge.wafBotControl, WAF_DEFAULTS.botControl);
        assert.strictEqual(ingress.apiTargetPort, API_GATEWAY_PORT);
        assert.strictEqual(readDr(r, "production").drLogRetentionDays, DEFAULT_LOG_RETENTION_DAYS);
        assert.strictEqual(readSecurity(r, "production").auditLogRetentionDays, AUDIT_LOG_RETENTION_DAYS);
        assert.strictEqual(readSecurity(r, "staging").auditLogRetentionDays, AUDIT_LOG_RETENTION_DAYS);
    });

    it("no component or reader writes those defaults as literals", () => {
        const literal = /\?\? (90|8080|2000)\b|default: (90|8080|2000)\b|\["KR", "US", "JP"\]/;
        const offenders: string[] = [];
        for (const dir of ["components", "stacks"]) {
            const walk = (d: string): void => {
                for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                    const p = path.join(d, e.name);
                    if (e.isDirectory()) walk(p);
                    else if (p.endsWith(".ts")) {
                        fs.readFileSync(p, "utf8")
                            .split("\n")
                            .forEach((line, i) => {
                                if (literal.test(line) && !/^\s*(\/\*|\*|\/\/)/.test(line)) offenders.push(`${path.relative(ROOT, p)}:${i + 1}`);
                            });
                    }
                }
            };
            walk(path.join(ROOT, dir));
        }
        // The constants' own homes are the only places the values appear.
        assert.deepStrictEqual(offenders.map((o) => o.split(":")[0]), ["components/edge/plan.ts"]);
    });

    it("the platform charts tolerate exactly the taint of the pool they run on", async () => {
        assert.deepStrictEqual(poolPlacement(PLATFORM_POOL).tolerations, [{ key: "mall.io/critical", operator: "Exists", effect: "NoSchedule" }]);
        // Change the pool's taint: every platform chart's toleration follows it.
        const pools: NodePoolSpec[] = NODE_POOLS.map((p) => (p.name === PLATFORM_POOL ? { ...p, taint: { key: "example.org/platform", value: "true" } } : p));
        const res = await planComponent(() => {
            new EksCluster("eks", {
                context: testContext(),
                network: { vpcId: "vpc-0abc", vpcCidr: "10.0.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
                clusterName: "mall-us-east-1",
                nodePools: pools,
            });
        });
        const releases = res.ofType("kubernetes:helm.sh/v3:Release");
        const tolerationsOf = (name: string) => {
            const values = releases.find((x) => x.name === name)!.inputs.values as Record<string, unknown>;
            return ((values.global as Record<string, unknown> | undefined) ?? values).tolerations;
        };
        for (const chart of ["eks-keda", "eks-argocd", "eks-aws-load-balancer-controller"]) {
            assert.deepStrictEqual(tolerationsOf(chart), [{ key: "example.org/platform", operator: "Exists", effect: "NoSchedule" }], chart);
        }
        const pool = res.all.find((x) => x.name === `eks-nodepool-${PLATFORM_POOL}`)!;
        const taints = ((pool.inputs.spec as Record<string, any>).template.spec.taints as { key: string }[]).map((t) => t.key);
        assert.deepStrictEqual(taints, ["example.org/platform"]);
    });
});

describe("house style: docs/layout.md", () => {
    const rows = fs
        .readFileSync(path.join(ROOT, "docs", "layout.md"), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("| `"))
        .map((l) => {
            const m = /^\| `([^`:]+):(\d+)` \| `([^`]+)`: .* \| `([^`]+)` \|$/.exec(l);
            assert.ok(m, `docs/layout.md row is not "| \`file:line\` | \`symbol\`: what | \`new file\` |": ${l}`);
            return { file: m[1], line: Number(m[2]), symbol: m[3], now: m[4] };
        });

    it("points every moved place at a file that exists", () => {
        assert.ok(rows.length > 40);
        assert.deepStrictEqual(rows.filter((r) => !fs.existsSync(path.join(ROOT, r.now))).map((r) => r.now), []);
    });

    it("names, for every row, the symbol that stood on that line at 61a27f3", function () {
        const { execFileSync } = require("child_process") as typeof import("child_process");
        const cache = new Map<string, string[] | undefined>();
        const at = (file: string): string[] | undefined => {
            if (cache.has(file)) return cache.get(file);
            try {
                cache.set(file, execFileSync("git", ["show", `61a27f3:${file}`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n"));
            } catch {
                cache.set(file, undefined);
            }
            return cache.get(file);
        };
        // A shallow clone has no 61a27f3; the check needs the history.
        if (at("README.md") === undefined) this.skip();
        const wrong = rows.filter((r) => !(at(r.file)?.[r.line - 1] ?? "").includes(r.symbol)).map((r) => `${r.file}:${r.line} ${r.symbol}`);
        assert.deepStrictEqual(wrong, []);
    });
});
