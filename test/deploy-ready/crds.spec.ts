import * as assert from "assert";
import { CrdRegistry, SchemaNode, loadCrds, validateAgainst, whyUnsupported } from "../../tools/deploy-ready/crds";
import { PlannedResource } from "../../tools/plan/contract";
import { planned } from "./planned";

/** `kubernetes:<group>/<version>:<Kind>` of a custom resource (not core/apps/…, not Helm). */
const BUILT_IN_GROUPS = new Set(["core", "apps", "batch", "policy", "rbac.authorization.k8s.io", "networking.k8s.io", "storage.k8s.io", "autoscaling", "scheduling.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io", "certificates.k8s.io", "helm.sh", "yaml", "kustomize"]);
function isCustomResource(r: PlannedResource): boolean {
    const m = /^kubernetes:([^/:]+)\/[^/:]+:\w+$/.exec(r.type);
    return !!m && !BUILT_IN_GROUPS.has(m[1]);
}

function format(problems: { path: string; message: string; rule?: string }[]): string {
    return problems.map((p) => `${p.path}: ${p.message}${p.rule ? `  [rule: ${p.rule}]` : ""}`).join("\n");
}

describe("deploy-ready: CRD validator", () => {
    let crds: CrdRegistry;
    before(() => {
        crds = loadCrds();
    });

    describe("unit", () => {
        const schema: SchemaNode = {
            type: "object",
            properties: {
                spec: {
                    type: "object",
                    required: ["role"],
                    properties: {
                        role: { type: "string", maxLength: 8, pattern: "^[a-z-]+$" },
                        replicas: { type: "integer", minimum: 1, maximum: 3 },
                        mode: { type: "string", enum: ["a", "b"] },
                        tags: {
                            type: "object",
                            additionalProperties: { type: "string" },
                            "x-kubernetes-validations": [
                                { rule: "self.all(k, !k.startsWith('kubernetes.io/cluster'))", message: "tag contains a restricted tag matching kubernetes.io/cluster/" },
                                { rule: "self.all(k, self[k] != '')", messageExpression: "'empty tag value in ' + string(size(self)) + ' tags'" },
                            ],
                        },
                        items: { type: "array", maxItems: 2, items: { type: "string" } },
                    },
                    "x-kubernetes-validations": [
                        { rule: "!has(self.replicas) || self.replicas < 3 || self.mode == 'b'", message: "three replicas need mode b" },
                        { rule: "self.role == oldSelf.role", message: "role is immutable" },
                    ],
                },
            },
        };

        it("passes a resource that meets the schema and every rule", () => {
            assert.deepStrictEqual(validateAgainst(schema, { spec: { role: "node", replicas: 3, mode: "b", tags: { team: "x" }, items: ["a"] } }), []);
        });

        it("reports a failed rule with the CRD's message, at the rule's node", () => {
            const problems = validateAgainst(schema, { spec: { role: "node", tags: { "kubernetes.io/cluster/c": "owned" } } });
            assert.deepStrictEqual(problems, [{ path: "spec.tags", message: "tag contains a restricted tag matching kubernetes.io/cluster/", rule: "self.all(k, !k.startsWith('kubernetes.io/cluster'))" }]);
        });

        it("reports a messageExpression's message, and rules over integers", () => {
            const problems = validateAgainst(schema, { spec: { role: "node", replicas: 3, mode: "a", tags: { a: "", b: "x" } } });
            assert.deepStrictEqual(problems.map((p) => `${p.path}: ${p.message}`), ["spec.tags: empty tag value in 2 tags", "spec: three replicas need mode b"]);
        });

        it("skips transition rules (oldSelf) on create", () => {
            assert.ok(!validateAgainst(schema, { spec: { role: "node" } }).some((p) => /immutable/.test(p.message)));
        });

        it("reports type, required, enum, pattern, length, bounds, item counts and unknown fields", () => {
            const problems = validateAgainst(schema, { spec: { role: "Too-Long-Role", replicas: "2", mode: "c", items: ["a", "b", "c"], extra: true } });
            assert.deepStrictEqual(problems.map((p) => `${p.path}: ${p.message}`), [
                "spec.role: may not be longer than 8 characters (is 13)",
                'spec.role: must match the pattern "^[a-z-]+$", got "Too-Long-Role"',
                'spec.replicas: must be of type integer, got string ("2")',
                'spec.mode: must be one of "a", "b", got "c"',
                "spec.items: must have at most 2 items (has 3)",
                'spec.extra: unknown field "extra" (the API server prunes it, or rejects it under strict field validation)',
                // a type error stops the API server from running the CEL rules, and it says so
                "<root>: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
            ]);
            assert.deepStrictEqual(validateAgainst(schema, { spec: { replicas: 0 } }).map((p) => `${p.path}: ${p.message}`), ["spec.role: Required value: role", "spec.replicas: must be >= 1, got 0"]);
        });

        it("finds the served CRD version of the vendored CRDs and rejects a kind it has none for", () => {
            assert.strictEqual(crds.find("karpenter.k8s.aws/v1", "EC2NodeClass")?.file, "karpenter-v1.9.0/karpenter.k8s.aws_ec2nodeclasses.yaml");
            assert.strictEqual(crds.find("karpenter.sh/v1beta1", "NodePool"), undefined);
            assert.deepStrictEqual(crds.validate({ apiVersion: "example.com/v1", kind: "Widget", spec: {} }).map((p) => p.message), ["no vendored CRD serves example.com/v1 Widget (test/fixtures/crds/)"]);
        });

        it("runs the real Karpenter EC2NodeClass rules", () => {
            const base = {
                apiVersion: "karpenter.k8s.aws/v1",
                kind: "EC2NodeClass",
                metadata: { name: "default" },
                spec: {
                    role: "node-role",
                    amiSelectorTerms: [{ alias: "al2023@latest" }],
                    subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "c" } }],
                    securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "c" } }],
                },
            };
            assert.deepStrictEqual(crds.validate(base), []);
            const tagged = crds.validate({ ...base, spec: { ...base.spec, tags: { "kubernetes.io/cluster/c": "owned" } } });
            assert.deepStrictEqual(tagged.map((p) => `${p.path}: ${p.message}`), ["spec.tags: tag contains a restricted tag matching kubernetes.io/cluster/"]);
            const both = crds.validate({ ...base, spec: { ...base.spec, instanceProfile: "p" } });
            assert.deepStrictEqual(both.map((p) => `${p.path}: ${p.message}`), ["spec: must specify exactly one of ['role', 'instanceProfile']"]);
            const badAlias = crds.validate({ ...base, spec: { ...base.spec, amiSelectorTerms: [{ alias: "ubuntu@latest" }] } });
            assert.ok(badAlias.some((p) => p.message === "'alias' is improperly formatted, must match the format 'family@version'" || /family/.test(p.message)), format(badAlias));
        });

        it("runs the real NodePool requirement rules (find/endsWith over label keys)", () => {
            const np = (key: string) => ({
                apiVersion: "karpenter.sh/v1",
                kind: "NodePool",
                metadata: { name: "p" },
                spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, requirements: [{ key, operator: "In", values: ["x"] }] } } },
            });
            assert.deepStrictEqual(crds.validate(np("karpenter.sh/capacity-type")), []);
            const restricted = crds.validate(np("karpenter.sh/unknown"));
            assert.ok(restricted.some((p) => /restricted/.test(p.message)), format(restricted));
        });

        it("can evaluate every x-kubernetes-validations rule of the vendored CRDs (the unsupported list is exactly this)", () => {
            const rules = crds.rules();
            assert.ok(rules.length >= 80, `only ${rules.length} rules found`);
            // Empty today: every rule parses and every function it calls is registered. A new CRD
            // whose rule cannot run here lands in this list and fails this test.
            assert.deepStrictEqual(crds.unsupportedRules().map((r) => `${r.crd} ${r.path}: ${r.rule} (${r.reason})`), []);
            assert.deepStrictEqual(crds.transitionRules().map((r) => `${r.crd} ${r.path}: ${r.rule}`), [
                "NodeClaim.karpenter.sh/v1 spec: self == oldSelf",
                "NodePool.karpenter.sh/v1 spec: has(self.replicas) == has(oldSelf.replicas)",
                "NodePool.karpenter.sh/v1 spec.template.spec.nodeClassRef: self.group == oldSelf.group",
                "NodePool.karpenter.sh/v1 spec.template.spec.nodeClassRef: self.kind == oldSelf.kind",
            ]);
            assert.match(whyUnsupported("self.isURL()") ?? "", /isURL/);
        });
    });

    describe("the plan's custom resources", () => {
        const resources: { stack: string; r: PlannedResource }[] = [];
        before(async function () {
            this.timeout(120_000);
            const result = await planned();
            for (const s of result.stacks) for (const r of s.resources) if (isCustomResource(r)) resources.push({ stack: s.stack, r });
        });

        const problemsOf = (pred: (r: PlannedResource) => boolean): string =>
            resources
                .filter(({ r }) => pred(r))
                .map(({ stack, r }) => ({ where: `${stack} ${r.type} ${r.name}`, problems: crds.validate(r.inputs) }))
                .filter((x) => x.problems.length)
                .map((x) => `${x.where}:\n${format(x.problems)}`)
                .join("\n");

        it("has custom resources in both stacks", () => {
            assert.ok(resources.some(({ stack }) => stack === "us-east-1") && resources.some(({ stack }) => stack === "us-west-2"));
            // what the validator sees, so that a kind silently dropped by the filter is noticed
            assert.deepStrictEqual([...new Set(resources.map(({ r }) => r.type))].sort(), [
                "kubernetes:argoproj.io/v1alpha1:AppProject",
                // applied over ArgoCD's own `default` project (server-side apply): validated as the whole object it sets
                "kubernetes:argoproj.io/v1alpha1:AppProjectPatch",
                "kubernetes:argoproj.io/v1alpha1:Application",
                "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
                "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
                "kubernetes:karpenter.sh/v1:NodePool",
            ]);
        });

        it("has a vendored CRD for the kind of every custom resource", () => {
            const missing = resources.filter(({ r }) => !crds.find(String(r.inputs.apiVersion), String(r.inputs.kind))).map(({ stack, r }) => `${stack} ${r.type} ${r.name}`);
            assert.deepStrictEqual(missing, []);
        });

        it("NodePools, Applications, AppProjects and TargetGroupBindings pass their CRDs (schema and CEL)", () => {
            assert.strictEqual(problemsOf((r) => !/:EC2NodeClass$/.test(r.type)), "");
        });

        // red on 61a27f3: the EC2NodeClass carried tag kubernetes.io/cluster/<cluster>, which the
        // Karpenter v1.9.0 CRD rejects (spec.tags: "tag contains a restricted tag matching
        // kubernetes.io/cluster/"); planEc2NodeClass now drops the CRD's restricted keys.
        it("the EC2NodeClass passes its CRD (schema and CEL)", () => {
            assert.strictEqual(problemsOf((r) => /:EC2NodeClass$/.test(r.type)), "");
        });
    });
});
