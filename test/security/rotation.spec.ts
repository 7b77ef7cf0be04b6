/**
 * Credential rotation (security review S7): the rotation protocol against fakes of Secrets Manager
 * and the stores, the SCRAM verifier against RFC 7677's exchange, and the shipped plan's rotation.
 */
import * as assert from "assert";
import { createHmac } from "crypto";
import { Credentials, RotationEvent, RotationTarget, Secrets, Stores, rotate, scramVerifier } from "../../lambdas/rotation/core";
import { PlannedResource } from "../../tools/plan/contract";
import { SERVICES } from "../../components/catalogue";
import { shippedPlan } from "../registry";

const AURORA = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/us-east-1/aurora-master-AbCdEf";
const DOCDB = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/us-east-1/docdb-master-GhIjKl";
const REVIEW = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/us-east-1/docdb-review-MnOpQr";
const TARGETS: RotationTarget[] = [
    { secretArn: AURORA, username: "mall_master", engine: "aurora-postgresql", host: "mall-us-east-1-aurora.cluster-c1.us-east-1.rds.amazonaws.com", port: 5432, database: "mall" },
    { secretArn: DOCDB, username: "docdb_master", engine: "docdb", host: "mall-us-east-1-docdb.cluster-c2.us-east-1.docdb.amazonaws.com", port: 27017 },
    { secretArn: REVIEW, username: "review", engine: "docdb", host: "mall-us-east-1-docdb.cluster-c2.us-east-1.docdb.amazonaws.com", port: 27017, masterSecretArn: DOCDB },
];

/** Secrets Manager in memory: versions with stages, and the calls made. */
class FakeSecrets implements Secrets {
    readonly versions = new Map<string, Map<string, { value: string; stages: string[] }>>();
    readonly calls: string[] = [];
    rotationEnabled = true;
    constructor(initial: Record<string, Credentials>) {
        for (const [id, c] of Object.entries(initial)) this.versions.set(id, new Map([["v1", { value: JSON.stringify(c), stages: ["AWSCURRENT"] }]]));
    }
    /** What RotateSecret does before invoking createSecret: a token, AWSPENDING with no value yet. */
    startRotation(id: string, token: string) {
        this.versions.get(id)!.set(token, { value: "", stages: ["AWSPENDING"] });
    }
    async describe(id: string) {
        return { rotationEnabled: this.rotationEnabled, versions: Object.fromEntries([...this.versions.get(id)!].map(([v, x]) => [v, x.stages])) };
    }
    async value(id: string, by: { versionId?: string; stage?: string }) {
        const versions = [...this.versions.get(id)!];
        const hit = by.versionId ? versions.find(([v]) => v === by.versionId) : versions.find(([, x]) => x.stages.includes(by.stage!));
        return hit && hit[1].value !== "" ? hit[1].value : undefined;
    }
    async put(id: string, token: string, value: string) {
        this.calls.push(`put ${token}`);
        this.versions.get(id)!.set(token, { value, stages: ["AWSPENDING"] });
    }
    async moveCurrent(id: string, to: string, from: string) {
        this.calls.push(`move ${from}->${to}`);
        const v = this.versions.get(id)!;
        v.get(from)!.stages = ["AWSPREVIOUS"];
        v.get(to)!.stages = ["AWSCURRENT"];
    }
    async randomPassword() {
        return `new-password-${this.calls.length}-0123456789abcdef`;
    }
}

/** The stores: a password per (host, user), who changed what, and whether the host is the writer. */
class FakeStores implements Stores {
    readonly passwords = new Map<string, string>();
    readonly changes: string[] = [];
    writer = true;
    async connect(target: RotationTarget, who: Credentials) {
        if (this.passwords.get(`${target.host}/${who.username}`) !== who.password) throw new Error(`login failed for ${who.username}`);
        return {
            isWriter: async () => this.writer,
            setPassword: async (user: string, password: string) => {
                this.changes.push(`${who.username} set ${user}`);
                this.passwords.set(`${target.host}/${user}`, password);
            },
            close: async () => undefined,
        };
    }
}

function setup() {
    const initial: Record<string, Credentials> = { [AURORA]: { username: "mall_master", password: "first-aurora-password-000" }, [DOCDB]: { username: "docdb_master", password: "first-docdb-password-0000" }, [REVIEW]: { username: "review", password: "first-review-password-000" } };
    const secrets = new FakeSecrets(initial);
    const stores = new FakeStores();
    for (const t of TARGETS) stores.passwords.set(`${t.host}/${initial[t.secretArn].username}`, initial[t.secretArn].password);
    return { secrets, stores };
}

