/** EKS settings of one region stack (EksCluster): versions, access, sizes and pools, GitOps. */
import {
    ADDON_NAMES,
    ADDON_VERSIONS,
    AddonName,
    BOOTSTRAP_NODE_GROUP,
    BootstrapNodeGroup,
    CHART_NAMES,
    CHART_VERSIONS,
    ChartName,
    DEFAULT_GITOPS,
    defaultGitopsPath,
    KUBERNETES_VERSION,
    NODE_POOLS,
    NODE_POOL_NAMES,
    NodePoolSpec,
} from "../../components/eks/defaults";
import { parseCidr } from "../../components/network/cidr";
import { ConfigReader, optional } from "./reader";

export interface GitOpsSettings {
    /** @default "https://github.com/mall-platform/mall-gitops.git" */
    readonly repoUrl: string;
    /** @default "main" */
    readonly revision: string;
    /** @default "clusters/<region>" */
    readonly path: string;
    /** A Secrets Manager secret with the repository's read credentials; unset: read anonymously. */
    readonly credentialsSecretArn?: string;
}

export interface EksSettings {
    /** @default "1.35" */
    readonly kubernetesVersion: string;
    /** CIDRs allowed on the public API endpoint; empty turns the public endpoint off. @default [] */
    readonly publicAccessCidrs: readonly string[];
    /** IAM role ARNs given cluster-admin through access entries. @default [] */
    readonly adminRoleArns: readonly string[];
    readonly bootstrapNodeGroup: BootstrapNodeGroup;
    /** Add-on version pins; an unpinned add-on resolves to EKS's most recent build at plan/up time. @default {} */
    readonly addonVersions: Readonly<Partial<Record<AddonName, string>>>;
    /** @default CHART_VERSIONS */
    readonly chartVersions: Readonly<Record<ChartName, string>>;
    /** EC2NodeClass AMI alias. @default "al2023@latest" */
    readonly amiAlias: string;
    /** The six NodePools with mall:nodePools overrides applied. @default NODE_POOLS */
    readonly nodePools: readonly NodePoolSpec[];
    readonly gitops: GitOpsSettings;
}

const VERSION = /^1\.\d{2}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/;
const CHART_VERSION = /^\d+\.\d+\.\d+$/;
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const GIT_URL = /^(https:\/\/|ssh:\/\/|git@)[^\s]+$/;

export interface EksReadOptions {
    /** A production deployment: at least one admin role is required (mall:eksAdminRoleArns). @default false */
    readonly requireAdmins?: boolean;
}

export function readEks(r: ConfigReader, region: string, options: EksReadOptions = {}): EksSettings {
    const kubernetesVersion = r.string("mall:kubernetesVersion", { default: KUBERNETES_VERSION, pattern: VERSION, describe: "a Kubernetes minor version like 1.35" });

    const publicAccessCidrs = r.stringList("mall:eksPublicAccessCidrs", []);
    for (const c of publicAccessCidrs) {
        const cidr = parseCidr(c);
        if (!cidr) r.problem(`mall:eksPublicAccessCidrs entry "${c}" is not an IPv4 CIDR; use an office or VPN range like 203.0.113.0/24`);
        else if (cidr.prefix === 0) r.problem(`mall:eksPublicAccessCidrs entry "${c}" opens the API server to the internet; list specific ranges or leave the list empty (private endpoint only)`);
    }

    const adminRoleArns = r.stringList("mall:eksAdminRoleArns", [], { pattern: ROLE_ARN, describe: "an IAM role ARN like arn:aws:iam::123456789012:role/platform-admin" });
    if (options.requireAdmins && adminRoleArns.length === 0) {
        // Otherwise only the identity that created the cluster (its bootstrap admin entry) can use the API.
        r.problem(
            `mall:eksAdminRoleArns is empty (value []); a production cluster needs at least one admin role besides the deploying identity. Set it, e.g. pulumi config set --path 'mall:eksAdminRoleArns[0]' arn:aws:iam::<account>:role/<platform-admin> -s ${r.stack}`,
        );
    }

    const size = r.number("mall:eksBootstrapNodes", { default: BOOTSTRAP_NODE_GROUP.size, min: 2, max: 10 });
    const bootstrap: BootstrapNodeGroup = {
        instanceType: r.string("mall:eksBootstrapInstanceType", { default: BOOTSTRAP_NODE_GROUP.instanceType, pattern: INSTANCE_TYPE, describe: "an EC2 instance type like t3.medium" }),
        size,
        // One spare for rolling updates of the node group.
        maxSize: size + 1,
        diskSizeGiB: r.number("mall:eksBootstrapDiskGiB", { default: BOOTSTRAP_NODE_GROUP.diskSizeGiB, min: 20, max: 1000 }),
    };

    const addonVersions = readVersionMap(r, "mall:eksAddonVersions", ADDON_NAMES, ADDON_VERSIONS, ADDON_VERSION, "an EKS add-on version like v1.14.2-eksbuild.4", "none pinned: the most recent build EKS publishes for the Kubernetes version, printed by the plan");
    const chartVersions = readVersionMap(r, "mall:eksChartVersions", CHART_NAMES, CHART_VERSIONS, CHART_VERSION, "a chart version like 1.9.0");
    if (!chartVersions.karpenter.startsWith("1.")) {
        r.problem(`mall:eksChartVersions.karpenter "${chartVersions.karpenter}" must be a 1.x release: the NodePools and EC2NodeClass are karpenter.sh/v1 and karpenter.k8s.aws/v1`);
    }

    const amiAlias = r.string("mall:karpenterAmiAlias", { default: "al2023@latest", pattern: /^al2023@(latest|v\d{8})$/, describe: "an AL2023 alias like al2023@latest or al2023@v20250920" });

    const nodePools = readNodePools(r);

    const gitops: GitOpsSettings = {
        repoUrl: r.string("mall:gitopsRepoUrl", { default: DEFAULT_GITOPS.repoUrl, pattern: GIT_URL, describe: "a git URL (https://…, ssh://… or git@…)" }),
        revision: r.string("mall:gitopsRevision", { default: DEFAULT_GITOPS.revision }),
        path: r.string("mall:gitopsPath", { default: defaultGitopsPath(region), pattern: /^[\w.-]+(\/[\w.-]+)*$/, describe: "a relative path inside the repo like clusters/us-east-1" }),
        ...optional(
            "credentialsSecretArn",
            r.string("mall:gitopsCredentialsSecretArn", {
                default: "",
                pattern: /^$|^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/,
                describe: "a Secrets Manager secret ARN like arn:aws:secretsmanager:us-east-1:123456789012:secret:mall/gitops-AbCdEf",
            }),
        ),
    };

    return {
        kubernetesVersion,
        publicAccessCidrs,
        adminRoleArns,
        bootstrapNodeGroup: bootstrap,
        addonVersions,
        chartVersions,
        amiAlias,
        nodePools,
        gitops,
    };
}

