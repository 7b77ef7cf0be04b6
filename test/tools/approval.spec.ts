/** tools/approval.ts: the deploy's approved change set, recorded from one preview and checked against the next. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PreviewDigest, changeSet, main, parsePreview, renderApproval, shortUrn, verifyMessage } from "../../tools/approval";

const U = (type: string, name: string, parent = "") => `urn:pulumi:us-east-1::mall::${parent ? `${parent}$` : ""}${type}::${name}`;
const AURORA = U("aws:rds/cluster:Cluster", "data-aurora", "mall:data:GlobalData");
const TOPIC = U("aws:sns/topic:Topic", "dr-topic");
const ROLE = U("aws:iam/role:Role", "old-role");

/** The shape `pulumi preview --json` prints (pkg/display/json.go PreviewDigest), trimmed to what matters. */
const digest = (): PreviewDigest => ({
    steps: [
        { op: "same", urn: U("pulumi:pulumi:Stack", "mall-us-east-1") },
        { op: "update", urn: TOPIC, diffReasons: ["tags", "displayName"] },
        { op: "replace", urn: AURORA, diffReasons: ["engineVersion"], replaceReasons: ["engineVersion"] },
        { op: "create-replacement", urn: AURORA, replaceReasons: ["engineVersion"] },
        { op: "delete-replaced", urn: AURORA },
        { op: "read", urn: U("aws:index/getCallerIdentity:getCallerIdentity", "id") },
        { op: "delete", urn: ROLE },
    ],
    diagnostics: [
        { urn: AURORA, severity: "warning", message: "engine version changes | replaces the cluster\n" },
        { severity: "info", message: "ignored" },
    ],
    changeSummary: { same: 1, update: 1, replace: 1, delete: 1 },
});

