/**
 * Parses and validates one stack's whole configuration before any resource exists. Pure: the
 * program (stacks/config.ts) and the offline plan feed it the raw config map; tests feed it
 * tables. Every problem names the key, shows the value, says what is allowed and how to fix it.
 */
import { EdgeSettings, IngressSettings, readEdge, readIngress } from "./edge";
import { AccountBaseline, readAccountBaseline } from "./baseline";
import { DataSettings, readData } from "./data";
import { CicdSettings, readCicd } from "./cicd";
import { EksSettings, readEks } from "./eks";
import { DrSettings, readDr } from "./dr";
import { NetworkSettings, readNetwork } from "./network";
import { SecuritySettings, readSecurity } from "./security";
import * as awsConfig from "@pulumi/aws/config/vars";
import { ConfigError, ConfigReader, KeyRead, RawConfig, closest, editDistance } from "./reader";
import { ENVIRONMENTS_KEY, ENVIRONMENT_NAME, PRODUCTION, REGISTRY_KEY, RegionEntry, RegionRegistry, checkEnvironments, knownEnvironments, namePrefix, readEnvironments, readRegistry, registryKey, secondariesBefore, stackName, successorsBefore } from "./registry";
import { DEFAULT_GITOPS } from "../../components/eks/defaults";
import { PRIMARY_ONLY_EXPERIMENTS } from "../../components/dr/experiments";
import { SITE_LABEL, edgeNames } from "../../components/edge/plan";
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_ORG, isReservedDomain } from "./placeholders";

export { ConfigError, ConfigKind, KeyRead, RawConfig } from "./reader";
export { RegionEntry, RegionRegistry, RegionRole, REGISTRY_KEY, ENVIRONMENTS_KEY, PRODUCTION, namePrefix, registryKey, stackName } from "./registry";
export { NetworkSettings } from "./network";
export { EdgeSettings, IngressSettings } from "./edge";
export { DataSettings } from "./data";
export { AccountBaseline, ACCOUNT_BASELINE_KEY, ACCOUNT_SINGLETONS } from "./baseline";
export { EksSettings } from "./eks";
export { CicdSettings, DeployPhase, RunnerSettings } from "./cicd";
export { DrSettings } from "./dr";
export { SecuritySettings, RetentionLock } from "./security";
export { OFFLINE_PLAN_ENV, isOfflinePlan } from "./placeholders";

/** An environment: `production`, or one declared under `mall:environments` in Pulumi.yaml. */
export type Environment = string;

interface CommonSettings {
    readonly project: string;
    readonly stack: string;
    /** This stack's region (`aws:region`). */
    readonly region: string;
    readonly registry: RegionRegistry;
    /** This region's registry entry. */
    readonly self: RegionEntry;
    /** Regions this stack links with: every secondary for the primary, the primary for a secondary. */
    readonly peers: readonly RegionEntry[];
    /** @default "production" */
    readonly environment: Environment;
    /**
     * The prefix of every physical name this stack creates (namePrefix): the project in production
     * (`mall`), `<project>-<environment>` elsewhere (`mall-staging`), so two environments in one
     * account, or sharing global namespaces (S3, DNS), never collide.
     */
    readonly namePrefix: string;
    /** The apex the edge names live under (`mall.<domain>`, `api-internal.<domain>` …). */
    readonly domain: string;
    readonly network: NetworkSettings;
    /** This region's ingress: origin ALB, health check, DNS records, evacuation. */
    readonly ingress: IngressSettings;
    /** The edge (zone, CloudFront, WAF); read on every stack, used by the primary only. */
    readonly edge: EdgeSettings;
    readonly data: DataSettings;
    readonly eks: EksSettings;
    /** DR automation, chaos drills and observability (ARCHITECTURE §6-7). */
    readonly dr: DrSettings;
    /** Which account-wide singletons this stack creates (`mall:accountBaseline`). */
    readonly accountBaseline: AccountBaseline;
    /** Audit retention and the retention locks (`mall:auditLogRetentionDays`, `mall:retentionLock` …). */
    readonly security: SecuritySettings;
    /** The deploy path: the in-VPC runners and the deploy phase (`mall:deployRunner`, `mall:deployPhase`). */
    readonly cicd: CicdSettings;
}

/** The primary: it owns every global parent and reads no other stack. */
export interface PrimarySettings extends CommonSettings {
    readonly role: "primary";
    readonly primaryStack?: undefined;
}

/** A secondary: it joins the primary's global parents and owns every pairwise link (DESIGN §2). */
export interface SecondarySettings extends CommonSettings {
    readonly role: "secondary";
    /** Fully-qualified name of the primary stack (`org/project/stack`) it reads. */
    readonly primaryStack: string;
    /**
     * The secondaries before this one in registry order, with their stacks (`org/project/<stack>`,
     * the primary's org and project, the environment's stack name): this stack owns its links to
     * each of them (full mesh), as to the primary.
     */
    readonly earlierSecondaries: readonly { readonly region: string; readonly stack: string }[];
}

