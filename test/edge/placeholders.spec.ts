import * as assert from "assert";
import { REGISTRY } from "../registry";
import * as path from "path";
import { ConfigError, OFFLINE_PLAN_ENV, RawConfig, isOfflinePlan, parseStackConfig } from "../../stacks/settings";
import { isReservedDomain } from "../../stacks/settings/placeholders";
import { ciStacks } from "../../tools/stacks";
import { loadProject } from "../../tools/plan/stacks";
import { ProgramError, runStack } from "../../tools/plan/runner";
import { inEnvironment } from "../environments";

const project = loadProject(path.resolve(__dirname, "../.."));
const shipped = (stack: string) => project.stacks.find((s) => s.stack === stack)!.config;
/** A real stack: the apex owned, a delegated zone, the real org and GitOps repo. */
const RUNNER = (region: string) =>
    JSON.stringify({
        repositoryUrl: "https://github.com/acme/mall-platform",
        connectionArn: `arn:aws:codeconnections:${region}:210987654321:connection/4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`,
        deployRoleArn: "arn:aws:iam::210987654321:role/mall-deploy",
        previewRoleArn: "arn:aws:iam::210987654321:role/mall-preview",
        actorIds: ["583231"],
    });
const REAL: Record<string, RawConfig> = {
    "us-east-1": { ...shipped("us-east-1"), "mall:domain": "acme-mall.co.kr", "mall:hostedZoneId": "Z0123456789ABCDEFGHIJ", "mall:gitopsRepoUrl": "https://github.com/acme/mall-gitops.git", "mall:eksAdminRoleArns": JSON.stringify(["arn:aws:iam::123456789012:role/platform-admin"]), "mall:deployRunner": RUNNER("us-east-1"), "aws:allowedAccountIds": JSON.stringify(["210987654321"]) },
    "us-west-2": { ...shipped("us-west-2"), "mall:domain": "acme-mall.co.kr", "mall:primaryStack": "acme/mall/us-east-1", "mall:gitopsRepoUrl": "https://github.com/acme/mall-gitops.git", "mall:eksAdminRoleArns": JSON.stringify(["arn:aws:iam::123456789012:role/platform-admin"]), "mall:deployRunner": RUNNER("us-west-2"), "aws:allowedAccountIds": JSON.stringify(["210987654321"]) },
};

