import { PolicyReport } from "../../tools/plan/contract";
import { expectClean, expectFindings, res, run, urn } from "./fixtures";

const GLOBAL = "aws:rds/globalCluster:GlobalCluster";
const ADDON = "aws:eks/addon:Addon";
const tags = (environment: string, resolved: boolean) => ({
    tags: { service: "aurora", region: "us-east-1", environment, ...(resolved ? { "version-source": "resolved" } : {}) },
});

describe("versions-pinned (through the analyzer protocol)", () => {
    let report: PolicyReport;
    before(async () => {
        report = await run([
            res(GLOBAL, "prod-resolved", { engine: "aurora-postgresql", engineVersion: "16.8", ...tags("production", true) }),
            res(GLOBAL, "prod-pinned", { engine: "aurora-postgresql", engineVersion: "16.8", ...tags("production", false) }),
            res(GLOBAL, "dev-resolved", { engine: "aurora-postgresql", engineVersion: "16.8", ...tags("dev", true) }),
            res(ADDON, "coredns-resolved", { clusterName: "mall-us-east-1", addonName: "coredns", addonVersion: "v1.14.2-eksbuild.4", ...tags("production", true) }),
            res(ADDON, "coredns-pinned", { clusterName: "mall-us-east-1", addonName: "coredns", addonVersion: "v1.14.2-eksbuild.4", ...tags("production", false) }),
        ]);
    });

    it("flags a production resource whose version was resolved at deploy, with the line that pins it (advisory)", () => {
        expectFindings(report, "versions-pinned", urn(GLOBAL, "prod-resolved"), [
            [
                "advisory",
                'rds global cluster prod-resolved must run a pinned engine version in production; it uses the version resolved at deploy "16.8": pin it in the stack file (mall:auroraEngineVersion: "16.8")',
            ],
        ]);
    });

    it("flags an unpinned production EKS add-on with its pin key", () => {
        expectFindings(report, "versions-pinned", urn(ADDON, "coredns-resolved"), [
            [
                "advisory",
                'eks addon coredns-resolved must run a pinned add-on version in production; it uses the version resolved at deploy "v1.14.2-eksbuild.4": pin it in the stack file (mall:eksAddonVersions.coredns: "v1.14.2-eksbuild.4")',
            ],
        ]);
        expectClean(report, "versions-pinned", urn(ADDON, "coredns-pinned"));
    });

    it("accepts a pinned production resource and a resolved one outside production", () => {
        expectClean(report, "versions-pinned", urn(GLOBAL, "prod-pinned"));
        expectClean(report, "versions-pinned", urn(GLOBAL, "dev-resolved"));
    });
});

describe("versions-pinned: Karpenter's AMI (through the analyzer protocol)", () => {
    const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
    const nodeClass = (alias: string, environment: string) => ({ spec: { amiSelectorTerms: [{ alias }], tags: { environment, service: "eks" } } });
    let report: PolicyReport;
    before(async () => {
        report = await run([
            res(NODE_CLASS, "prod-latest", nodeClass("al2023@latest", "production"), { untagged: true }),
            res(NODE_CLASS, "prod-pinned", nodeClass("al2023@v20251120", "production"), { untagged: true }),
            res(NODE_CLASS, "staging-latest", nodeClass("al2023@latest", "staging"), { untagged: true }),
        ]);
    });

    it("flags a production EC2NodeClass on @latest with the key that pins it, and accepts a pinned one or a non-production one", () => {
        expectFindings(report, "versions-pinned", urn(NODE_CLASS, "prod-latest"), [
            [
                "advisory",
                'kubernetes ec2node class prod-latest must run a pinned AMI in production; its alias "al2023@latest" takes whatever AMI AWS publishes next: pin the version a non-production environment ran (mall:karpenterAmiAlias: "al2023@vYYYYMMDD", its nodes\' image version)',
            ],
        ]);
        expectClean(report, "versions-pinned", urn(NODE_CLASS, "prod-pinned"));
        expectClean(report, "versions-pinned", urn(NODE_CLASS, "staging-latest"));
    });
});
