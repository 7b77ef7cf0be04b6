import * as assert from "assert";
import { NODE_POOLS, NODE_POOL_NAMES, NodePoolSpec } from "../../components/eks/defaults";
import { NODE_CLASS_NAME, POOL_LABEL, RESTRICTED_NODECLASS_TAGS, archesOf, isRestrictedNodeClassTag, planEc2NodeClass, planNodePool } from "../../components/eks/karpenter-plan";
import { loadCrds } from "../../tools/deploy-ready/crds";
import { GITOPS_PROJECTS, planAppProjects, planLockedDefaultProject, planRootApplication, repositorySecretData } from "../../components/eks/workloads-plan";
import { loadModels, schemaError } from "./models";

const pool = (name: string): NodePoolSpec => NODE_POOLS.find((p) => p.name === name)!;
const req = (p: NodePoolSpec, key: string) => planNodePool(p).spec.template.spec.requirements.find((r) => r.key === key)?.values;

describe("Karpenter plan", () => {
    let models: Awaited<ReturnType<typeof loadModels>>;
    before(async () => {
        models = await loadModels();
    });

    describe("NodePools (ARCHITECTURE §3)", () => {
        it("are the six pools, in order", () => {
            assert.deepStrictEqual(
                NODE_POOLS.map((p) => p.name),
                ["general", "critical", "api-tier", "worker-tier", "memory-tier", "batch-tier"],
            );
            assert.deepStrictEqual([...NODE_POOL_NAMES], NODE_POOLS.map((p) => p.name));
        });

        it("have the capacity types, weights, CPU limits and taints of the architecture", () => {
            const table = NODE_POOLS.map((p) => {
                const np = planNodePool(p);
                return [p.name, req(p, "karpenter.sh/capacity-type"), np.spec.weight, np.spec.limits?.cpu, np.spec.template.spec.taints?.map((t) => `${t.key}=${t.value}:${t.effect}`) ?? []];
            });
            assert.deepStrictEqual(table, [
                ["general", ["spot", "on-demand"], 100, "400", []],
                ["critical", ["on-demand"], 90, "64", ["mall.io/critical=true:NoSchedule"]],
                ["api-tier", ["on-demand"], 50, "200", []],
                ["worker-tier", ["spot", "on-demand"], 30, "200", []],
                ["memory-tier", ["on-demand"], 40, "128", []],
                ["batch-tier", ["spot"], 10, "200", ["mall.io/batch=true:NoSchedule"]],
            ]);
        });

        it("use the instance families of their tier", () => {
            assert.deepStrictEqual(req(pool("general"), "karpenter.k8s.aws/instance-family"), ["m6i", "m7i", "m7g", "c6i", "c7i", "c7g", "r6i", "r7i", "r7g"]);
            assert.deepStrictEqual(req(pool("api-tier"), "karpenter.k8s.aws/instance-family"), ["c6i", "c7i", "c7g"]);
            assert.deepStrictEqual(req(pool("memory-tier"), "karpenter.k8s.aws/instance-family"), ["r6i", "r7i", "r7g"]);
            for (const p of NODE_POOLS) {
                assert.deepStrictEqual(req(p, "kubernetes.io/arch"), ["amd64", "arm64"], p.name);
                assert.deepStrictEqual(req(p, "kubernetes.io/os"), ["linux"], p.name);
            }
        });

        it("consolidate with a disruption budget and label their nodes with the pool name", () => {
            for (const p of NODE_POOLS) {
                const np = planNodePool(p);
                assert.strictEqual(np.metadata?.name, p.name);
                assert.deepStrictEqual(np.spec.template.metadata?.labels, { [POOL_LABEL]: p.name });
                assert.deepStrictEqual(np.spec.template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_CLASS_NAME });
                assert.strictEqual(np.spec.disruption?.budgets?.length, 1, p.name);
                assert.ok(np.spec.disruption?.consolidateAfter, p.name);
            }
            assert.deepStrictEqual(planNodePool(pool("critical")).spec.disruption, { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "1" }] });
        });

        it("validate against the karpenter.sh/v1 NodePool schema", () => {
            for (const p of NODE_POOLS) assert.strictEqual(schemaError(models.NodePool, planNodePool(p)), undefined, p.name);
        });

        it("fail validation when broken (the validation is real)", () => {
            const broken = planNodePool(pool("general")) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
            delete broken.spec.template.spec.nodeClassRef;
            assert.match(schemaError(models.NodePool, broken) ?? "", /nodeClassRef/);
            const badPolicy = planNodePool({ ...pool("general"), consolidationPolicy: "Sometimes" as never });
            assert.ok(schemaError(models.NodePool, badPolicy), "an unknown consolidation policy must not validate");
        });

        it("derive architectures from the families", () => {
            assert.deepStrictEqual(archesOf(["m6i", "c7i"]), ["amd64"]);
            assert.deepStrictEqual(archesOf(["m7g"]), ["arm64"]);
            assert.deepStrictEqual(archesOf(["c7gn", "c6i"]), ["amd64", "arm64"]);
        });
    });

    describe("EC2NodeClass", () => {
        const nc = planEc2NodeClass({
            clusterName: "mall-us-east-1",
            nodeRoleName: "mall-us-east-1-karpenter-node",
            volumeKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
            tags: { service: "eks" },
        });

        it("is AL2023, IMDSv2 only, encrypted gp3, discovered by the cluster tag", () => {
            assert.deepStrictEqual(nc.spec?.amiSelectorTerms, [{ alias: "al2023@latest" }]);
            assert.strictEqual(nc.spec?.metadataOptions?.httpTokens, "required");
            assert.strictEqual(nc.spec?.metadataOptions?.httpPutResponseHopLimit, 1);
            assert.deepStrictEqual(nc.spec?.blockDeviceMappings?.[0].ebs, {
                volumeSize: "50Gi",
                volumeType: "gp3",
                encrypted: true,
                kmsKeyID: "arn:aws:kms:us-east-1:123456789012:key/abc",
                deleteOnTermination: true,
            });
            assert.deepStrictEqual(nc.spec?.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "mall-us-east-1" } }]);
            assert.deepStrictEqual(nc.spec?.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "mall-us-east-1" } }]);
            assert.strictEqual(nc.spec?.role, "mall-us-east-1-karpenter-node");
        });

        it("restricts exactly the tag keys the v1.9.0 CRD's rules restrict (read from the vendored CRD)", () => {
            const rules = loadCrds()
                .rules()
                .filter((r) => r.crd === "EC2NodeClass.karpenter.k8s.aws/v1" && r.path === "spec.tags")
                .map((r) => r.rule);
            const exact = rules.flatMap((r) => [...r.matchAll(/k\s*!=\s*'([^']+)'/g)].map((m) => m[1])).filter((k) => k !== "");
            const prefixes = rules.flatMap((r) => [...r.matchAll(/!k\.startsWith\('([^']+)'\)/g)].map((m) => m[1]));
            assert.deepStrictEqual({ exact: [...RESTRICTED_NODECLASS_TAGS.exact].sort(), prefixes: [...RESTRICTED_NODECLASS_TAGS.prefixes].sort() }, { exact: exact.sort(), prefixes: prefixes.sort() });
            assert.ok(isRestrictedNodeClassTag("kubernetes.io/cluster/mall-us-east-1") && isRestrictedNodeClassTag("karpenter.sh/nodepool") && !isRestrictedNodeClassTag("service"));
        });

        it("drops the restricted tags Karpenter adds itself, so the API server's CEL rules accept it", () => {
            const tagged = planEc2NodeClass({
                clusterName: "mall-us-east-1",
                nodeRoleName: "mall-us-east-1-karpenter-node",
                volumeKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abc",
                tags: {
                    service: "eks",
                    "kubernetes.io/cluster/mall-us-east-1": "owned",
                    "eks:eks-cluster-name": "mall-us-east-1",
                    "karpenter.sh/nodepool": "general",
                    "karpenter.sh/nodeclaim": "x",
                    "karpenter.k8s.aws/ec2nodeclass": "default",
                },
            });
            assert.deepStrictEqual(tagged.spec?.tags, { service: "eks" });
            assert.deepStrictEqual(loadCrds().validate(tagged as unknown as Record<string, unknown>), []);
        });

        it("validates against the karpenter.k8s.aws/v1 EC2NodeClass schema", () => {
            assert.strictEqual(schemaError(models.EC2NodeClass, nc), undefined);
            const broken = { ...nc, spec: { ...nc.spec, metadataOptions: { httpTokens: "sometimes" } } };
            assert.ok(schemaError(models.EC2NodeClass, broken), "httpTokens must be required|optional");
        });
    });

    describe("GitOps trust: the AppProjects and the repository credentials", () => {
        const projects = planAppProjects({ repoUrl: "https://github.com/acme/gitops.git" }, ["commerce", "platform"]);

        it("lets the root create only Applications in argocd, and the services only namespaced objects the platform does not own", () => {
            const [root, services] = projects;
            assert.deepStrictEqual(root.spec, {
                description: "The app-of-apps: Applications in the argocd namespace, nothing else",
                sourceRepos: ["https://github.com/acme/gitops.git"],
                destinations: [{ server: "https://kubernetes.default.svc", namespace: "argocd" }],
                clusterResourceWhitelist: [],
                namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
            });
            assert.deepStrictEqual(services.spec.destinations, [
                { server: "https://kubernetes.default.svc", namespace: "commerce" },
                { server: "https://kubernetes.default.svc", namespace: "platform" },
            ]);
            assert.deepStrictEqual(services.spec.clusterResourceWhitelist, []);
            assert.deepStrictEqual(services.spec.namespaceResourceBlacklist?.map((k) => `${k.group || "core"}/${k.kind}`), [
                "networking.k8s.io/NetworkPolicy",
                "core/ServiceAccount",
                "core/ResourceQuota",
                "core/LimitRange",
                "rbac.authorization.k8s.io/Role",
                "rbac.authorization.k8s.io/RoleBinding",
                "elbv2.k8s.aws/TargetGroupBinding",
                "argoproj.io/*",
            ]);
            assert.deepStrictEqual(planLockedDefaultProject().spec.destinations, []);
            assert.strictEqual(planRootApplication({ repoUrl: "https://github.com/acme/gitops.git", revision: "main", path: "p" }).spec.project, GITOPS_PROJECTS.root);
        });

        it("validates against the vendored argoproj.io/v1alpha1 AppProject CRD", () => {
            const crds = loadCrds();
            for (const p of [...projects, planLockedDefaultProject()]) assert.deepStrictEqual(crds.validate({ ...p }), [], p.metadata.name);
        });

        it("turns each credential shape ArgoCD reads into a repository secret for the URL scheme it serves", () => {
            const ssh = { repoUrl: "git@github.com:acme/gitops.git" };
            const https = { repoUrl: "https://github.com/acme/gitops.git" };
            assert.deepStrictEqual(repositorySecretData(ssh, "arn:s", JSON.stringify({ sshPrivateKey: "KEY", note: "x" })), { type: "git", url: ssh.repoUrl, sshPrivateKey: "KEY" });
            assert.deepStrictEqual(repositorySecretData(https, "arn:s", JSON.stringify({ githubAppID: 12, githubAppInstallationID: "34", githubAppPrivateKey: "PEM" })), {
                type: "git",
                url: https.repoUrl,
                githubAppID: "12",
                githubAppInstallationID: "34",
                githubAppPrivateKey: "PEM",
            });
            assert.deepStrictEqual(repositorySecretData(https, "arn:s", JSON.stringify({ username: "u", password: "p" })), { type: "git", url: https.repoUrl, username: "u", password: "p" });
        });

        it("refuses a document that is not a credential, or one the URL cannot use, naming the secret", () => {
            const shapes = "{sshPrivateKey} or {githubAppID, githubAppInstallationID, githubAppPrivateKey} or {username, password}";
            assert.throws(() => repositorySecretData({ repoUrl: "https://x/r.git" }, "arn:s", "plain-text"), { message: `GitOps credentials arn:s must hold a JSON object: ${shapes}` });
            assert.throws(() => repositorySecretData({ repoUrl: "https://x/r.git" }, "arn:s", JSON.stringify({ token: "t" })), { message: `GitOps credentials arn:s hold the fields token; ArgoCD needs ${shapes}` });
            assert.throws(() => repositorySecretData({ repoUrl: "https://x/r.git" }, "arn:s", JSON.stringify({ sshPrivateKey: "K" })), {
                message: "GitOps credentials arn:s hold sshPrivateKey, which ArgoCD cannot use for https://x/r.git: a deploy key needs an ssh URL (git@… or ssh://…), a GitHub App or a password an https URL",
            });
        });
    });

    describe("ArgoCD root Application", () => {
        const app = planRootApplication({ repoUrl: "https://github.com/acme/gitops.git", revision: "main", path: "clusters/us-east-1" });

        it("points at the GitOps repo path and syncs automatically", () => {
            assert.deepStrictEqual(app.spec.source, { repoURL: "https://github.com/acme/gitops.git", targetRevision: "main", path: "clusters/us-east-1", directory: { recurse: true } });
            assert.deepStrictEqual(app.spec.syncPolicy?.automated, { prune: true, selfHeal: true });
            assert.strictEqual(app.metadata?.namespace, "argocd");
        });

        it("validates against the argoproj.io/v1alpha1 Application schema", () => {
            assert.strictEqual(schemaError(models.Application, app), undefined);
            const broken = { ...app, spec: { ...app.spec, destination: "in-cluster" } };
            assert.ok(schemaError(models.Application, broken), "a string destination must not validate");
        });
    });
});