const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
const event = (id: string, step: RotationEvent["Step"], token = "t2"): RotationEvent => ({ SecretId: id, ClientRequestToken: token, Step: step });

describe("credential rotation (S7): the protocol", () => {
    it("rotates the Aurora master through the four steps: a new password pending, set by the master itself, tested, made current", async () => {
        const { secrets, stores } = setup();
        secrets.startRotation(AURORA, "t2");
        const outcomes = [];
        for (const step of STEPS) outcomes.push(await rotate(event(AURORA, step), TARGETS, secrets, stores));
        assert.deepStrictEqual(outcomes, ["createSecret: a new password is pending", "setSecret: mall_master's password changed", "testSecret: the pending password logs in", "finishSecret: AWSCURRENT moved from v1 to t2"]);
        const current = JSON.parse((await secrets.value(AURORA, { stage: "AWSCURRENT" }))!);
        assert.deepStrictEqual([current.username, stores.passwords.get(`${TARGETS[0].host}/mall_master`) === current.password, current.password !== "first-aurora-password-000"], ["mall_master", true, true]);
        assert.deepStrictEqual(stores.changes, ["mall_master set mall_master"]);
    });

    it("changes a DocumentDB service user's password as the master (service users cannot change their own)", async () => {
        const { secrets, stores } = setup();
        secrets.startRotation(REVIEW, "t2");
        for (const step of STEPS) await rotate(event(REVIEW, step), TARGETS, secrets, stores);
        assert.deepStrictEqual(stores.changes, ["docdb_master set review"]);
        assert.strictEqual((await secrets.describe(REVIEW)).versions.t2[0], "AWSCURRENT");
    });

    it("is idempotent: each step run again (Secrets Manager retries) changes nothing more", async () => {
        const { secrets, stores } = setup();
        secrets.startRotation(DOCDB, "t2");
        for (const step of STEPS.slice(0, 3)) {
            await rotate(event(DOCDB, step), TARGETS, secrets, stores);
            await rotate(event(DOCDB, step), TARGETS, secrets, stores);
        }
        assert.deepStrictEqual([secrets.calls, stores.changes], [["put t2"], ["docdb_master set docdb_master"]]);
        await rotate(event(DOCDB, "finishSecret"), TARGETS, secrets, stores);
        assert.strictEqual(await rotate(event(DOCDB, "finishSecret"), TARGETS, secrets, stores), "finishSecret: version t2 is already AWSCURRENT");
    });

    it("refuses to change a password on a cluster that is not the global writer, and leaves the current one working", async () => {
        const { secrets, stores } = setup();
        stores.writer = false;
        secrets.startRotation(AURORA, "t2");
        await rotate(event(AURORA, "createSecret"), TARGETS, secrets, stores);
        await assert.rejects(rotate(event(AURORA, "setSecret"), TARGETS, secrets, stores), /is not the global writer: rotate where the writer is/);
        assert.deepStrictEqual(stores.changes, []);
        assert.strictEqual(JSON.parse((await secrets.value(AURORA, { stage: "AWSCURRENT" }))!).password, "first-aurora-password-000");
    });

    it("refuses a secret that names another user (rotation aimed at the master), and to finish with a password the store does not take", async () => {
        const { secrets, stores } = setup();
        secrets.startRotation(REVIEW, "t2");
        secrets.versions.get(REVIEW)!.get("v1")!.value = JSON.stringify({ username: "docdb_master", password: "first-docdb-password-0000" });
        await rotate(event(REVIEW, "createSecret"), TARGETS, secrets, stores);
        await assert.rejects(rotate(event(REVIEW, "setSecret"), TARGETS, secrets, stores), /names another user than review: refusing to change a password/);
        assert.deepStrictEqual(stores.changes, []);
        // finishSecret invoked directly after a failed setSecret: the pending password does not log in.
        await assert.rejects(rotate(event(REVIEW, "finishSecret"), TARGETS, secrets, stores), /login failed/);
        assert.deepStrictEqual(secrets.calls.filter((c) => c.startsWith("move")), []);
    });

    it("refuses a secret it does not rotate, rotation off, and a token that is not pending", async () => {
        const { secrets, stores } = setup();
        await assert.rejects(rotate(event("arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZaBc", "createSecret"), TARGETS, secrets, stores), /is not one this function rotates/);
        secrets.versions.get(AURORA)!.set("t3", { value: "{}", stages: [] });
        await assert.rejects(rotate(event(AURORA, "createSecret", "t3"), TARGETS, secrets, stores), /version t3 is not AWSPENDING/);
        await assert.rejects(rotate(event(AURORA, "createSecret", "t9"), TARGETS, secrets, stores), /has no version t9/);
        secrets.rotationEnabled = false;
        await assert.rejects(rotate(event(AURORA, "createSecret", "t3"), TARGETS, secrets, stores), /does not have rotation enabled/);
    });

    it("the SCRAM verifier is the one RFC 7677's exchange proves (user, pencil): its ServerKey signs the server's final message", () => {
        const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
        const verifier = scramVerifier("pencil", salt, 4096);
        const m = /^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(verifier);
        assert.ok(m, verifier);
        const authMessage =
            "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        const serverSignature = createHmac("sha256", Buffer.from(m[2], "base64")).update(authMessage).digest("base64");
        assert.strictEqual(serverSignature, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    });
});

describe("credential rotation (S7) in the shipped plan", () => {
    type Stack = { stack: string; role: string; resources: PlannedResource[] };
    let stacks: Stack[];
    before(async function () {
        this.timeout(300_000);
        stacks = (await shippedPlan()).stacks as Stack[];
    });

    it("rotates every Aurora and DocumentDB credential in the primary every 30 days, with the function of ours, not at once", () => {
        for (const s of stacks) {
            const rotations = s.resources.filter((r) => r.type === "aws:secretsmanager/secretRotation:SecretRotation");
            if (s.role !== "primary") {
                assert.deepStrictEqual(rotations, [], s.stack);
                continue;
            }
            const prefix = s.stack.startsWith("staging") ? "mall-staging" : "mall";
            assert.deepStrictEqual(
                rotations.map((r) => r.name).sort(),
                ["aurora-master", "docdb-master", ...["analytics", "notification", "product-catalog", "recommendation", "review", "user-profile", "wishlist"].map((x) => `docdb-${x}`)].map((x) => `rotation-${x}`).sort(),
            );
            const fn = s.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === "rotation-function")!;
            assert.strictEqual(fn.inputs.name, `${prefix}-us-east-1-credential-rotation`);
            for (const r of rotations) {
                assert.deepStrictEqual([r.inputs.rotationRules, r.inputs.rotateImmediately, r.propertyDependencies.rotationLambdaArn], [{ automaticallyAfterDays: 30 }, false, [fn.urn]], r.name);
            }
            const raw = String((fn.inputs.environment as { variables: Record<string, string> }).variables.ROTATION_TARGETS);
            // Lambda's 4 KB environment: the list stays under the component's limit with room to grow.
            assert.ok(Buffer.byteLength(raw) < 3600, `${Buffer.byteLength(raw)} bytes`);
            const targets = JSON.parse(raw) as RotationTarget[];
            assert.deepStrictEqual(
                targets.map((t) => [t.engine, t.username, t.port, t.masterSecretArn !== undefined]),
                [
                    ["aurora-postgresql", "mall_admin", 5432, false],
                    ["docdb", "mall_admin", 27017, false],
                    ...SERVICES.filter((x) => x.stores.includes("docdb")).map((x) => ["docdb", x.name.replace(/-/g, "_"), 27017, true]),
                ],
            );
        }
    });

    it("Pulumi leaves rotated values alone: the secret versions' values and stages, the clusters' master passwords", () => {
        const east = stacks.find((s) => s.stack === "us-east-1")!;
        const ignores = (name: string) => (east.resources.find((r) => r.name === name) as PlannedResource & { ignoreChanges?: string[] }).ignoreChanges ?? [];
        for (const id of ["aurora-master", "docdb-master", "docdb-review"]) assert.deepStrictEqual(ignores(`data-${id}-secret-version`), ["secretString", "versionStages"], id);
        assert.deepStrictEqual(ignores("data-cache-cart-secret-version"), []);
        assert.ok(ignores("data-aurora-cluster").includes("masterPassword"));
        assert.ok(ignores("data-docdb-cluster").includes("masterPassword"));
    });
});