describe("tools/approval.ts", () => {
    it("keeps every step that changes something, sorted, with its causing keys and no values", () => {
        const set = changeSet("us-east-1", digest());
        assert.deepStrictEqual(set, {
            stack: "us-east-1",
            changes: [
                { op: "delete", urn: ROLE, keys: [] },
                { op: "update", urn: TOPIC, keys: ["displayName", "tags"] },
                { op: "create-replacement", urn: AURORA, keys: ["engineVersion"] },
                { op: "delete-replaced", urn: AURORA, keys: [] },
                { op: "replace", urn: AURORA, keys: ["engineVersion"] },
            ],
        });
    });

    it("renders what the approvers read: counts, destructive changes first and in bold, then errors and warnings", () => {
        const md = renderApproval(changeSet("us-east-1", digest()), digest());
        assert.strictEqual(
            md,
            [
                "### pulumi preview us-east-1: 5 changes",
                "",
                "1 create-replacement, 1 delete, 1 delete-replaced, 1 replace, 1 update",
                "",
                "**2 resources are destroyed or replaced**: check each before approving.",
                "",
                "| op | resource | because of |",
                "|---|---|---|",
                "| **delete** | `aws:iam/role:Role old-role` | - |",
                "| **create-replacement** | `aws:rds/cluster:Cluster data-aurora` | `engineVersion` |",
                "| **delete-replaced** | `aws:rds/cluster:Cluster data-aurora` | - |",
                "| **replace** | `aws:rds/cluster:Cluster data-aurora` | `engineVersion` |",
                "| update | `aws:sns/topic:Topic dr-topic` | `displayName`, `tags` |",
                "",
                "| severity | resource | message |",
                "|---|---|---|",
                "| warning | `aws:rds/cluster:Cluster data-aurora` | engine version changes \\| replaces the cluster |",
                "",
                "Approving the environment deploys exactly these changes: the up job previews again and stops if anything differs.",
                "",
            ].join("\n"),
        );
        assert.strictEqual(renderApproval(changeSet("us-west-2", { steps: [] }), {}).split("\n")[0], "### pulumi preview us-west-2: no changes");
    });

    it("passes the same change set and refuses any difference in operation, resource or cause, naming each", () => {
        const approved = changeSet("us-east-1", digest());
        assert.strictEqual(verifyMessage(approved, changeSet("us-east-1", digest())), null);
        const drifted = digest();
        const steps = [...drifted.steps!];
        steps[1] = { op: "update", urn: TOPIC, diffReasons: ["tags", "policy"] };
        steps.push({ op: "create", urn: U("aws:s3/bucket:Bucket", "new") });
        assert.strictEqual(
            verifyMessage(approved, changeSet("us-east-1", { steps: steps.filter((s) => s.urn !== ROLE) })),
            [
                "us-east-1: what pulumi up would do now is not what was approved (the stack, the cloud or main changed since the preview):",
                "not approved:",
                "  create aws:s3/bucket:Bucket new",
                "  update aws:sns/topic:Topic dr-topic (policy, tags)",
                "approved but no longer planned:",
                "  delete aws:iam/role:Role old-role",
                "  update aws:sns/topic:Topic dr-topic (displayName, tags)",
                "Nothing was deployed. Re-run all jobs of the deploy run (or push again) and approve the new preview: re-running only this job would check against the same old preview.",
            ].join("\n"),
        );
        assert.match(String(verifyMessage(approved, changeSet("us-west-2", digest()))), /approved change set is of stack us-east-1, this is us-west-2/);
    });

    it("counts a protect flag that changes (Pulumi shows it; it decides what a destroy may delete), and flags unprotecting", () => {
        const steps = [
            { op: "same", urn: AURORA, oldState: { protect: true }, newState: { protect: false } },
            { op: "same", urn: TOPIC, oldState: { protect: false }, newState: { protect: true } },
            { op: "same", urn: ROLE, oldState: { protect: true }, newState: { protect: true } },
        ];
        const set = changeSet("us-east-1", { steps });
        assert.deepStrictEqual(set.changes, [
            { op: "protect", urn: TOPIC, keys: [] },
            { op: "unprotect", urn: AURORA, keys: [] },
        ]);
        assert.match(renderApproval(set, { steps }), /\*\*1 resource is destroyed or replaced\*\*[\s\S]*\| \*\*unprotect\*\* \| `aws:rds\/cluster:Cluster data-aurora` \|/);
    });

    it("says a failed preview failed instead of inviting an approval", () => {
        const md = renderApproval(changeSet("us-east-1", { steps: [] }), {}, 255);
        assert.strictEqual(md.split("\n")[0], "### pulumi preview us-east-1: FAILED (exit 255)");
        assert.doesNotMatch(md, /Approving the environment/);
        assert.match(md, /the up job does not run/);
    });

    it("shortens URNs to the type and name (parents dropped)", () => {
        assert.strictEqual(shortUrn(AURORA), "aws:rds/cluster:Cluster data-aurora");
        assert.strictEqual(shortUrn("not-a-urn"), "not-a-urn");
    });

    it("says what is wrong with a preview that is not one", () => {
        assert.throws(() => parsePreview("", "preview.json"), /preview\.json is not the JSON of pulumi preview --json .*did the preview fail before it printed\?/);
        assert.throws(() => parsePreview("[]", "p.json"), /p\.json is not a preview digest/);
        assert.throws(() => parsePreview('{"steps":[{"op":1}]}', "p.json"), /p\.json: every step needs a string op and urn/);
        assert.deepStrictEqual(parsePreview("{}", "p.json"), {});
    });

    describe("the CLI", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "approval-"));
        const file = path.join(dir, "preview.json");
        fs.writeFileSync(file, JSON.stringify(digest()));
        const call = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
            const out: string[] = [];
            const err: string[] = [];
            const code = main(argv, env, (s) => out.push(s), (s) => err.push(s));
            return { code, out: out.join(""), err: err.join("") };
        };

        it("records the summary and the change set, then verifies the next preview against it", () => {
            const out = path.join(dir, "set.json");
            const recorded = call(["record", file, "--stack", "us-east-1", "--out", out]);
            assert.strictEqual(recorded.code, 0);
            assert.match(recorded.out, /^### pulumi preview us-east-1: 5 changes/);
            const set = fs.readFileSync(out, "utf8");
            assert.strictEqual(set, JSON.stringify(changeSet("us-east-1", digest())) + "\n");
            assert.deepStrictEqual(call(["verify", file, "--approved-env", "APPROVED"], { APPROVED: set }), { code: 0, out: "us-east-1: 5 approved changes, and nothing else, to apply.", err: "" });
            const other = path.join(dir, "other.json");
            fs.writeFileSync(other, JSON.stringify({ steps: [] }));
            const refused = call(["verify", other, "--approved-env=APPROVED"], { APPROVED: set });
            assert.strictEqual(refused.code, 1);
            assert.match(refused.err, /^us-east-1: what pulumi up would do now is not what was approved/);
        });

        it("refuses a change set too large for a job output, naming the limit", () => {
            const big = path.join(dir, "big.json");
            const many = Array.from({ length: 9000 }, (_, i) => ({ op: "create", urn: U("aws:ssm/parameter:Parameter", `p-${i}-${"x".repeat(60)}`) }));
            fs.writeFileSync(big, JSON.stringify({ steps: many }));
            const r = call(["record", big, "--stack", "us-east-1", "--out", path.join(dir, "big-set.json")]);
            assert.strictEqual(r.code, 1);
            assert.match(r.err, /the change set of us-east-1 is \d+ bytes, over the 1000000 a job output holds: deploy this stack from a workstation/);
            assert.ok(!fs.existsSync(path.join(dir, "big-set.json")));
        });

        it("fails on a missing change set, and exits 2 on usage errors", () => {
            assert.deepStrictEqual(call(["verify", file, "--approved-env", "APPROVED"]), { code: 1, out: "", err: "tools/approval.ts: APPROVED is empty: the preview job recorded no change set (did it run and succeed?)" });
            assert.strictEqual(call(["verify", file, "--approved-env", "A"], { A: '{"changes":[]}' }).err, "tools/approval.ts: A is not a change set ({ stack, changes })");
            assert.strictEqual(call(["apply", file]).code, 2);
            assert.strictEqual(call(["record", file]).err, "tools/approval.ts: record needs --stack <stack>");
            assert.strictEqual(call(["record", file, "--stack"]).code, 2);
            assert.strictEqual(call(["record", file, "--stack", "s", "--preview-exit", "x"]).code, 2);
            assert.strictEqual(call(["record", file, "--stak", "x"]).err, "tools/approval.ts: record has no option --stak (options: --stack, --out, --preview-exit)");
            assert.strictEqual(call(["verify"]).err, "tools/approval.ts: verify takes one preview JSON file (pulumi preview --json > preview.json)");
            assert.strictEqual(call(["record", path.join(dir, "missing.json"), "--stack", "s"]).code, 1);
        });
    });
});