/** One stack's validated settings; the role decides what the stack owns. */
export type PlatformSettings = PrimarySettings | SecondarySettings;

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const STACK_FQN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** How a config is being used: by the offline plan (under mocks) or by a real preview/up. */
export interface ParseOptions {
    /**
     * The offline plan accepts the shipped placeholders (an RFC 2606 domain, the "organization"
     * org, the example GitOps repo) and a zone the primary creates; any other run refuses them
     * before a resource exists. The program passes `isOfflinePlan()` (the planner's mark).
     * @default true - tables and tools read the shipped stack files
     */
    readonly offlinePlan?: boolean;
}

/** The validated settings of one stack; throws a ConfigError listing every problem. */
export function parseStackConfig(project: string, stack: string, raw: RawConfig, options: ParseOptions = {}): PlatformSettings {
    return readStack(new ConfigReader(stack, raw), project, stack, options.offlinePlan ?? true);
}

/**
 * Every key the readers read for this config, with the kind and default each reader declared: the
 * source of the README's configuration table and its drift test. A config with problems still
 * yields its reads (every reader runs before the problems are thrown), so they are ignored here.
 */
export function configReads(project: string, stack: string, raw: RawConfig): ReadonlyMap<string, KeyRead> {
    const r = new ConfigReader(stack, raw);
    try {
        readStack(r, project, stack, true);
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
    }
    return r.reads;
}

/** The secondaries registered before `self`, each with its stack name (the primary's org/project, the environment's stack for the region). */
export function earlierSecondaries(registry: RegionRegistry, self: string, primaryStack: string, environment: string = PRODUCTION): { region: string; stack: string }[] {
    const prefix = primaryStack.split("/").slice(0, 2).join("/");
    return secondariesBefore(registry.regions, self).map((region) => ({ region, stack: `${prefix}/${stackName(environment, region)}` }));
}

/** The accounts the stack may deploy to (the AWS provider's own key; the policy pack reads it too). */
const ALLOWED_ACCOUNTS_KEY = "aws:allowedAccountIds";