function problems(stack: string, raw: RawConfig, offlinePlan: boolean): readonly string[] {
    try {
        parseStackConfig("mall", stack, raw, { offlinePlan });
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

const RESERVED = (d: string, stack: string) =>
    `mall:domain "${d}" is a reserved example name (RFC 2606/6761: example.com/.net/.org, *.example, *.test, *.invalid, *.localhost) that no registrar delegates, so its certificates can never validate; set the apex you own: pulumi config set mall:domain <your apex> -s ${stack}`;
const GITOPS = (stack: string) =>
    `mall:gitopsRepoUrl "https://github.com/mall-platform/mall-gitops.git" is the placeholder GitOps repository, which nobody here controls; every cluster needs the real one ArgoCD syncs: pulumi config set mall:gitopsRepoUrl <your repo URL> -s ${stack}`;
const ZONE = (apex: string) =>
    `mall:hostedZoneId is not set; the first deploy needs a public zone for ${apex} that is already delegated (ACM validates the certificates through public DNS, and a zone created in the same run is delegated only after it, so validation would time out after 75 minutes). ` +
    `Create and delegate it first: aws route53 create-hosted-zone --name ${apex} --caller-reference mall-$(date +%s), add its four NS records at the parent zone or registrar, check with dig NS ${apex}, then pulumi config set mall:hostedZoneId <Z…> -s us-east-1`;
const ADMINS = (stack: string) =>
    `mall:eksAdminRoleArns is empty (value []); a production cluster needs at least one admin role besides the deploying identity. Set it, e.g. pulumi config set --path 'mall:eksAdminRoleArns[0]' arn:aws:iam::<account>:role/<platform-admin> -s ${stack}`;
const RUNNER_PLACEHOLDERS = (region: string) => [
    'mall:deployRunner.repositoryUrl "https://github.com/organization/mall-platform" names the placeholder org "organization"; set your repository',
    `mall:deployRunner.connectionArn is the placeholder connection; create one (aws codeconnections create-connection --provider-type GitHub --connection-name mall-${region} --region ${region}), authorise it in the console, and set its ARN`,
    "mall:deployRunner.connectionArn is in the documentation account 123456789012; set the ARN in your account",
    "mall:deployRunner.deployRoleArn is in the documentation account 123456789012; set the ARN in your account",
    "mall:deployRunner.previewRoleArn is in the documentation account 123456789012; set the ARN in your account",
];
const SET_ACCOUNTS = (stack: string) => `set the account this stack deploys to in Pulumi.${stack}.yaml: aws:allowedAccountIds: ["<12-digit account id>"] (quoted)`;
const ACCOUNTS = (stack: string) => `aws:allowedAccountIds names the documentation account 123456789012; ${SET_ACCOUNTS(stack)}`;
const ORG = `mall:primaryStack "organization/mall/us-east-1" names the placeholder Pulumi organization "organization"; name yours (the CI takes the org from this key): pulumi config set mall:primaryStack <your org>/mall/us-east-1 -s us-west-2`;

describe("placeholders: only the offline plan accepts them", () => {
    it("the shipped stack files plan offline", () => {
        assert.deepStrictEqual(problems("us-east-1", shipped("us-east-1"), true), []);
        assert.deepStrictEqual(problems("us-west-2", shipped("us-west-2"), true), []);
        assert.strictEqual(parseStackConfig("mall", "us-east-1", shipped("us-east-1"), { offlinePlan: true }).domain, "example.com");
    });

    it("a real run refuses the shipped files, naming each key and its fix", () => {
        assert.deepStrictEqual(problems("us-east-1", shipped("us-east-1"), false), [RESERVED("example.com", "us-east-1"), ACCOUNTS("us-east-1"), ADMINS("us-east-1"), ...RUNNER_PLACEHOLDERS("us-east-1"), GITOPS("us-east-1"), ZONE("example.com")]);
        assert.deepStrictEqual(problems("us-west-2", shipped("us-west-2"), false), [RESERVED("example.com", "us-west-2"), ACCOUNTS("us-west-2"), ADMINS("us-west-2"), ...RUNNER_PLACEHOLDERS("us-west-2"), GITOPS("us-west-2"), ORG]);
    });

    it("a real run accepts a real stack", () => {
        assert.deepStrictEqual(problems("us-east-1", REAL["us-east-1"], false), []);
        assert.deepStrictEqual(problems("us-west-2", REAL["us-west-2"], false), []);
    });

    it("checks aws:allowedAccountIds: 12-digit ids, never the documentation account in a real run", () => {
        assert.deepStrictEqual(problems("us-east-1", { ...REAL["us-east-1"], "aws:allowedAccountIds": JSON.stringify(["21098765432", "210987654321"]) }, false), [
            'aws:allowedAccountIds entry "21098765432" is not a 12-digit AWS account id',
        ]);
        assert.deepStrictEqual(problems("us-east-1", { ...REAL["us-east-1"], "aws:allowedAccountIds": JSON.stringify(["210987654321", "123456789012"]) }, false), [ACCOUNTS("us-east-1")]);
        const { ["aws:allowedAccountIds"]: _, ...unset } = REAL["us-east-1"];
        assert.deepStrictEqual(problems("us-east-1", unset, false), [
            `aws:allowedAccountIds is empty or not set; a real run needs the account(s) this stack may deploy to (the provider refuses any other, and the policy pack tells this account's trusts from foreign ones by it): ${SET_ACCOUNTS("us-east-1")}`,
        ]);
        assert.deepStrictEqual(problems("us-east-1", unset, true), []);
        assert.strictEqual(problems("us-east-1", { ...unset, "aws:allowedAccountIds": "[]" }, false).length, 1);
        // What `pulumi config set --path 'aws:allowedAccountIds[0]' 210987654321` writes: a number.
        assert.deepStrictEqual(problems("us-east-1", { ...unset, "aws:allowedAccountIds": "[210987654321]" }, false), ['aws:allowedAccountIds must be a list of strings, e.g. ["<a 12-digit AWS account id>"]']);
    });

    it("refuses a domain that doubles the site label (mall.mall.<apex>)", () => {
        assert.deepStrictEqual(problems("us-east-1", { ...REAL["us-east-1"], "mall:domain": "mall.acme.com" }, false), [
            `mall:domain "mall.acme.com" starts with "mall.", so the site would be mall.mall.acme.com: mall:domain is the apex and the site is mall.<domain>; set mall:domain to the apex, e.g. example.com for mall.example.com`,
        ]);
        assert.deepStrictEqual(problems("us-east-1", { ...REAL["us-east-1"], "mall:domain": "mall.example.com" }, false), [
            RESERVED("mall.example.com", "us-east-1"),
            `mall:domain "mall.example.com" starts with "mall.", so the site would be mall.mall.example.com: mall:domain is the apex and the site is mall.<domain>; set mall:domain to the apex, e.g. example.com for mall.example.com`,
        ]);
    });

    it("needs the real GitOps repo in every environment (the placeholder's org could deploy into staging too)", () => {
        const { ["mall:gitopsRepoUrl"]: _, ...noRepo } = REAL["us-east-1"];
        assert.deepStrictEqual(problems("us-east-1", noRepo, false), [GITOPS("us-east-1")]);
        assert.deepStrictEqual(problems("staging-us-east-1", inEnvironment("staging", noRepo), false), [GITOPS("staging-us-east-1")]);
        assert.deepStrictEqual(problems("staging-us-east-1", inEnvironment("staging", REAL["us-east-1"]), false), []);
    });

    it("knows the RFC 2606 / 6761 reserved names", () => {
        const table: [string, boolean][] = [
            ["example.com", true],
            ["shop.example.net", true],
            ["example.org", true],
            ["mall.example", true],
            ["mall.test", true],
            ["a.invalid", true],
            ["localhost", true],
            ["mall.localhost", true],
            ["example.co.kr", false],
            ["myexample.com", false],
            ["acme-mall.co.kr", false],
            ["testing.io", false],
        ];
        for (const [d, reserved] of table) assert.strictEqual(isReservedDomain(d), reserved, d);
    });

    it("reads the planner's mark from the environment", () => {
        assert.strictEqual(OFFLINE_PLAN_ENV, "MALL_OFFLINE_PLAN");
        assert.strictEqual(isOfflinePlan({ MALL_OFFLINE_PLAN: "1" }), true);
        assert.strictEqual(isOfflinePlan({}), false);
        assert.strictEqual(isOfflinePlan({ MALL_OFFLINE_PLAN: "true" }), false);
    });
});

describe("placeholders: the program under mocks", function () {
    this.timeout(120_000);

    it("without the planner's mark, refuses before any resource exists", async () => {
        const before = process.env.MALL_OFFLINE_PLAN;
        await assert.rejects(
            runStack({
                project: "mall",
                stack: "us-east-1",
                config: shipped("us-east-1"),
                stackOutputs: new Map(),
                // As `pulumi up` runs it: the planner's mark removed (runStack restores it afterwards).
                program: async () => {
                    delete process.env.MALL_OFFLINE_PLAN;
                    const { program } = await import("../../stacks/program");
                    return program();
                },
            }),
            (e: Error) => {
                assert.ok(e instanceof ProgramError, e.message);
                assert.strictEqual(
                    e.message,
                    `Invalid configuration for stack "us-east-1" (10 problems); nothing was created:\n` + [RESERVED("example.com", "us-east-1"), ACCOUNTS("us-east-1"), ADMINS("us-east-1"), ...RUNNER_PLACEHOLDERS("us-east-1"), GITOPS("us-east-1"), ZONE("example.com")].map((p) => `  - ${p}`).join("\n"),
                );
                return true;
            },
        );
        assert.strictEqual(process.env.MALL_OFFLINE_PLAN, before, "runStack restores the mark");
    });

    it("with the mark (the offline plan), plans the shipped files", async () => {
        const run = await runStack({ project: "mall", stack: "us-east-1", config: shipped("us-east-1"), stackOutputs: new Map() });
        const cdn = run.resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!;
        assert.deepStrictEqual(cdn.inputs.aliases, ["mall.example.com"]);
        assert.ok(run.resources.some((r) => r.type === "aws:route53/zone:Zone"), "the offline plan shows the zone a real run must bring");
    });

    it("with a real config and no mark, plans (a delegated zone, no zone resource)", async () => {
        const run = await runStack({
            project: "mall",
            stack: "us-east-1",
            config: REAL["us-east-1"],
            stackOutputs: new Map(),
            program: async () => {
                delete process.env.MALL_OFFLINE_PLAN;
                const { program } = await import("../../stacks/program");
                return program();
            },
        });
        assert.strictEqual(run.resources.filter((r) => r.type === "aws:route53/zone:Zone").length, 0);
        assert.deepStrictEqual(run.resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!.inputs.aliases, ["mall.acme-mall.co.kr"]);
    });
});

describe("tools/stacks.ts: the CI's Pulumi organization", () => {
    it("lists the stacks in deploy order with the org", () => {
        const runner = (r: string) => ({ deploy: `mall-${r}-deploy`, preview: `mall-${r}-preview` });
        assert.deepStrictEqual(ciStacks(project, { deploy: false }), {
            environment: "production",
            org: "organization",
            order: REGISTRY.regions,
            primaries: [REGISTRY.primary],
            secondaries: REGISTRY.secondaries,
            runners: Object.fromEntries(REGISTRY.regions.map((r) => [r, runner(r)])),
            regions: Object.fromEntries(REGISTRY.regions.map((r) => [r, r])),
            // the shipped placeholders: no real preview
            previewable: [],
        });
    });

    it("lists one environment at a time: staging never lands in production's matrix", () => {
        const staging = ciStacks(project, { deploy: false, environment: "staging" });
        assert.deepStrictEqual(staging, {
            environment: "staging",
            org: "organization",
            order: ["staging-us-east-1", "staging-us-west-2"],
            primaries: ["staging-us-east-1"],
            secondaries: ["staging-us-west-2"],
            runners: {
                "staging-us-east-1": { deploy: "mall-staging-us-east-1-deploy", preview: "mall-staging-us-east-1-preview" },
                "staging-us-west-2": { deploy: "mall-staging-us-west-2-deploy", preview: "mall-staging-us-west-2-preview" },
            },
            regions: { "staging-us-east-1": "us-east-1", "staging-us-west-2": "us-west-2" },
            previewable: [],
        });
        assert.ok(ciStacks(project, { deploy: false }).order.every((st) => !st.startsWith("staging-")));
        assert.throws(() => ciStacks(project, { deploy: false, environment: "prod" }), new Error('no stack of environment "prod" (mall:environment in a Pulumi.<stack>.yaml); environments: production, staging'));
        // The deploy workflow asks with --if-present: a project without staging files skips its staging jobs.
        assert.deepStrictEqual(ciStacks(project, { deploy: true, environment: "dev", ifPresent: true }), { environment: "dev", org: "", order: [], primaries: [], secondaries: [], runners: {}, regions: {}, previewable: [] });
    });

    it("refuses to deploy into the placeholder org", () => {
        assert.throws(
            () => ciStacks(project, { deploy: true }),
            new Error(
                `the Pulumi organization is the placeholder "organization" (mall:primaryStack in ${REGISTRY.secondaries.map((r) => `Pulumi.${r}.yaml`).sort().join(", ")}); set your org in every secondary: pulumi config set mall:primaryStack <your org>/mall/us-east-1 -s <secondary>`,
            ),
        );
        const real = { ...project, stacks: project.stacks.map((s) => (s.config["mall:primaryStack"] ? { ...s, config: { ...s.config, "mall:primaryStack": "acme/mall/us-east-1" } } : s)) };
        assert.strictEqual(ciStacks(real, { deploy: true }).org, "acme");
        // Pull requests preview for real once the org and the account are real.
        assert.deepStrictEqual(ciStacks(real, { deploy: false }).previewable, [], "the placeholder account still holds previews back");
        const account = { ...real, stacks: real.stacks.map((s) => ({ ...s, config: { ...s.config, "aws:allowedAccountIds": '["210987654321"]' } })) };
        assert.deepStrictEqual(ciStacks(account, { deploy: false }).previewable, REGISTRY.regions);
    });
});

describe("tools/stacks.ts: what CI may deploy", () => {
    const project = loadProject(path.join(__dirname, "..", ".."));
    it("refuses a stack file that still carries the bootstrap phase", () => {
        const left = { ...project, stacks: project.stacks.map((s) => (s.stack === "us-west-2" ? { ...s, config: { ...s.config, "mall:primaryStack": "acme/mall/us-east-1", "mall:deployPhase": "bootstrap" } } : s)) };
        assert.throws(
            () => ciStacks(left, { deploy: true }),
            new Error("Pulumi.us-west-2.yaml still sets mall:deployPhase: bootstrap (a workstation-only first run that opens the EKS API to its CIDRs); remove it (pulumi config rm mall:deployPhase -s <stack>) before deploying from CI"),
        );
    });
    it("gives a runner label only to stacks that have a runner", () => {
        const without = { ...project, stacks: project.stacks.map((s) => (s.stack === "us-west-2" ? { ...s, config: Object.fromEntries(Object.entries(s.config).filter(([k]) => k !== "mall:deployRunner")) } : s)) };
        assert.deepStrictEqual(Object.keys(ciStacks(without, { deploy: false }).runners), REGISTRY.regions.filter((st) => st !== "us-west-2"));
        // ... and refuses to deploy one without: its job would wait a day for a runner that never starts.
        const named = { ...without, stacks: without.stacks.map((s) => (s.config["mall:primaryStack"] ? { ...s, config: { ...s.config, "mall:primaryStack": "acme/mall/us-east-1" } } : s)) };
        assert.throws(
            () => ciStacks(named, { deploy: true }),
            new Error('Pulumi.us-west-2.yaml sets no mall:deployRunner: CI deploys run on the stack\'s in-VPC runner (the EKS API is private); configure it (README "Deploying for real") or deploy that stack from a workstation'),
        );
        assert.strictEqual(ciStacks({ ...named, stacks: named.stacks.map((s) => (s.stack === "us-west-2" ? project.stacks.find((p) => p.stack === s.stack)! : s)).map((s) => (s.config["mall:primaryStack"] ? { ...s, config: { ...s.config, "mall:primaryStack": "acme/mall/us-east-1" } } : s)) }, { deploy: true }).org, "acme");
    });
});
