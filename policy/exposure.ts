/**
 * Exposure and trust guardrails (Security Hub FSBP / checkov controls for the resource types this
 * program can declare): no resource policy that allows every principal without narrowing it, no
 * publicly accessible database, and role trust policies that name who may assume them.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { resourcePolicy } from "./lib/define";
import { Statement, grantsAction, statementLabel as label, statements, strings } from "./lib/iamdoc";
import { ResourceView, UNKNOWN, advise, at, str } from "./lib/props";

/** Where each resource type keeps its resource policy (a JSON document). */
const RESOURCE_POLICIES: Record<string, string> = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:opensearch/domain:Domain": "accessPolicies",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "policy",
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:backup/vaultPolicy:VaultPolicy": "policy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
    "aws:msk/clusterPolicy:ClusterPolicy": "policy",
    "aws:secretsmanager/secret:Secret": "policy",
    "aws:s3/bucket:Bucket": "policy",
};

/** MSK clusters: no public (internet) broker access. */
const MSK_CLUSTER = "aws:msk/cluster:Cluster";

/** Database types with a `publiclyAccessible` switch. */
const DATABASES = ["aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance", "aws:redshift/cluster:Cluster", "aws:dms/replicationInstance:ReplicationInstance"];

/** Service principals whose source ARNs carry no account id (S3 buckets, SES identities are global names). */
const ACCOUNTLESS_SOURCES = ["s3.amazonaws.com", "ses.amazonaws.com"];

/** S3 canned ACLs that grant everyone (or every AWS account) access. */
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/**
 * Condition keys that narrow an everyone-principal to this organisation, account, source resource
 * or network. `kms:CallerAccount` narrows only together with `kms:ViaService` (the key is used by
 * that account through that service).
 */
export const NARROWING_KEYS = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
] as const;

/**
 * The condition keys a statement constrains positively. Not narrowing: negated operators, `…IfExists`
 * and `ForAllValues:` (both true when the key is absent), `Null`, and any value with a wildcard in it
 * (`arn:aws:*`, `arn:aws:iam::*:role/*`), which admits other accounts.
 */
function narrowedKeys(s: Statement): Set<string> {
    const out = new Set<string>();
    const cond = s.Condition;
    if (!cond || typeof cond !== "object") return out;
    for (const [op, block] of Object.entries(cond as Record<string, unknown>)) {
        if (/not|ifexists$|^forallvalues:|^null$/i.test(op) || !block || typeof block !== "object") continue;
        for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
            const values = strings(value);
            if (values.length > 0 && !values.some((v) => /[*?]/.test(v))) out.add(key.toLowerCase());
        }
    }
    return out;
}

/**
 * Whether a statement's principal is everyone: `"*"`, an `AWS` principal `"*"` or any account's
 * root (`arn:aws:iam::*:root`), or a `NotPrincipal` (everyone but the few it names).
 */
export function allowsEveryone(s: Statement & { NotPrincipal?: unknown }): boolean {
    if (s.NotPrincipal !== undefined) return true;
    const p = s.Principal;
    if (p === "*") return true;
    if (p && typeof p === "object") return strings((p as Record<string, unknown>).AWS).some((a) => a === "*" || /^arn:aws[a-z-]*:iam::\*:/.test(a));
    return false;
}

/** Whether the conditions narrow an everyone-principal (NARROWING_KEYS, or caller account with ViaService). */
export function isNarrowed(s: Statement): boolean {
    const keys = narrowedKeys(s);
    return NARROWING_KEYS.some((k) => keys.has(k)) || (keys.has("kms:calleraccount") && keys.has("kms:viaservice"));
}


