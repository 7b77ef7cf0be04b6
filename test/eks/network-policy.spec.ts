/**
 * The services' NetworkPolicies (S4): the pure evaluator's semantics on hand-made policies, then,
 * for every planned stack, that the (namespace, address, port) tuples the planned policies allow
 * are exactly those the flow table grants (computed here independently), over every store port,
 * 443, 5432, DNS, OTLP and the api-gateway's port, towards every subnet tier and region.
 */
import * as assert from "assert";
import { SERVICES } from "../../components/catalogue";
import { STORES, storeUsers } from "../../components/data/plan";
import { NetworkPolicy, evaluateEgress, evaluateIngress } from "../../components/eks/network-policy-plan";
import { FlowRegion, admittedToday, flowTable } from "../../components/network/flows";
import { contains, formatCidr, parseCidr } from "../../components/network/cidr";
import * as path from "path";
import { PlannedResource } from "../../tools/plan/contract";
import { environmentRegistry, loadProject } from "../../tools/plan/stacks";
import { planned } from "../deploy-ready/planned";

const pod = (namespace: string, podLabels: Record<string, string> = {}) => ({ namespace, podLabels });
const peerPod = (namespace: string, podLabels: Record<string, string> = {}, namespaceLabels: Record<string, string> = {}) => ({ namespace, podLabels, namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...namespaceLabels } });
const np = (namespace: string, name: string, spec: NetworkPolicy["spec"]): NetworkPolicy => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });

describe("NetworkPolicy evaluator (Kubernetes semantics)", () => {
    const deny = np("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    it("allows everything when no policy selects the pod, nothing under a bare default deny", () => {
        assert.strictEqual(evaluateEgress([], pod("a"), { ip: "10.0.0.1" }, 5432), true);
        assert.strictEqual(evaluateEgress([deny], pod("a"), { ip: "10.0.0.1" }, 5432), false);
        assert.strictEqual(evaluateEgress([deny], pod("b"), { ip: "10.0.0.1" }, 5432), true, "another namespace's policy does not select it");
        assert.strictEqual(evaluateIngress([deny], pod("a"), { ip: "10.0.0.1" }, 80), false);
    });
    it("adds up allows: an ipBlock with except, ports and protocols", () => {
        const allow = np("a", "out", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] }] });
        assert.strictEqual(evaluateEgress([deny, allow], pod("a"), { ip: "52.94.1.1" }, 443), true);
        assert.strictEqual(evaluateEgress([deny, allow], pod("a"), { ip: "10.0.3.4" }, 443), false, "except");
        assert.strictEqual(evaluateEgress([deny, allow], pod("a"), { ip: "52.94.1.1" }, 443, "UDP"), false, "protocol");
        assert.strictEqual(evaluateEgress([deny, allow], pod("a"), { ip: "52.94.1.1" }, 80), false, "port");
    });
    it("reads an absent or empty peer list or port list as everything, as Kubernetes does", () => {
        const any = np("a", "any", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] });
        assert.strictEqual(evaluateEgress([deny, any], pod("a"), { ip: "10.9.9.9" }, 6379), true);
        const anyPort = np("a", "any-port", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.9.0.0/16" } }], ports: [] }] });
        assert.strictEqual(evaluateEgress([deny, anyPort], pod("a"), { ip: "10.9.9.9" }, 6379), true);
        assert.strictEqual(evaluateEgress([deny, anyPort], pod("a"), { ip: "10.8.9.9" }, 6379), false);
    });
    it("matches namespace and pod selectors; a pod selector alone means the policy's own namespace", () => {
        const dns = np("a", "dns", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }] }] });
        assert.strictEqual(evaluateEgress([deny, dns], pod("a"), peerPod("kube-system", { "k8s-app": "kube-dns" }), 53, "UDP"), true);
        assert.strictEqual(evaluateEgress([deny, dns], pod("a"), peerPod("kube-system", { "k8s-app": "metrics-server" }), 53, "UDP"), false);
        const same = np("a", "same", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "mall.io/domain", operator: "Exists" }] } }] }] });
        assert.strictEqual(evaluateIngress([deny, same], pod("a"), peerPod("b", {}, { "mall.io/domain": "b" }), 8080), true);
        assert.strictEqual(evaluateIngress([deny, same], pod("a"), peerPod("argocd"), 8080), false);
    });
});

