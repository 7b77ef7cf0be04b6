/**
 * The README's configuration table against the code: the keys the readers read are exactly the
 * documented ones, the README block is the generated one, and its defaults are the readers' own.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { KeyRead, RawConfig, configReads, parseStackConfig } from "../../stacks/settings";
import { CONFIG_KEYS, REFERENCE_CONFIG } from "../../stacks/settings/docs";
import { PRIMARY_ONLY_EDGE_KEYS } from "../../stacks/settings/edge";
import { loadProject } from "../../tools/plan/stacks";
import {
    CONFIG_TABLE_END,
    CONFIG_TABLE_START,
    configTableBlock,
    currentBlock,
    formatDefault,
    renderConfigTable,
    withConfigTable,
} from "../../tools/readme-block";

const ROOT = path.join(__dirname, "..", "..");
const project = loadProject(ROOT);

function stackConfig(stack: string): RawConfig {
    const s = project.stacks.find((f) => f.stack === stack);
    assert.ok(s, `no Pulumi.${stack}.yaml`);
    return s.config;
}

function reads(stack: string, raw: RawConfig): ReadonlyMap<string, KeyRead> {
    return configReads(project.name, stack, raw);
}

const PRIMARY = stackConfig("us-east-1");
const SECONDARY = stackConfig("us-west-2");

describe("configuration docs: the keys", () => {
    it("the real stack files are valid, so their reads are the full set", () => {
        assert.strictEqual(parseStackConfig(project.name, "us-east-1", PRIMARY).role, "primary");
        assert.strictEqual(parseStackConfig(project.name, "us-west-2", SECONDARY).role, "secondary");
    });

    it("every key read for the primary or the secondary is in CONFIG_KEYS, and every CONFIG_KEYS key is read", () => {
        const read = new Set([...reads("us-east-1", PRIMARY).keys(), ...reads("us-west-2", SECONDARY).keys()]);
        const problems = [
            ...[...read].filter((k) => !(k in CONFIG_KEYS)).map((k) => `${k} is read by stacks/settings but not described in CONFIG_KEYS (stacks/settings/docs.ts)`),
            ...Object.keys(CONFIG_KEYS).filter((k) => !read.has(k)).map((k) => `${k} is described in CONFIG_KEYS but no reader reads it (remove it, or read it)`),
        ];
        assert.deepStrictEqual(problems, []);
    });

    it("no key is conditional: both roles and the README's reference config read the same keys", () => {
        // The edge reader reads its primary-only keys on a secondary too (to reject them), and
        // mall:primaryStack is read on the primary (to reject it); so one stack documents all.
        const primary = [...reads("us-east-1", PRIMARY).keys()].sort();
        assert.deepStrictEqual([...reads("us-west-2", SECONDARY).keys()].sort(), primary);
        assert.deepStrictEqual([...reads(REFERENCE_CONFIG.stack, REFERENCE_CONFIG.raw).keys()].sort(), primary);
    });

    it("the primary-only edge keys are the ones marked primary only", () => {
        const marked = Object.keys(CONFIG_KEYS).filter((k) => CONFIG_KEYS[k].where === "primary only");
        assert.deepStrictEqual(marked.sort(), [...PRIMARY_ONLY_EDGE_KEYS].sort());
    });

    it("each description is one sentence", () => {
        for (const [key, doc] of Object.entries(CONFIG_KEYS)) {
            assert.ok(doc.description.endsWith("."), `${key}: end the description with a full stop`);
            assert.ok(!/\.\s+[A-Z]/.test(doc.description), `${key}: one sentence only: ${doc.description}`);
        }
    });
});

describe("configuration docs: the defaults", () => {
    const reference = reads(REFERENCE_CONFIG.stack, REFERENCE_CONFIG.raw);

    // Stacks that differ in what other defaults depend on: role, region, environment, AZ count
    // (over the reference registry: the documented defaults do not follow the project's registry).
    const registry = { "mall:regions": REFERENCE_CONFIG.raw["mall:regions"] };
    const regions = JSON.parse(REFERENCE_CONFIG.raw["mall:regions"]) as unknown;
    const elsewhere = { "mall:environments": JSON.stringify({ dev: { regions }, staging: { regions } }) };
    const primary = { ...PRIMARY, ...registry };
    const variants: Record<string, ReadonlyMap<string, KeyRead>> = {
        reference,
        "us-east-1": reads("us-east-1", primary),
        "us-west-2": reads("us-west-2", { ...SECONDARY, ...registry }),
        "dev-us-east-1": reads("dev-us-east-1", { ...primary, ...elsewhere, "mall:environment": "dev" }),
        "staging-us-east-1": reads("staging-us-east-1", { ...primary, ...elsewhere, "mall:environment": "staging" }),
        "us-east-1 2 AZs": reads("us-east-1", { ...primary, "mall:azCount": "2", "mall:natGateways": "2", "mall:mskBrokers": "4", "mall:searchDataNodes": "4" }),
    };
    // Production's registry keys are not read outside production (each environment has its own).
    const varying = Object.keys(CONFIG_KEYS).filter((k) => new Set(Object.values(variants).filter((v) => v.has(k)).map((v) => formatDefault(v.get(k)!))).size > 1);

    it("a default that depends on the stack is explained in CONFIG_KEYS", () => {
        assert.deepStrictEqual(varying.sort(), [
            "mall:auroraPrimaryReaders",
            "mall:auroraReaderClass",
            "mall:auroraSecondaryReaders",
            "mall:auroraWriterClass",
            "mall:cacheNodeType",
            "mall:cacheReplicasPerShard",
            "mall:cacheShards",
            "mall:dataLogRetentionDays",
            "mall:dataProfile",
            "mall:docdbInstanceClass",
            "mall:enableAutoFailover",
            "mall:gitopsPath",
            "mall:healthCheckInterval",
            "mall:mskBrokers",
            "mall:natGateways",
            "mall:retentionLock",
            "mall:searchDataInstanceType",
            "mall:searchDataNodes",
            "mall:searchDedicatedMasters",
        ]);
        for (const key of varying) {
            const doc = CONFIG_KEYS[key];
            assert.ok(doc.default !== undefined || doc.defaultNote !== undefined, `${key}'s default differs between stacks; give it a default or defaultNote in CONFIG_KEYS`);
        }
    });

    it("a documented default replaces the reader's only where the reader cannot know it", () => {
        for (const [key, doc] of Object.entries(CONFIG_KEYS)) {
            if (doc.default === undefined) continue;
            const own = formatDefault(reference.get(key)!);
            assert.ok(varying.includes(key) || own === "unset", `${key}: the reader's default ${own} is fixed; drop the default from CONFIG_KEYS so the README shows the code's`);
        }
    });

    it("shows the readers' defaults exactly", () => {
        assert.deepStrictEqual(reference.get("mall:azCount"), { kind: "number", required: false, default: 3 });
        assert.deepStrictEqual(reference.get("mall:healthCheckInterval"), { kind: "number", required: false, default: 10 });
        assert.deepStrictEqual(reference.get("mall:wafAllowedCountries"), { kind: "list", required: false, default: ["KR", "US", "JP"] });
        assert.deepStrictEqual(reference.get("mall:domain"), { kind: "string", required: true, default: undefined });
        const table = renderConfigTable(reference);
        for (const row of [
            "| `mall:azCount` | `3` |",
            "| `mall:healthCheckInterval` | `10` in production, else `30` |",
            "| `mall:wafAllowedCountries` | `[KR, US, JP]` |",
            "| `mall:domain` | required |",
            "| `mall:hostedZoneId` | unset |",
            "| `mall:cacheShards` | `3` (production profile) |",
            "| `mall:natGateways` | one per AZ (`mall:azCount`) |",
            "| `mall:eksChartVersions` | karpenter `1.9.0`, keda `2.18.1`, argocd `9.1.4`, awsLoadBalancerController `1.14.1` |",
        ]) {
            assert.ok(table.includes(row), `the table lacks ${row}`);
        }
    });

    it("a default changed in a reader changes the table", () => {
        const changed = new Map(reference).set("mall:azCount", { kind: "number", required: false, default: 2 });
        const table = renderConfigTable(changed);
        assert.ok(table.includes("| `mall:azCount` | `2` |"));
        assert.notStrictEqual(table, renderConfigTable(reference));
    });
});

describe("configuration docs: the README block", () => {
    it("README.md's block is the generated one (run tools/readme.ts when this fails)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.strictEqual(
            currentBlock(readme, CONFIG_TABLE_START, CONFIG_TABLE_END),
            configTableBlock(),
            "README.md's configuration table is stale: npx ts-node --transpile-only tools/readme.ts",
        );
    });

    it("one table per section, every key once", () => {
        const block = configTableBlock();
        const rows = block.split("\n").filter((l) => l.startsWith("| `"));
        assert.strictEqual(rows.length, Object.keys(CONFIG_KEYS).length);
        assert.strictEqual(block.split("| key | default | what it does |").length - 1, 7);
    });

    it("refuses to render a key read but undocumented, or documented but unread, naming it", () => {
        const reference = reads(REFERENCE_CONFIG.stack, REFERENCE_CONFIG.raw);
        const extra = new Map(reference).set("mall:newKnob", { kind: "number", required: false, default: 1 });
        assert.throws(() => renderConfigTable(extra), /read but not in CONFIG_KEYS \(stacks\/settings\/docs\.ts\): mall:newKnob/);
        const fewer = new Map(reference);
        fewer.delete("mall:azCount");
        assert.throws(() => renderConfigTable(fewer), /in CONFIG_KEYS but read by no reader: mall:azCount/);
    });

    it("regenerates a stale block and refuses a README without markers", () => {
        const stale = `# x\n\n${CONFIG_TABLE_START}\n| old |\n${CONFIG_TABLE_END}\n\ntail\n`;
        const fresh = withConfigTable(stale);
        assert.strictEqual(fresh, `# x\n\n${configTableBlock()}\n\ntail\n`);
        assert.strictEqual(withConfigTable(fresh), fresh);
        assert.throws(() => withConfigTable("# no markers"), /README.md has no <!-- config-table:start --> … <!-- config-table:end --> block/);
    });
});