export const noPublicResourcePolicies: ResourceValidationPolicy = resourcePolicy({
    name: "no-public-resource-policies",
    description:
        "Checks that no resource policy (bucket, key, queue, topic, secret, OpenSearch, VPC endpoint, repository, vault, log and event-bus policies; Lambda permissions; S3 ACLs) allows every principal without a condition narrowing it to a source account, ARN, VPC or organisation, and that no database is publicly accessible.",
    enforcementLevel: "mandatory",
    types: [...new Set([...Object.keys(RESOURCE_POLICIES), ...DATABASES, MSK_CLUSTER, "aws:lambda/permission:Permission", "aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"])],
    check: (r, _config, report) => {
        const P = "no-public-resource-policies";
        if (r.type === MSK_CLUSTER) {
            const access = at(r.props, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type");
            if (access === UNKNOWN) return advise(report, P, `${describe(r)} brokerNodeGroupInfo.connectivityInfo.publicAccess.type cannot be verified during preview (unknown)`, r.urn);
            if (access !== undefined && access !== "DISABLED") report(`${describe(r)} must not expose its brokers to the internet: set brokerNodeGroupInfo.connectivityInfo.publicAccess.type to "DISABLED"; it is ${JSON.stringify(access)}`, r.urn);
            return;
        }
        const field = RESOURCE_POLICIES[r.type];
        if (field) {
            const ss = statements(at(r.props, field));
            if (ss === UNKNOWN) {
                advise(report, P, `${describe(r)} ${field} cannot be verified during preview (unknown)`, r.urn);
                return;
            }
            const fix = r.type.startsWith("aws:kms/") ? "add kms:CallerAccount with kms:ViaService, aws:SourceAccount/aws:SourceArn or aws:PrincipalOrgID" : "add aws:SourceAccount/aws:SourceArn, aws:SourceVpce or aws:PrincipalOrgID, or name the principal";
            (ss ?? []).forEach((s, i) => {
                if (s.Effect === "Allow" && allowsEveryone(s) && !isNarrowed(s)) {
                    const who = (s as { NotPrincipal?: unknown }).NotPrincipal !== undefined ? "every principal but its NotPrincipal" : "every principal";
                    report(`${describe(r)} must not Allow ${who} without a condition on the source account, ARN, VPC or organisation (${field}, ${label(s, i)}): ${fix}`, r.urn);
                }
            });
            if (r.type !== "aws:s3/bucket:Bucket") return;
        }
        if (DATABASES.includes(r.type)) {
            const v = at(r.props, "publiclyAccessible");
            // DMS replication instances are public unless told otherwise.
            const isPublic = v === true || (v === undefined && r.type === "aws:dms/replicationInstance:ReplicationInstance");
            if (v === UNKNOWN) advise(report, P, `${describe(r)} publiclyAccessible cannot be verified during preview (unknown)`, r.urn);
            else if (isPublic) report(`${describe(r)} must not be publicly accessible: set publiclyAccessible to false`, r.urn);
            return;
        }
        if (r.type === "aws:lambda/permission:Permission") {
            const principal = at(r.props, "principal");
            if (principal === UNKNOWN) return advise(report, P, `${describe(r)} principal cannot be verified during preview (unknown)`, r.urn);
            if (principal === "*") {
                const narrowing = ["sourceArn", "sourceAccount", "principalOrgId"].filter((k) => at(r.props, k) !== undefined);
                if (narrowing.length === 0) report(`${describe(r)} must not let every principal invoke the function: set sourceArn, sourceAccount or principalOrgId, or name the principal`, r.urn);
            } else if (typeof principal === "string" && ACCOUNTLESS_SOURCES.includes(principal) && at(r.props, "sourceAccount") === undefined) {
                // An S3 bucket (or SES) ARN names no account: another account's bucket of that name could invoke.
                report(`${describe(r)} must set sourceAccount: ${principal}'s sourceArn carries no account id (confused deputy)`, r.urn);
            }
            return;
        }
        // S3 ACLs: a public canned ACL or a grant to AllUsers/AuthenticatedUsers.
        const acl = at(r.props, "acl");
        if (acl === UNKNOWN) return advise(report, P, `${describe(r)} acl cannot be verified during preview (unknown)`, r.urn);
        if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)) report(`${describe(r)} must not use the public canned ACL ${JSON.stringify(acl)}: use "private", or drop ACLs (BucketOwnershipControls BucketOwnerEnforced)`, r.urn);
        // BucketAcl(V2): accessControlPolicy.grants[].grantee.uri; Bucket: grants[].uri.
        const grants = at(r.props, r.type === "aws:s3/bucket:Bucket" ? "grants" : "accessControlPolicy.grants");
        if (Array.isArray(grants)) {
            for (const g of grants) {
                const uri = str(at(g, "grantee.uri")) ?? str(at(g, "uri"));
                const permission = str(at(g, "permission")) ?? strings(at(g, "permissions")).join("/");
                if (uri && PUBLIC_GRANTEES.includes(uri)) report(`${describe(r)} must not grant ${permission || "access"} to ${uri}: remove the grant`, r.urn);
            }
        }
    },
});

