/**
 * The exposure admission policies (S10), evaluated with a CEL interpreter against their own
 * expressions, and the whole class of exposure they guard against in what the platform itself
 * installs: every Service type the charts would create, from the vendored chart defaults under
 * the values the plan sets.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { planAdmissionPolicies } from "../../components/eks/admission-plan";
import { evaluateCel } from "../../tools/deploy-ready/crds";
import { planned } from "../deploy-ready/planned";

const { policies, bindings } = planAdmissionPolicies();
const allowListed = planAdmissionPolicies(["platform/edge-debug"]);

type Obj = Record<string, unknown>;
const service = (name: string, spec: Obj, namespace = "platform"): Obj => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec });
const ingress = (name: string, namespace = "platform"): Obj => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name, namespace }, spec: { rules: [] } });

/** What the API server answers: the messages of the failed validations (empty = admitted). */
function admit(policy: (typeof policies)[number], object: Obj): string[] {
    return policy.spec.validations.flatMap((v) => {
        const verdict = evaluateCel(v.expression, { object });
        assert.ok(typeof verdict === "boolean", `${v.expression} evaluated to ${String(verdict)}`);
        if (verdict) return [];
        const message = evaluateCel(v.messageExpression, { object });
        assert.strictEqual(typeof message, "string", String(message));
        return [message as string];
    });
}

const SERVICES = policies.find((p) => p.metadata.name === "mall-no-exposed-services")!;
const INGRESSES = policies.find((p) => p.metadata.name === "mall-no-ingresses")!;
const WHERE = "the edge is CloudFront and the WAF in front of the origin ALB (a TargetGroupBinding to a ClusterIP Service), see docs/security.md";

