/**
 * The deploy path of one region stack: the in-VPC runners (DeployRunner) and the deploy phase.
 * The EKS API is private, so `pulumi up` of the in-cluster objects runs on a runner inside the
 * VPC; the very first deploy (no runner yet) is the bootstrap phase, run from a workstation whose
 * address the public endpoint admits for that one run (docs: README "Deploying for real").
 */
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_ORG } from "./placeholders";
import { ConfigReader } from "./reader";

/** The zero connection id and the documentation account the shipped stack files use: nothing real has them. */
const PLACEHOLDER_CONNECTION = /connection\/0{8}-0{4}-0{4}-0{4}-0{12}$/;
const DOC_ACCOUNT = `:${PLACEHOLDER_ACCOUNT_ID}:`;

export const DEPLOY_PHASES = ["bootstrap", "steady"] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

export interface RunnerSettings {
    /** The GitHub repository whose workflows run on the runners. */
    readonly repositoryUrl: string;
    /** An authorised CodeConnections (GitHub) connection in this region. */
    readonly connectionArn: string;
    /** The role the deploy workflow assumes (OIDC, production environment): EKS cluster admin. */
    readonly deployRoleArn: string;
    /** The read-only role pull-request previews assume (OIDC): EKS read-only access. */
    readonly previewRoleArn: string;
    /** GitHub account ids (numbers) whose workflow jobs may start a runner (deploy and preview). */
    readonly actorIds: readonly string[];
}

export interface CicdSettings {
    /** The in-VPC runners; absent: no runner (the API must then be reached another way). */
    readonly runner?: RunnerSettings;
    /** `bootstrap`: the first deploy, from a workstation admitted on the public endpoint. @default "steady" */
    readonly phase: DeployPhase;
}

const REPO = /^https:\/\/github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const CONNECTION = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/;
const RUNNER_KEYS = ["repositoryUrl", "connectionArn", "deployRoleArn", "previewRoleArn", "actorIds"] as const;

export interface CicdContext {
    readonly region: string;
    /** The stack's physical-name prefix (`mall`, `mall-staging`): connection names are unique per account. */
    readonly namePrefix: string;
    /** The EKS public endpoint's CIDRs (the bootstrap phase needs the deployer's). */
    readonly publicAccessCidrs: readonly string[];
    /** A real preview/up (not the offline plan): placeholders are refused, production needs a runner. */
    readonly deploying: boolean;
    readonly environment: string;
    /** The cluster's human admin roles (mall:eksAdminRoleArns): a workflow role must not be one. */
    readonly adminRoleArns: readonly string[];
}

export function readCicd(r: ConfigReader, { region, namePrefix, publicAccessCidrs, deploying, environment, adminRoleArns }: CicdContext): CicdSettings {
    const key = "mall:deployRunner";
    const phase = r.string("mall:deployPhase", { default: "steady", allowed: DEPLOY_PHASES }) as DeployPhase;
    if (phase === "bootstrap" && publicAccessCidrs.length === 0) {
        r.problem(
            `mall:deployPhase is bootstrap but mall:eksPublicAccessCidrs is empty: the first deploy runs from outside the VPC, so admit your workstation for this run (pulumi up -s <stack> --config mall:deployPhase=bootstrap --config 'mall:eksPublicAccessCidrs=["<your ip>/32"]'), then deploy again from the runner with the default phase`,
        );
    }
    const raw = r.json(key, { default: "none: no in-VPC runner" });
    if (raw === undefined) {
        if (deploying && environment === "production") {
            r.problem(
                `${key} is not set; the production EKS API is private, so in-cluster resources deploy only from a runner in the VPC: set { repositoryUrl, connectionArn, deployRoleArn, previewRoleArn, actorIds } (README "Deploying for real")`,
            );
        }
        return { phase };
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
        r.problem(`${key} must be an object { repositoryUrl, connectionArn, deployRoleArn, previewRoleArn, actorIds }`);
        return { phase };
    }
    const o = raw as Record<string, unknown>;
    for (const k of Object.keys(o).filter((k) => !(RUNNER_KEYS as readonly string[]).includes(k))) {
        r.problem(`${key}.${k} is not a runner setting (allowed: ${RUNNER_KEYS.join(", ")})`);
    }
    const str = (k: (typeof RUNNER_KEYS)[number], pattern: RegExp, example: string): string => {
        const v = o[k];
        if (typeof v !== "string" || !pattern.test(v)) r.problem(`${key}.${k} ${v === undefined ? "is not set" : `"${String(v)}" is not valid`}; expected ${example}`);
        return typeof v === "string" ? v : "";
    };
    const repositoryUrl = str("repositoryUrl", REPO, "https://github.com/<org>/<repo>");
    const connectionArn = str("connectionArn", CONNECTION, `an authorised CodeConnections connection in ${region}, arn:aws:codeconnections:${region}:<account>:connection/<uuid>`);
    const deployRoleArn = str("deployRoleArn", ROLE_ARN, "the deploy workflow's role, arn:aws:iam::<account>:role/<name>");
    const previewRoleArn = str("previewRoleArn", ROLE_ARN, "the pull-request preview role, arn:aws:iam::<account>:role/<name>");
    if (deployRoleArn && deployRoleArn === previewRoleArn) {
        r.problem(`${key}.previewRoleArn equals deployRoleArn; previews run pull-request code and must use a separate read-only role`);
    }
    // EKS refuses two access entries for one principal (409), and the identity that creates the
    // cluster keeps an automatic admin entry: the workflow roles must be neither an admin role nor it.
    for (const [k, v] of [["deployRoleArn", deployRoleArn], ["previewRoleArn", previewRoleArn]] as const) {
        if (v && adminRoleArns.includes(v)) r.problem(`${key}.${k} is also in mall:eksAdminRoleArns; EKS allows one access entry per principal: use distinct roles (bootstrap the cluster as a third identity, README "Deploying for real")`);
    }
    const ids = o.actorIds;
    const actorIds = Array.isArray(ids) ? ids.map(String) : [];
    if (!Array.isArray(ids) || actorIds.length === 0 || actorIds.some((id) => !/^\d+$/.test(id))) {
        r.problem(`${key}.actorIds must list the numeric GitHub account ids allowed to start a runner (gh api users/<login> --jq .id)`);
    }
    if (deploying) {
        if (repositoryUrl.split("/")[3] === PLACEHOLDER_ORG) r.problem(`${key}.repositoryUrl "${repositoryUrl}" names the placeholder org "${PLACEHOLDER_ORG}"; set your repository`);
        if (PLACEHOLDER_CONNECTION.test(connectionArn)) r.problem(`${key}.connectionArn is the placeholder connection; create one (aws codeconnections create-connection --provider-type GitHub --connection-name ${namePrefix}-${region} --region ${region}), authorise it in the console, and set its ARN`);
        for (const [k, v] of [["connectionArn", connectionArn], ["deployRoleArn", deployRoleArn], ["previewRoleArn", previewRoleArn]] as const) {
            if (v.includes(DOC_ACCOUNT)) r.problem(`${key}.${k} is in the documentation account ${PLACEHOLDER_ACCOUNT_ID}; set the ARN in your account`);
        }
    }
    return { phase, runner: { repositoryUrl, connectionArn, deployRoleArn, previewRoleArn, actorIds } };
}