// --- trust policies ---------------------------------------------------------------------------------

interface TrustConfig {
    trustedAccountIds: string[];
}

const ASSUME_ACTIONS = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"];


/** Whether a trust statement lets its principal assume the role (Allow + NotAction counts unless it excludes every assume action). */
function assumes(s: Statement, which: readonly string[] = ASSUME_ACTIONS): boolean {
    if (s.NotAction !== undefined) return which.some((a) => !strings(s.NotAction).some((p) => grantsAction(p, a)));
    return strings(s.Action).some((p) => which.some((a) => grantsAction(p, a)));
}

/** The account of an IAM/STS ARN (`*` for any account), `?` when it is not one. */
function arnAccount(arn: string): string {
    return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}|\*):/.exec(arn)?.[1] ?? "?";
}

/** The account ids an `AWS` principal names (`arn:aws:iam::<id>:…` or a bare id); `*` for every principal. */
function principalAccounts(s: Statement): string[] {
    const p = s.Principal;
    if (p === "*") return ["*"];
    if (!p || typeof p !== "object") return [];
    return strings((p as Record<string, unknown>).AWS).map((a) => (a === "*" ? "*" : /^\d{12}$/.test(a) ? a : arnAccount(a)));
}

/**
 * The accounts a statement's conditions admit principals from (`aws:PrincipalAccount`, and the
 * account of each `aws:PrincipalArn`), whatever the operator: a trust of everyone narrowed to a
 * foreign account trusts that account.
 */
function conditionAccounts(s: Statement): string[] {
    const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const out: string[] = [];
    for (const block of Object.values(cond)) {
        if (!block || typeof block !== "object") continue;
        for (const [key, value] of Object.entries(block)) {
            const k = key.toLowerCase();
            if (k === "aws:principalaccount") out.push(...strings(value).map((v) => (/^\d{12}$/.test(v) ? v : "?")));
            if (k === "aws:principalarn") out.push(...strings(value).map(arnAccount));
        }
    }
    return out;
}

/** The web-identity conditions: for each `<provider>:aud`/`:sub` key, its exact (StringEquals) values. */
function webIdentityProblems(s: Statement): string[] {
    const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const exact = new Map<string, string[]>();
    const loose: string[] = [];
    for (const [op, block] of Object.entries(cond)) {
        if (!block || typeof block !== "object") continue;
        for (const [key, value] of Object.entries(block)) {
            const k = key.toLowerCase();
            if (!k.endsWith(":aud") && !k.endsWith(":sub")) continue;
            if (op === "StringEquals") exact.set(k.slice(k.lastIndexOf(":") + 1), strings(value));
            else loose.push(`${op} ${key}`);
        }
    }
    const problems: string[] = [];
    for (const part of ["aud", "sub"]) {
        const values = exact.get(part);
        if (!values) problems.push(`no StringEquals condition on the provider's ${part}`);
        else if (values.length !== 1) problems.push(`${values.length} values for ${part} (exactly one expected)`);
        else if (/[*?]/.test(values[0])) problems.push(`a wildcard in ${part} ${JSON.stringify(values[0])}`);
    }
    if (loose.length > 0) problems.push(`pattern conditions ${loose.join(", ")}`);
    return problems;
}

/**
 * The accounts this stack may deploy to, from its `aws:allowedAccountIds` (the provider refuses
 * credentials of any other account, so these are the stack's own); structured config arrives from
 * the engine as a JSON string. A value that is not a list of 12-digit strings is a problem, not an
 * empty list: reading it as none would quietly turn the foreign-account check into advice.
 */