function readStack(r: ConfigReader, project: string, stack: string, offlinePlan: boolean): PlatformSettings {
    const network = readNetwork(r);
    const region = r.string("aws:region", { required: `run: pulumi config set aws:region <region> -s ${stack}` });
    const environments = readEnvironments(r);
    const environment = readEnvironment(r, stack, knownEnvironments(environments));
    checkEnvironments(r, environment, environments);
    // An undeclared environment has no registry to read (its problem says how to declare it).
    const registry =
        environment === PRODUCTION || environments.declared.has(environment)
            ? readRegistry(r, { region, azCount: network.azCount, subnetPrefix: network.subnetPrefix }, environment, environments)
            : (r.has(REGISTRY_KEY), undefined);
    const domain = r.string("mall:domain", {
        required: `run: pulumi config set mall:domain <your apex domain, e.g. example.com> -s ${stack}`,
        pattern: DNS_NAME,
        describe: "a lower-case DNS name such as example.com",
    });
    if (domain && !offlinePlan) {
        if (isReservedDomain(domain)) {
            r.problem(
                `mall:domain "${domain}" is a reserved example name (RFC 2606/6761: example.com/.net/.org, *.example, *.test, *.invalid, *.localhost) that no registrar delegates, so its certificates can never validate; set the apex you own: pulumi config set mall:domain <your apex> -s ${stack}`,
            );
        }
        if (domain.startsWith(`${SITE_LABEL}.`)) {
            r.problem(
                `mall:domain "${domain}" starts with "${SITE_LABEL}.", so the site would be ${edgeNames.site(domain)}: mall:domain is the apex and the site is ${SITE_LABEL}.<domain>; set mall:domain to the apex, e.g. example.com for ${SITE_LABEL}.example.com`,
            );
        }
    }
    const accountProblems = r.problems.length;
    const accounts = r.stringList(ALLOWED_ACCOUNTS_KEY, [], { pattern: /^\d{12}$/, describe: "a 12-digit AWS account id" });
    // In the stack file, quoted: `pulumi config set --path` would store the id as a number (and drop a leading zero).
    const setAccounts = `set the account this stack deploys to in Pulumi.${stack}.yaml: ${ALLOWED_ACCOUNTS_KEY}: ["<12-digit account id>"] (quoted)`;
    if (!offlinePlan && accounts.includes(PLACEHOLDER_ACCOUNT_ID)) {
        r.problem(`${ALLOWED_ACCOUNTS_KEY} names the documentation account ${PLACEHOLDER_ACCOUNT_ID}; ${setAccounts}`);
    } else if (!offlinePlan && accounts.length === 0 && r.problems.length === accountProblems) {
        r.problem(`${ALLOWED_ACCOUNTS_KEY} is empty or not set; a real run needs the account(s) this stack may deploy to (the provider refuses any other, and the policy pack tells this account's trusts from foreign ones by it): ${setAccounts}`);
    }
    const dr = readDr(r, environment);
    const primaryStackKey = "mall:primaryStack";
    const primaryStack = r.string(primaryStackKey);
    const eks = readEks(r, region, { requireAdmins: environment === "production" && !offlinePlan });
    const cicd = readCicd(r, { region, namePrefix: namePrefix(project, environment), publicAccessCidrs: eks.publicAccessCidrs, deploying: !offlinePlan, environment, adminRoleArns: eks.adminRoleArns });
    // Every environment: whoever registered the placeholder's GitHub org would deploy into the clusters with the services' roles.
    if (!offlinePlan && eks.gitops.repoUrl === DEFAULT_GITOPS.repoUrl) {
        r.problem(
            `mall:gitopsRepoUrl "${eks.gitops.repoUrl}" is the placeholder GitOps repository, which nobody here controls; every cluster needs the real one ArgoCD syncs: pulumi config set mall:gitopsRepoUrl <your repo URL> -s ${stack}`,
        );
    }

    let self: RegionEntry | undefined;
    if (registry && region) {
        self = registry.regions.find((e) => e.name === region);
        if (!self) {
            r.problem(
                `aws:region "${region}" is not in ${environment}'s region registry (${registryKey(environment)} in Pulumi.yaml: ${registry.regions.map((e) => e.name).join(", ")}); add an entry "${region}: { cidr, role }" there, or set aws:region to a registered region`,
            );
        } else {
            stackNameProblem(r, stack, environment, region, registry);
        }
    }
    if (self?.role === "secondary" && registry) {
        if (!primaryStack) {
            r.problem(
                `${primaryStackKey} is not set; the secondary stack ${stack} reads the primary's outputs: run pulumi config set ${primaryStackKey} <org>/${project}/${stackName(environment, registry.primary.name)} -s ${stack}`,
            );
        } else if (!STACK_FQN.test(primaryStack)) {
            r.problem(`${primaryStackKey} "${primaryStack}" must be a fully-qualified stack name <org>/${project}/${stackName(environment, registry.primary.name)}`);
        } else if (primaryStack.split("/")[1] !== project) {
            r.problem(
                `${primaryStackKey} "${primaryStack}" names project "${primaryStack.split("/")[1]}", but this is project ${project}; point it at <org>/${project}/${stackName(environment, registry.primary.name)}`,
            );
        } else if (primaryStack.split("/")[2] !== stackName(environment, registry.primary.name)) {
            r.problem(
                `${primaryStackKey} "${primaryStack}" names stack "${primaryStack.split("/")[2]}", but ${environment}'s primary is ${registry.primary.name}, stack ${stackName(environment, registry.primary.name)}; point it at <org>/${project}/${stackName(environment, registry.primary.name)}`,
            );
        } else if (!offlinePlan && primaryStack.split("/")[0] === PLACEHOLDER_ORG) {
            r.problem(
                `${primaryStackKey} "${primaryStack}" names the placeholder Pulumi organization "${PLACEHOLDER_ORG}"; name yours (the CI takes the org from this key): pulumi config set ${primaryStackKey} <your org>/${project}/${stackName(environment, registry.primary.name)} -s ${stack}`,
            );
        }
    }
    for (const key of PRIMARY_ONLY_EXPERIMENTS) {
        if (self?.role === "secondary" && dr.drillSchedules[key] !== undefined) {
            r.problem(`mall:drillSchedules.${key} is scheduled on the secondary ${stack}, but that drill runs where the writers are: schedule it on the primary ${registry?.primary.name ?? ""}`.trimEnd());
        }
    }
    if (self?.role === "primary" && primaryStack) {
        r.problem(`${primaryStackKey} is set on the primary stack ${stack}; only secondaries read a primary, remove the key`);
    }

    const ingress = readIngress(r, environment);
    const edge = readEdge(r, self?.role, { offlinePlan, domain });
    // The regions whose DSQL clusters are linked: the primary and the first secondary (components/data/plan.ts planLinks).
    const dsqlLinked = registry && registry.primary ? [registry.primary.name, ...registry.secondaries.slice(0, 1).map((e) => e.name)] : [];
    const data = readData(r, environment, network.azCount, { linked: dsqlLinked, registryKey: registryKey(environment) });
    const accountBaseline = readAccountBaseline(r, self?.role);
    const security = readSecurity(r, environment, { region, accounts, deployRoleArn: cicd.runner?.deployRoleArn || undefined, phase: cicd.phase, deploying: !offlinePlan });

    for (const key of r.unreadKeys("mall")) {
        const close = closest(key, r.knownKeys("mall"));
        r.problem(`${key} is not a setting of this program${close.length ? `; did you mean ${close.join(" or ")}?` : ""} (every key: README "Configuration keys")`);
    }
    // The AWS provider's own keys, from its schema (@pulumi/aws/config/vars exports one getter per key).
    const awsKeys = Object.keys(awsConfig).map((k) => `aws:${k}`);
    for (const key of r.keysIn("aws").filter((k) => !awsKeys.includes(k))) {
        const close = closest(key, awsKeys);
        r.problem(`${key} is not a setting of the AWS provider${close.length ? `; did you mean ${close.join(" or ")}?` : ""} (every key: https://www.pulumi.com/registry/packages/aws/installation-configuration/)`);
    }

    if (r.problems.length > 0 || !registry || !self) {
        throw new ConfigError(stack, r.problems.length > 0 ? r.problems : ["the configuration could not be read"]);
    }
    const common = { project, stack, region, registry, self, environment, namePrefix: namePrefix(project, environment), domain, network, ingress, edge, data, eks, dr, accountBaseline, security, cicd };
    // A secondary's primaryStack was checked above: reaching here, it is set and well-formed.
    return self.role === "primary"
        ? { ...common, role: "primary", peers: registry.secondaries }
        : {
              ...common,
              role: "secondary",
              // It probes the primary and every successor before it in the failover order (it takes over only when all are down).
              peers: [registry.primary, ...successorsBefore(registry, self.name).map((n) => registry.regions.find((e) => e.name === n)!)],
              primaryStack: primaryStack as string,
              earlierSecondaries: earlierSecondaries(registry, self.name, primaryStack as string, environment),
          };
}