function readVersionMap<K extends string, D extends Readonly<Partial<Record<K, string>>>>(
    r: ConfigReader,
    key: string,
    names: readonly K[],
    defaults: D,
    pattern: RegExp,
    describe: string,
    emptyDefault?: string,
): D {
    // The pinned defaults themselves, so the README's table follows the code.
    const pinned = names.filter((n) => defaults[n] !== undefined);
    const raw = r.json(key, { default: pinned.length ? pinned.map((n) => `${n} \`${defaults[n]}\``).join(", ") : (emptyDefault ?? "none") });
    const out = { ...defaults } as Record<K, string>;
    if (raw === undefined) return out as D;
    const example = describe.replace(/^an? .* like /, "");
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        r.problem(`${key} must be a map of ${names.join(", ")} to versions, e.g. { ${names[0]}: "${example}" }`);
        return out as D;
    }
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!(names as readonly string[]).includes(name)) {
            r.problem(`${key}.${name} is not known; allowed: ${names.join(", ")}`);
        } else if (typeof value !== "string" || !pattern.test(value)) {
            r.problem(`${key}.${name} "${String(value)}" is not ${describe}`);
        } else {
            out[name as K] = value;
        }
    }
    return out as D;
}

function readNodePools(r: ConfigReader): NodePoolSpec[] {
    const key = "mall:nodePools";
    const raw = r.json(key, { default: `cpuLimit/weight ${NODE_POOLS.map((p) => `${p.name} ${p.cpuLimit}/${p.weight}`).join(", ")}` });
    if (raw === undefined) return [...NODE_POOLS];
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        r.problem(`${key} must be a map of pool name to { cpuLimit, weight }, e.g. { worker-tier: { cpuLimit: 400 } }`);
        return [...NODE_POOLS];
    }
    const overrides = raw as Record<string, unknown>;
    for (const name of Object.keys(overrides)) {
        if (!(NODE_POOL_NAMES as readonly string[]).includes(name)) r.problem(`${key}.${name} is not a NodePool; the pools are ${NODE_POOL_NAMES.join(", ")}`);
    }
    return NODE_POOLS.map((pool) => {
        const o = overrides[pool.name];
        if (o === undefined) return pool;
        if (typeof o !== "object" || o === null || Array.isArray(o)) {
            r.problem(`${key}.${pool.name} must be an object { cpuLimit, weight }`);
            return pool;
        }
        const fields = o as Record<string, unknown>;
        for (const f of Object.keys(fields)) {
            if (f !== "cpuLimit" && f !== "weight") r.problem(`${key}.${pool.name}.${f} cannot be overridden; allowed: cpuLimit, weight`);
        }
        const int = (f: "cpuLimit" | "weight", min: number, max: number): number => {
            const v = fields[f];
            if (v === undefined) return pool[f];
            if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
                r.problem(`${key}.${pool.name}.${f} "${String(v)}" must be an integer between ${min} and ${max} (default ${pool[f]})`);
                return pool[f];
            }
            return v;
        };
        return { ...pool, cpuLimit: int("cpuLimit", 1, 100000), weight: int("weight", 1, 100) };
    });
}
