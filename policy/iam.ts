/** IAM guardrails: no wildcard grants and no broad AWS-managed policies on identities. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { describe } from "./lib/checks";
import { resourcePolicy } from "./lib/define";
import { grantsAction, statementLabel, statements, strings } from "./lib/iamdoc";
import { ResourceView, UNKNOWN, advise, at, list, str } from "./lib/props";

interface IamConfig {
    allowedManagedPolicyArns: string[];
    deniedManagedPolicies: string[];
}

/**
 * Actions that let their holder become someone else or read every secret when granted on `*`
 * (Rhino Security Labs' IAM privilege-escalation paths; checkov CKV_AWS_286/287/288/289).
 */
export const ESCALATION_ACTIONS = [
    "iam:PassRole",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:CreateAccessKey",
    "iam:UpdateAssumeRolePolicy",
    "lambda:UpdateFunctionCode",
    "sts:AssumeRole",
    "secretsmanager:GetSecretValue",
] as const;

/**
 * AWS-managed policies too broad for a workload, besides AdministratorAccess* and *FullAccess*
 * (always refused): the defaults of `deniedManagedPolicies`, by policy name.
 */
export const DENIED_MANAGED_POLICIES = ["PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "SecretsManagerReadWrite", "IAMFullAccess", "DataScientist", "SecurityAudit"] as const;

/** `arn:aws:iam::*:role/x`, `…:role/*`, `…:user/*`, `…:secret:*`, `…:function:*`: any account, or every role, user, secret or function. */
function isBroadResource(arn: string): boolean {
    return /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\*:/.test(arn) || /:(role|user)\/\*$/.test(arn) || /:(secret|function):\*$/.test(arn);
}


/**
 * Identity policies only. Resource policies (KMS key policies, bucket, queue and topic policies,
 * role trust policies) are exempt: a key policy *must* grant `kms:*` on `"*"` to the account root
 * (that statement delegates to IAM, and `"*"` there means "this key"), so flagging it would be a
 * false violation; who may reach a key is decided by the identity policies checked here.
 */
const DOCUMENTS: Record<string, (r: ResourceView) => [string, unknown][]> = {
    "aws:iam/policy:Policy": (r) => [["policy", at(r.props, "policy")]],
    "aws:iam/rolePolicy:RolePolicy": (r) => [["policy", at(r.props, "policy")]],
    "aws:iam/userPolicy:UserPolicy": (r) => [["policy", at(r.props, "policy")]],
    "aws:iam/groupPolicy:GroupPolicy": (r) => [["policy", at(r.props, "policy")]],
    "aws:iam/role:Role": (r) => {
        const inline = list(r.props, "inlinePolicies");
        if (inline === UNKNOWN) return [["inlinePolicies", UNKNOWN]];
        return inline.map((p, i) => [`inlinePolicies[${i}] (${str(at(p, "name")) ?? "unnamed"})`, at(p, "policy")]);
    },
};

/** Where identity types name managed policy ARNs. */
const ATTACHMENTS: Record<string, string> = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    "aws:iam/role:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
};

/** AWS-managed AdministratorAccess or any AWS-managed `*FullAccess` policy. */
export function isBroadManagedPolicy(arn: string): boolean {
    const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    // Variants count too: AdministratorAccess-Amplify, AmazonDynamoDBFullAccesswithDataPipeline …
    return !!m && (m[1].startsWith("AdministratorAccess") || m[1].includes("FullAccess"));
}

export const leastPrivilegeIam: ResourceValidationPolicy = resourcePolicy<IamConfig>({
    name: "least-privilege-iam",
    description:
        "Checks that identity policies never Allow NotAction, wildcard actions on all resources, or privilege-escalation actions (iam:PassRole, sts:AssumeRole, secretsmanager:GetSecretValue …) on all resources, and that no AdministratorAccess, *FullAccess or denylisted AWS-managed policy is attached.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedManagedPolicyArns: { type: "array", items: { type: "string" }, default: [], description: "AWS-managed policy ARNs exempted after review." },
            deniedManagedPolicies: {
                type: "array",
                items: { type: "string" },
                default: [...DENIED_MANAGED_POLICIES],
                description: "Names of AWS-managed policies refused besides AdministratorAccess* and *FullAccess* (a scan of attachments and managedPolicyArns).",
            },
        },
    },
    types: [...new Set([...Object.keys(DOCUMENTS), ...Object.keys(ATTACHMENTS)])],
    check: (r, config, report) => {
        for (const [where, doc] of DOCUMENTS[r.type]?.(r) ?? []) {
            const ss = statements(doc);
            if (ss === UNKNOWN) {
                advise(report, "least-privilege-iam", `${describe(r)} ${where} cannot be verified during preview (unknown)`, r.urn);
                continue;
            }
            (ss ?? []).forEach((s, i) => {
                if (s.Effect !== "Allow") return;
                const label = statementLabel(s, i);
                const allResources = strings(s.Resource).includes("*") || s.NotResource !== undefined;
                // For escalation, a resource pattern over any account or every role, user, secret
                // or function is as good as "*".
                const broadResources = allResources || strings(s.Resource).some(isBroadResource);
                if (s.NotAction !== undefined) {
                    // Allow + NotAction grants every action but a few, now and as AWS adds actions.
                    report(`${describe(r)} must not Allow NotAction ${JSON.stringify(s.NotAction)}${allResources ? ' on "*"' : ""}: list the actions in Action (${where}, ${label})`, r.urn);
                    return;
                }
                const actions = strings(s.Action);
                const wild = actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
                if (allResources && wild.length > 0) {
                    report(`${describe(r)} must not Allow ${wild.map((a) => JSON.stringify(a)).join(", ")} on "*" (${where}, ${label})`, r.urn);
                    return;
                }
                if (!broadResources) return;
                const escalations = ESCALATION_ACTIONS.filter((e) => actions.some((a) => grantsAction(a, e)));
                if (escalations.length > 0) {
                    report(`${describe(r)} must not Allow ${escalations.join(", ")} on ${allResources ? '"*"' : JSON.stringify(strings(s.Resource).filter(isBroadResource))}: name the roles, functions or secrets (${where}, ${label})`, r.urn);
                }
            });
        }
        const prop = ATTACHMENTS[r.type];
        if (prop) {
            const arns = list(r.props, prop);
            if (arns === UNKNOWN) return;
            for (const arn of arns.map(str)) {
                if (!arn || config.allowedManagedPolicyArns.includes(arn)) continue;
                const denied = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
                if (isBroadManagedPolicy(arn) || (denied !== undefined && config.deniedManagedPolicies.includes(denied))) {
                    report(`${describe(r)} must not attach the AWS-managed policy ${arn}; grant least privilege instead`, r.urn);
                }
            }
        }
    },
});
