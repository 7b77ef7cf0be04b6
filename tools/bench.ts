/**
 * `npm run bench [-- --runs N]`: wall time of the offline plan of the production stacks against
 * its programs alone under Pulumi's mock runtime (the baseline definition: what the policy pack and
 * planning the stacks one after another add), and against the floor of the recorded resources
 * replayed through the bare mock runtime (tools/plan/replay.ts), and where the time goes. A cold run (module loading included) is followed by N warm runs and N
 * replays, then one run under the V8 sampling profiler; each sample's self time is attributed by the script it ran in: Pulumi's runtime and mock monitor
 * (@pulumi/pulumi, grpc, protobuf), the provider SDKs' resource classes (@pulumi/aws …), the
 * policy pack client, and this project's own code (program, mocks, recorder). Not a test: numbers
 * vary by machine; the README quotes a run.
 */
import * as inspector from "inspector";
import * as path from "path";
import { plan } from "./plan/plan";
import { replayStack } from "./plan/replay";
import { PRODUCTION } from "../stacks/settings/registry";

interface ProfileNode {
    id: number;
    callFrame: { url: string; functionName: string };
    hitCount?: number;
    children?: number[];
}

function category(url: string): string {
    if (!url) return "V8/GC/idle";
    if (url.includes("node_modules/@pulumi/pulumi/")) return "Pulumi runtime (@pulumi/pulumi)";
    if (/node_modules\/(@grpc|google-protobuf|protobufjs)/.test(url)) return "Pulumi runtime (grpc/protobuf)";
    if (/node_modules\/@pulumi\/(aws|eks|kubernetes|random)\//.test(url)) return "provider SDKs (@pulumi/aws …)";
    if (url.includes("node_modules/")) return `other libraries (${url.split("node_modules/").pop()?.split("/").slice(0, url.includes("node_modules/@") ? 2 : 1).join("/")})`;
    if (url.startsWith("node:") || !url.includes("/")) return "Node.js internals";
    if (/\/(components|stacks|lambdas)\//.test(url)) return "this program (components, stacks)";
    if (/\/tools\//.test(url)) return "plan tooling (mocks, recorder, policy client)";
    return "other";
}

function post<T>(session: inspector.Session, method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

async function main() {
    const runsArg = process.argv.indexOf("--runs");
    const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
    const dir = path.resolve(__dirname, "..");
    // The production pair: the baseline the README and the issues quote.
    const environment = PRODUCTION;

    const coldStart = Date.now();
    const cold = await plan({ dir, environment });
    if (cold.failure) throw cold.failure.error;
    const coldMs = Date.now() - coldStart;

    // The programs alone, without the pack beside them: the denominator of the baseline ratio.
    const alone: number[] = [];
    for (let i = 0; i < runs; i++) alone.push((await plan({ dir, environment, skipPolicy: true })).totalMs);

    const warm: { totalMs: number; stacks: { stack: string; programMs: number; mockMs: number; policyMs: number; resources: number }[] }[] = [];
    const replays: number[] = [];
    for (let i = 0; i < runs; i++) {
        const r = await plan({ dir, environment });
        warm.push({
            totalMs: r.totalMs,
            stacks: r.stacks.map((s) => ({ stack: s.stack, programMs: s.timings.programMs, mockMs: s.timings.mockMs, policyMs: s.timings.policyMs, resources: s.resources.length })),
        });
        let replayMs = 0;
        for (const s of cold.stacks) replayMs += await replayStack(cold.project, s.stack, s.resources);
        replays.push(replayMs);
    }

    // One more run under the sampling profiler, for where the time goes (the profiler slows it).
    const session = new inspector.Session();
    session.connect();
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: 200 });
    await post(session, "Profiler.start");
    await plan({ dir, environment });
    const { profile } = await post<{ profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } }>(session, "Profiler.stop");
    session.disconnect();

    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    profile.samples.forEach((id, i) => {
        const c = category(byId.get(id)?.callFrame.url ?? "");
        self.set(c, (self.get(c) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const sampled = [...self.values()].reduce((a, b) => a + b, 0);

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const wallMs = median(warm.map((w) => w.totalMs));
    const replayMs = median(replays);
    console.log(`Offline plan benchmark, ${environment} stacks (${runs} warm runs after one cold run; ${require("os").cpus().length} cores)`);
    console.log(`  cold run (module loading included): ${(coldMs / 1000).toFixed(2)} s`);
    const programsMs = median(alone);
    console.log(`  warm run, median: ${(wallMs / 1000).toFixed(2)} s (programs and policy pack)`);
    console.log(`  the programs alone under Pulumi's mock runtime (a plan without the pack), median: ${(programsMs / 1000).toFixed(2)} s`);
    console.log(`  offline plan / programs under the mock runtime: ${(wallMs / programsMs).toFixed(2)}x (the baseline definition: the pack's start-up and the stacks one after another; target at most 2x)`);
    console.log(`  the recorded resources replayed through the bare mock runtime (no program, no mocks of ours), median: ${(replayMs / 1000).toFixed(2)} s; offline plan / replay: ${(wallMs / replayMs).toFixed(2)}x`);
    for (const stack of warm[0].stacks.map((s) => s.stack)) {
        const rows = warm.map((w) => w.stacks.find((s) => s.stack === stack)!);
        console.log(
            `  ${stack}: ${rows[0].resources} resources; program under mocks ${median(rows.map((r) => r.programMs))} ms (mock callbacks ${median(rows.map((r) => r.mockMs))} ms), policy pack ${median(rows.map((r) => r.policyMs))} ms`,
        );
    }
    console.log("  where a profiled run's CPU time goes (V8 sampling profiler, self time; the policy pack runs in its own process and shows here as idle):");
    for (const [c, us] of [...self.entries()].sort((a, b) => b[1] - a[1])) {
        console.log(`    ${c.padEnd(48)} ${(us / 1000).toFixed(0).padStart(6)} ms  ${((100 * us) / sampled).toFixed(1).padStart(5)} %`);
    }
    const sum = (pred: (c: string) => boolean) => [...self.entries()].filter(([c]) => pred(c)).reduce((a, [, v]) => a + v, 0);
    const pulumi = sum((c) => c.startsWith("Pulumi runtime"));
    const busy = sampled - sum((c) => c === "V8/GC/idle");
    const ours = sum((c) => c.startsWith("this program") || c.startsWith("plan tooling"));
    const programMs = median(warm.map((w) => w.stacks.reduce((a, s) => a + s.programMs, 0)));
    console.log(
        `  of this process's busy CPU: Pulumi runtime ${((100 * pulumi) / busy).toFixed(1)} %, this project's code ${((100 * ours) / busy).toFixed(1)} %, Node.js/V8 and libraries the rest`,
    );
    console.log(`  of the wall time: programs under mocks ${((100 * programMs) / wallMs).toFixed(0)} %, the rest is the policy pack (own process; overlapped with the next stack)`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
