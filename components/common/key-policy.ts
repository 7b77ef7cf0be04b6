/**
 * The statements of a key policy that names its users (security review S6), pure: the key component
 * (kms.ts), the data tier's planner of who uses which key (components/data/key-users.ts) and the
 * tests read the same records.
 */

/** Principals allowed one kind of use of a key, through its AWS service. */
export interface KeyUser {
    /** The statement id (`<sid>` and, for grants, `<sid>Grants`): letters and digits. */
    readonly sid: string;
    /** IAM role (or user) ARNs, with their path: `arn:aws:iam::<account>:role/<path><name>`. */
    readonly principalArns: readonly string[];
    /** Actions other than grants, e.g. ["kms:Decrypt"]. @default [] */
    readonly actions?: readonly string[];
    /**
     * `kms:CreateGrant` for the AWS service to keep using the key for a resource it creates for
     * them (a cluster, a table, a snapshot copy): `kms:GrantIsForAWSResource` true. @default false
     */
    readonly grants?: boolean;
    /** `kms:ViaService` short names (["rds"]). @default - the key's viaServices */
    readonly via?: readonly string[];
    /** `kms:ViaService` in any region (DynamoDB global tables: `dynamodb.*.amazonaws.com`). @default false */
    readonly anyRegion?: boolean;
    /** Encryption context the requests must carry (`kms:EncryptionContext:<key>`), e.g. Performance Insights' `aws:pi:service`. @default {} */
    readonly encryptionContext?: Readonly<Record<string, string>>;
}

/**
 * What the account root keeps on a key that names its users: the key administrators' actions of
 * the KMS default policy (developer guide, "Allows key administrators to administer the KMS key"),
 * with `kms:CreateAlias` for its `kms:Create*` (which also allows CreateGrant) and no use at all.
 * `kms:Put*` stays: the policy-lockout check needs the caller able to put the policy again.
 */
export const KEY_ADMIN_ACTIONS = [
    "kms:CreateAlias",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
] as const;

/** The statements of `users` for a key in `region` of `account`. Empty principal lists yield nothing. */
export function userStatements(account: string, region: string, keyVia: readonly string[], users: readonly KeyUser[]): Record<string, unknown>[] {
    const statements: Record<string, unknown>[] = [];
    for (const u of users) {
        const principals = [...new Set(u.principalArns)].sort();
        if (principals.length === 0) continue;
        if (!/^[A-Za-z0-9]+$/.test(u.sid)) throw new Error(`key user sid "${u.sid}" must be letters and digits`);
        for (const p of principals) {
            // An exact principal: a pattern admits any role created later to match it. (Another
            // account's principal never matches: kms:CallerAccount is the key's account.)
            if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(p)) throw new Error(`key user ${u.sid}: "${p}" is not an exact IAM role or user ARN`);
        }
        const via = (u.via ?? keyVia).map((s) => `${s}.${u.anyRegion ? "*" : region}.amazonaws.com`);
        if (via.length === 0) throw new Error(`key user ${u.sid} needs a kms:ViaService (the key has no viaServices)`);
        const base = (extra: Record<string, unknown>) => ({
            ...extra,
            StringEquals: {
                "kms:CallerAccount": account,
                ...(u.anyRegion ? {} : { "kms:ViaService": via }),
                ...Object.fromEntries(Object.entries(u.encryptionContext ?? {}).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
            },
            ...(u.anyRegion ? { StringLike: { "kms:ViaService": via } } : {}),
            ArnLike: { "aws:PrincipalArn": principals.length === 1 ? principals[0] : principals },
        });
        const actions = u.actions ?? [];
        if (actions.length > 0) statements.push({ Sid: u.sid, Effect: "Allow", Principal: { AWS: "*" }, Action: [...actions], Resource: "*", Condition: base({}) });
        if (u.grants) {
            statements.push({ Sid: `${u.sid}Grants`, Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:CreateGrant", Resource: "*", Condition: base({ Bool: { "kms:GrantIsForAWSResource": "true" } }) });
        }
    }
    return statements;
}