function allowedAccountIds(): { ids: string[]; problem?: string } {
    const raw = new pulumi.Config("aws").get("allowedAccountIds");
    if (raw === undefined) return { ids: [] };
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        value = raw;
    }
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && /^\d{12}$/.test(v))) return { ids: value as string[] };
    return { ids: [], problem: `the stack's aws:allowedAccountIds ${JSON.stringify(raw)} is not a list of 12-digit account ids written as strings (e.g. ["123456789012"]), so the pack cannot tell this account's trusts from foreign ones` };
}

function checkTrust(r: ResourceView, doc: unknown, config: TrustConfig, report: (m: string) => void, advisory: (m: string) => void): void {
    const ss = statements(doc);
    if (ss === UNKNOWN || !ss) return;
    const allowed = allowedAccountIds();
    const trusted = [...config.trustedAccountIds, ...allowed.ids];
    ss.forEach((s, i) => {
        if (s.Effect !== "Allow" || !assumes(s)) return;
        const keys = narrowedKeys(s);
        const accounts = principalAccounts(s);
        if (accounts.includes("*") && !["aws:principalorgid", "aws:principalaccount", "aws:principalarn"].some((k) => keys.has(k))) {
            report(`${describe(r)} must not trust every AWS principal (${label(s, i)}): name the account or role, or add aws:PrincipalOrgID`);
        }
        const named = [...new Set([...accounts, ...conditionAccounts(s)])].filter((a) => a !== "*" && a !== "?");
        const foreign = named.filter((a) => !trusted.includes(a));
        if (foreign.length > 0 && !keys.has("sts:externalid") && !keys.has("aws:principalorgid")) {
            if (allowed.problem) {
                report(`${describe(r)} trusts account ${foreign.join(", ")} (${label(s, i)}), and ${allowed.problem}: fix the stack config`);
            } else if (trusted.length > 0) {
                report(`${describe(r)} trusts account ${foreign.join(", ")}, which is neither in aws:allowedAccountIds nor in trustedAccountIds, without sts:ExternalId or aws:PrincipalOrgID (${label(s, i)}): add a condition, or the account to trustedAccountIds`);
            } else {
                advisory(`${describe(r)} trusts account ${foreign.join(", ")} (${label(s, i)}), and the pack cannot tell whether it is yours: set aws:allowedAccountIds in the stack config (the provider then refuses any other account too) or the policy's trustedAccountIds`);
            }
        }
        const federated = s.Principal && typeof s.Principal === "object" ? strings((s.Principal as Record<string, unknown>).Federated) : [];
        if (federated.length > 0 && assumes(s, ["sts:AssumeRoleWithWebIdentity"]) && !federated.some((f) => f === "cognito-identity.amazonaws.com")) {
            const problems = webIdentityProblems(s);
            if (problems.length > 0) report(`${describe(r)} must pin its web-identity trust to one audience and one exact subject with StringEquals on <provider>:aud and <provider>:sub (${label(s, i)}): ${problems.join("; ")}`);
        }
    });
}

export const trustedAssumeRolePolicies: ResourceValidationPolicy = resourcePolicy<TrustConfig>({
    name: "trusted-assume-role-policies",
    description:
        "Checks that no role trusts every AWS principal, or an account outside the stack's aws:allowedAccountIds and trustedAccountIds without sts:ExternalId or aws:PrincipalOrgID, and that every web-identity trust (IRSA, GitHub OIDC) is pinned to one audience and one exact subject.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            trustedAccountIds: {
                type: "array",
                items: { type: "string", pattern: "^[0-9]{12}$" },
                default: [],
                description:
                    "This organisation's other account ids; with the stack's aws:allowedAccountIds they are the trusted accounts, and a trust to any other account needs sts:ExternalId or aws:PrincipalOrgID. With neither set, a trust naming an account is only advised on.",
            },
        },
    },
    types: ["aws:iam/role:Role"],
    check: (r, config, report) => {
        const doc = at(r.props, "assumeRolePolicy");
        if (doc === UNKNOWN) return advise(report, "trusted-assume-role-policies", `${describe(r)} assumeRolePolicy cannot be verified during preview (unknown)`, r.urn);
        checkTrust(r, doc, config, (m) => report(m, r.urn), (m) => advise(report, "trusted-assume-role-policies", m, r.urn));
    },
});