describe("the planned NetworkPolicies equal the flow table", function () {
    this.timeout(600_000);
    let stacks: { stack: string; resources: PlannedResource[] }[];
    before(async () => {
        stacks = (await planned()).stacks.map((s) => ({ stack: s.stack, resources: s.resources }));
    });

    it("gives every service namespace of every stack a default deny, and no other namespace any policy", () => {
        for (const s of stacks) {
            const policies = s.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as unknown as NetworkPolicy);
            const namespaces = [...new Set(SERVICES.map((x) => x.domain))];
            assert.deepStrictEqual([...new Set(policies.map((p) => p.metadata.namespace))].sort(), [...namespaces].sort(), s.stack);
            for (const ns of namespaces) {
                const deny = policies.find((p) => p.metadata.namespace === ns && p.metadata.name === "default-deny")!;
                assert.deepStrictEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, `${s.stack} ${ns}`);
            }
        }
    });

    it("allows exactly the table's (namespace, address, port) tuples, egress and ingress, in every stack", () => {
        for (const s of stacks) {
            const vpc = s.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
            const subnetsByTier = (tier: string) => s.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && (r.inputs.tags as Record<string, string>)?.tier === tier).map((r) => String(r.inputs.cidrBlock));
            const tiers = { public: subnetsByTier("public"), private: subnetsByTier("private"), data: subnetsByTier("data") };
            assert.ok(tiers.data.length >= 2 && tiers.private.length >= 2 && tiers.public.length >= 2, `${s.stack}: subnet tiers ${JSON.stringify(tiers)}`);
            const policies = s.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as unknown as NetworkPolicy);
            // The registry the stack was planned with, from the VPCs' registry CIDRs in the plan (the pack's view).
            const regions = registryOf(s.stack);
            const self = regions.find((r) => r.cidr === String(vpc.inputs.cidrBlock))!;
            const rows = flowTable(regions);
            const host = (cidr: string, n = 10) => formatCidr({ base: parseCidr(cidr)!.base + n, prefix: 32 }).replace(/\/32$/, "");
            const inside = (ip: string, cidr: string) => contains(parseCidr(cidr)!, parseCidr(`${ip}/32`)!);
            const targets = [
                ...tiers.data.map((c) => host(c)),
                ...tiers.private.map((c) => host(c)),
                ...tiers.public.map((c) => host(c)),
                ...regions.filter((r) => r.name !== self.name).map((r) => host(r.cidr, 300)),
                "172.20.0.1", // kubernetes.default in the Service range EKS picks for a 10/8 VPC
                "10.100.0.10",
                "52.94.133.131", // an AWS public API address
                "8.8.8.8",
            ];
            const ports = [...new Set([...STORES.flatMap((x) => (x.port ? [x.port] : [])), 443, 5432, 53, 8080, 4317, 9090])];
            for (const ns of [...new Set(SERVICES.map((x) => x.domain))]) {
                const services = SERVICES.filter((x) => x.domain === ns).map((x) => x.name);
                const uses = (store: string) => storeUsers(STORES.find((x) => x.id === store)!).some((u) => services.includes(u));
                const outsideVpcs = (ip: string) => !regions.some((r) => inside(ip, r.cidr)) && !["172.20.0.0/16", "10.100.0.0/16"].some((c) => inside(ip, c));
                const expected = (ip: string, port: number) =>
                    rows.some((row) => {
                        if (row.from.kind !== "group" || row.from.role !== "eks-nodes" || row.from.region !== self.name || !admittedToday(row.expected) || row.port !== port) return false;
                        if (row.to.kind === "group" && row.to.role.startsWith("data:") && uses(row.to.role.slice(5))) {
                            return row.to.region === self.name ? tiers.data.some((c) => inside(ip, c)) : inside(ip, regions.find((r) => r.name === (row.to as { region: string }).region)!.cidr);
                        }
                        if (row.to.kind === "aws-api" && row.to.service === "dsql") return uses("dsql") && outsideVpcs(ip);
                        return false;
                    }) ||
                    (port === 443 && (tiers.private.some((c) => inside(ip, c)) || outsideVpcs(ip)));
                for (const ip of targets) {
                    for (const port of ports) {
                        assert.strictEqual(evaluateEgress(policies, pod(ns), { ip }, port), expected(ip, port), `${s.stack} ${ns} -> ${ip}:${port}`);
                    }
                }
                assert.strictEqual(evaluateEgress(policies, pod(ns), peerPod("kube-system", { "k8s-app": "kube-dns" }), 53, "UDP"), true);
                assert.strictEqual(evaluateEgress(policies, pod(ns), peerPod("kube-system", { "k8s-app": "kube-dns" }), 53, "TCP"), true);
                assert.strictEqual(evaluateEgress(policies, pod(ns), peerPod("kube-system", { "k8s-app": "aws-node" }), 53, "UDP"), false);
                assert.strictEqual(evaluateEgress(policies, pod(ns), peerPod("observability"), 4317), true);
                assert.strictEqual(evaluateEgress(policies, pod(ns), peerPod("observability"), 9090), false);
                // Service to service: the caller's egress and the callee's ingress both allow it; not to the platform's charts.
                for (const other of ["commerce", "platform"]) {
                    const callee = peerPod(other, {}, { "mall.io/domain": other });
                    assert.strictEqual(evaluateEgress(policies, pod(ns), callee, 8080), true, `${s.stack} ${ns} -> ${other}`);
                    assert.strictEqual(evaluateIngress(policies, pod(other), peerPod(ns, {}, { "mall.io/domain": ns }), 8080), true, `${s.stack} ${other} <- ${ns}`);
                }
                assert.strictEqual(evaluateEgress(policies, pod(ns), peerPod("argocd"), 8080), false);
                // Ingress: the other services and observability, not the platform's charts; the origin ALB (public subnets) to the api-gateway only.
                assert.strictEqual(evaluateIngress(policies, pod(ns), peerPod("commerce", {}, { "mall.io/domain": "commerce" }), 8080), true);
                assert.strictEqual(evaluateIngress(policies, pod(ns), peerPod("observability"), 9100), true);
                assert.strictEqual(evaluateIngress(policies, pod(ns), peerPod("argocd"), 8080), false);
                const gateway = ns === SERVICES.find((x) => x.name === "api-gateway")!.domain;
                assert.strictEqual(evaluateIngress(policies, pod(ns, { "app.kubernetes.io/name": "api-gateway" }), { ip: host(tiers.public[0]) }, 8080), gateway, `${s.stack} ${ns} origin`);
                assert.strictEqual(evaluateIngress(policies, pod(ns, { "app.kubernetes.io/name": "orders" }), { ip: host(tiers.public[0]) }, 8080), false);
                assert.strictEqual(evaluateIngress(policies, pod(ns, { "app.kubernetes.io/name": "api-gateway" }), { ip: host(tiers.private[0]) }, 8080), false);
            }
        }
    });

    /** The environment's registry of a stack, from the shipped stack files (test/registry.ts reads production's). */
    function registryOf(stack: string): FlowRegion[] {
        const project = loadProject(path.resolve(__dirname, "../.."));
        const file = project.stacks.find((s) => s.stack === stack)!;
        const raw = environmentRegistry(file.config, file.environment)!;
        return Object.entries(raw).map(([name, v]) => ({ name, cidr: String(v.cidr), role: v.role as "primary" | "secondary" }));
    }
});