/** `mall:environment`: production, or an environment declared under mall:environments. */
function readEnvironment(r: ConfigReader, stack: string, known: readonly string[]): Environment {
    const environment = r.string("mall:environment", { default: PRODUCTION, pattern: ENVIRONMENT_NAME, describe: "an environment name such as production or staging" });
    if (environment === undefined || !ENVIRONMENT_NAME.test(environment)) return PRODUCTION;
    if (!known.includes(environment)) {
        const close = known.filter((k) => k.startsWith(environment) || editDistance(k, environment) <= 2);
        r.problem(
            `mall:environment "${environment}" is not declared${close.length ? `; did you mean ${close.join(" or ")}?` : ""} (known: ${known.join(", ")}); declare its regions once in Pulumi.yaml under ${ENVIRONMENTS_KEY}.${environment}.regions (its stacks are ${stackName(environment, "<region>")}), or set mall:environment to a known one in Pulumi.${stack}.yaml`,
        );
    }
    return environment;
}

/**
 * A stack's name is its environment's name for its region (stackName): stack references, the CI
 * and every physical name are derived from it, so a stack named for one environment but
 * configured as another (e.g. dev-us-east-1 left at the default production) would be a second
 * production primary with production's physical names.
 */
function stackNameProblem(r: ConfigReader, stack: string, environment: string, region: string, registry: RegionRegistry): void {
    const expected = stackName(environment, region);
    if (stack === expected) return;
    const setEnvironment = environment === PRODUCTION && !r.has("mall:environment") ? "mall:environment is unset (production)" : `mall:environment is ${environment}`;
    const suffix = `-${region}`;
    const named = registry.regions.find((e) => stackName(environment, e.name) === stack);
    if (named) {
        r.problem(`aws:region "${region}" differs from the stack name "${stack}"; ${environment}'s stacks are named ${stackName(environment, "<region>")}, set aws:region to ${named.name}`);
    } else if (stack.endsWith(suffix) && stack.length > suffix.length) {
        const named = stack.slice(0, -suffix.length);
        r.problem(
            `stack "${stack}" is named for environment ${named}, but ${setEnvironment}, whose ${region} stack is ${expected}: set mall:environment: ${named} in Pulumi.${stack}.yaml (declared under ${ENVIRONMENTS_KEY}.${named}.regions in Pulumi.yaml), or rename the stack to ${expected}`,
        );
    } else if (registry.regions.some((e) => e.name === stack) || stack === region) {
        r.problem(
            `stack "${stack}" is named for production's ${stack}, but ${setEnvironment}${stack === region ? "" : ` and aws:region is ${region}`}; ${environment}'s ${region} stack is ${expected}: rename it (pulumi stack rename ${expected}), or fix mall:environment/aws:region`,
        );
    } else {
        r.problem(`stack "${stack}" does not follow the naming the stack references and CI rely on: ${environment}'s ${region} stack is ${expected} (production: <region>, other environments: <env>-<region>); rename it (pulumi stack rename ${expected})`);
    }
}