describe("exposure admission policies (ValidatingAdmissionPolicy, CEL)", () => {
    it("admits ClusterIP and headless Services, with or without an explicit type", () => {
        assert.deepStrictEqual(admit(SERVICES, service("api-gateway", { ports: [{ port: 8080 }] })), []);
        assert.deepStrictEqual(admit(SERVICES, service("api-gateway", { type: "ClusterIP", ports: [{ port: 8080 }] })), []);
        assert.deepStrictEqual(admit(SERVICES, service("orders", { type: "ClusterIP", clusterIP: "None" }, "commerce")), []);
        assert.deepStrictEqual(admit(SERVICES, service("dns", { type: "ExternalName", externalName: "example.com" })), []);
        assert.deepStrictEqual(admit(SERVICES, service("x", { type: "ClusterIP", externalIPs: [] })), []);
    });

    it("refuses LoadBalancer and NodePort Services and externalIPs, naming the object and the way in", () => {
        assert.deepStrictEqual(admit(SERVICES, service("edge", { type: "LoadBalancer", ports: [{ port: 443 }] })), [`Service platform/edge is of type LoadBalancer, which would expose it outside the WAF: ${WHERE}`]);
        assert.deepStrictEqual(admit(SERVICES, service("debug", { type: "NodePort" }, "commerce")), [`Service commerce/debug is of type NodePort, which would expose it outside the WAF: ${WHERE}`]);
        assert.deepStrictEqual(admit(SERVICES, service("mitm", { type: "ClusterIP", externalIPs: ["203.0.113.7"] })), [
            `Service platform/mitm sets externalIPs, which any node would route to it (CVE-2020-8554): ${WHERE}`,
        ]);
    });

    it("refuses every Ingress", () => {
        assert.deepStrictEqual(admit(INGRESSES, ingress("web")), [`Ingress platform/web would make the Load Balancer Controller or another ingress controller expose it outside the WAF: ${WHERE}`]);
    });

    it("admits exactly the allow-listed namespace/name", () => {
        const [services, ingresses] = allowListed.policies;
        assert.deepStrictEqual(admit(services, service("edge-debug", { type: "LoadBalancer" })), []);
        assert.strictEqual(admit(services, service("edge-debug", { type: "LoadBalancer" }, "commerce")).length, 1);
        assert.strictEqual(admit(services, service("edge-debug2", { type: "LoadBalancer" })).length, 1);
        assert.deepStrictEqual(admit(ingresses, ingress("edge-debug")), []);
    });

    it("matches creates and updates of Services and Ingresses, fails closed, and is bound to deny everywhere", () => {
        assert.deepStrictEqual(SERVICES.spec.matchConstraints.resourceRules, [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"] }]);
        assert.deepStrictEqual(INGRESSES.spec.matchConstraints.resourceRules, [{ apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["ingresses"] }]);
        for (const p of policies) assert.strictEqual(p.spec.failurePolicy, "Fail");
        assert.deepStrictEqual(bindings.map((b) => [b.spec.policyName, b.spec.validationActions]), [
            ["mall-no-exposed-services", ["Deny"]],
            ["mall-no-ingresses", ["Deny"]],
            ["mall-argocd-projects", ["Deny"]],
        ]);
        assert.ok(!("matchResources" in bindings[0].spec), "no namespace is exempt");
    });

    it("keeps every ArgoCD Application in the mall's AppProjects (never default, never one of its own)", () => {
        const PROJECTS = policies.find((p) => p.metadata.name === "mall-argocd-projects")!;
        const app = (project?: string) => ({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "orders", namespace: "argocd" }, spec: { ...(project ? { project } : {}), source: {} } });
        assert.deepStrictEqual(admit(PROJECTS, app("mall-services")), []);
        assert.deepStrictEqual(admit(PROJECTS, app("mall-root")), []);
        const refused = "Application argocd/orders must use project mall-root or mall-services, which bound what the GitOps repository may deploy (docs/eks.md, GitOps trust)";
        assert.deepStrictEqual(admit(PROJECTS, app("default")), [refused]);
        assert.deepStrictEqual(admit(PROJECTS, app("anything")), [refused]);
        assert.deepStrictEqual(admit(PROJECTS, app()), [refused]);
        assert.deepStrictEqual(PROJECTS.spec.matchConstraints.resourceRules, [{ apiGroups: ["argoproj.io"], apiVersions: ["v1alpha1"], operations: ["CREATE", "UPDATE"], resources: ["applications"] }]);
    });

    it("the evaluator catches a broken expression instead of admitting", () => {
        assert.ok(evaluateCel("object.spec.type ==", { object: {} }) instanceof Error);
        assert.ok(evaluateCel("object.spec.type == 'LoadBalancer'", { object: { spec: {} } }) instanceof Error, "a missing key is an error, as in the API server");
    });
});

describe("exposure in what the platform installs", function () {
    this.timeout(600_000);

    it("declares the policies and their bindings in every cluster, before ArgoCD's root syncs, with the Load Balancer Controller's service webhook on", async () => {
        for (const s of (await planned()).stacks) {
            const vaps = s.resources.filter((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
            const vapbs = s.resources.filter((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding");
            assert.deepStrictEqual(vaps.map((r) => (r.inputs.metadata as { name: string }).name).sort(), ["mall-argocd-projects", "mall-no-exposed-services", "mall-no-ingresses"], s.stack);
            const root = s.resources.find((r) => r.type === "kubernetes:argoproj.io/v1alpha1:Application" && r.name === "eks-argocd-root")!;
            for (const b of vapbs) assert.ok(root.dependencies.includes(b.urn), `${s.stack}: root waits for ${b.name}`);
            const lbc = s.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "eks-aws-load-balancer-controller")!;
            const values = lbc.inputs.values as { enableServiceMutatorWebhook: boolean; serviceMutatorWebhookConfig: { failurePolicy: string } };
            assert.strictEqual(values.enableServiceMutatorWebhook, true, s.stack);
            assert.strictEqual(values.serviceMutatorWebhookConfig.failurePolicy, "Ignore", s.stack);
        }
    });

    it("every chart's Services are ClusterIP under the values the plan sets (chart defaults from the vendored values.yaml)", async () => {
        const merge = (base: unknown, over: unknown): unknown => {
            if (over === undefined) return base;
            if (base && over && typeof base === "object" && typeof over === "object" && !Array.isArray(base) && !Array.isArray(over)) {
                const out: Obj = { ...(base as Obj) };
                for (const [k, v] of Object.entries(over as Obj)) out[k] = merge((base as Obj)[k], v);
                return out;
            }
            return over;
        };
        const types = (o: unknown, at: string, out: string[]): string[] => {
            if (Array.isArray(o)) o.forEach((x, i) => types(x, `${at}[${i}]`, out));
            else if (o && typeof o === "object") {
                for (const [k, v] of Object.entries(o as Obj)) {
                    if (k === "type" && /service$/i.test(at.split(".").pop() ?? "")) out.push(`${at}.type=${String(v)}`);
                    types(v, `${at}.${k}`, out);
                }
            }
            return out;
        };
        const charts = new Set<string>();
        const exposed: string[] = [];
        for (const s of (await planned()).stacks) {
            for (const r of s.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
                const chart = String(r.inputs.chart).split("/").pop(); // oci://public.ecr.aws/karpenter/karpenter → karpenter
                const dir = path.join(__dirname, "..", "fixtures", "charts", `${chart}-${r.inputs.version}`);
                assert.ok(fs.existsSync(path.join(dir, "values.yaml")), `${s.stack} ${r.name}: no vendored values.yaml for ${r.inputs.chart} ${r.inputs.version}`);
                charts.add(String(chart));
                const values = merge(YAML.parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8")), r.inputs.values);
                exposed.push(...types(values, String(chart), []).filter((t) => !t.endsWith("=ClusterIP")).map((t) => `${s.stack} ${t}`));
            }
        }
        assert.deepStrictEqual(exposed, []);
        assert.ok(charts.size >= 7, [...charts].join(", "));
    });
});
